// Starts the project's server (scripts/serve.mjs, what `npm start` runs) as a child process on a free
// port, with or without cross-origin isolation (--no-isolation), and waits until it listens. Used by the
// scripts here (demo-screenshot, measure-payload) and by the browser tests (tests/ may import scripts/;
// scripts/ never imports tests/).
import { spawn } from 'node:child_process';
import net from 'node:net';

async function freePort() {
  const probe = net.createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export async function startRealServer(script, { isolated }) {
  const port = await freePort();
  const args = [script, '--port', String(port), '--host', '127.0.0.1'];
  if (!isolated) args.push('--no-isolation');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve.mjs did not start in 10 s:\n${output}`)), 10000);
    const onData = (chunk) => {
      output += chunk;
      if (output.includes(`:${port}`)) { clearTimeout(timer); resolve(); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`serve.mjs exited with ${code}:\n${output}`)); });
  });
  child.removeAllListeners('exit');
  const close = () => new Promise((resolve) => {
    if (child.exitCode !== null) { resolve(); return; }
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
  return { origin: `http://127.0.0.1:${port}`, examplePath: '/example/', demoPath: '/', close, real: true };
}
