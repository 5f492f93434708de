// The server the example test runs against. The project's own server (scripts/serve.mjs, behind
// `npm start`) is used when it exists; until then the static fixture stands in, so the page logic is still
// exercised. Returns {origin, examplePath, demoPath, close, real}.
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './browser.mjs';
import { startStaticServer } from './static-server.mjs';

export async function startProjectServer({ isolated }) {
  const serveScript = path.join(REPO_ROOT, 'scripts', 'serve.mjs');
  if (fs.existsSync(serveScript)) {
    const { startRealServer } = await import('../../../scripts/serve-child.mjs');
    return startRealServer(serveScript, { isolated });
  }
  const server = await startStaticServer({ isolated });
  return { ...server, examplePath: '/web/example/', demoPath: '/web/index.html', real: false };
}
