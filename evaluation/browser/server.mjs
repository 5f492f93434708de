// The HTTP server of the browser side of the evaluation: our engine (/bindings/js/, /dist/), the page
// (/evaluation/browser/), MediaPipe Tasks' package and wasm files (/mediapipe/, served locally: the
// browser reaches no network) and the peer's model (/peer/hair_segmenter.tflite, from ../shared). Images
// are not served: the runner decodes them in Node and hands the pixels to the page. Cross-origin isolated
// (COOP + COEP), so our engine's pthread build can run.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHARED_DIR = path.resolve(REPO_ROOT, '..', 'shared');
export const PEER_MODEL = path.join(SHARED_DIR, 'peers', 'mediapipe-hair-segmenter', 'hair_segmenter.tflite');

// The installed @mediapipe/tasks-vision (a devDependency); MEDIAPIPE_TASKS_DIR overrides.
export function mediapipeDir() {
  const candidates = [process.env.MEDIAPIPE_TASKS_DIR, path.join(REPO_ROOT, 'node_modules', '@mediapipe', 'tasks-vision')];
  return candidates.find((d) => d && fs.existsSync(path.join(d, 'vision_bundle.mjs'))) ?? null;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript', '.js': 'text/javascript', '.json': 'application/json',
  '.wasm': 'application/wasm', '.tflite': 'application/octet-stream', '.hmm': 'application/octet-stream',
};

// routes: URL prefix -> folder; files: URL path -> file (e.g. '/engine/model.hmm' -> a .hmm to load).
export async function startEvalServer({ files = {} } = {}) {
  const mp = mediapipeDir();
  const routes = {
    '/bindings/js/': path.join(REPO_ROOT, 'bindings', 'js'),
    '/dist/': path.join(REPO_ROOT, 'dist'),
    '/evaluation/browser/': path.join(REPO_ROOT, 'evaluation', 'browser'),
    ...(mp ? { '/mediapipe/': mp } : {}),
  };
  const fixed = { '/peer/hair_segmenter.tflite': PEER_MODEL, ...files };
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const headers = {
      'Cache-Control': 'no-store', 'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin',
    };
    let file = fixed[urlPath] ?? null;
    if (!file) {
      const prefix = Object.keys(routes).find((p) => urlPath.startsWith(p));
      if (prefix) {
        const candidate = path.normalize(path.join(routes[prefix], urlPath.slice(prefix.length)));
        if (candidate.startsWith(routes[prefix] + path.sep)) file = candidate;
      }
    }
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, headers);
      res.end('not found');
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}
