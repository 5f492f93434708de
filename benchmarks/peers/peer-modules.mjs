// Loads the peer runtimes (npm devDependencies of the repository) and says clearly when one is missing.
// Resolution starts at the repository root; HM_PEER_NODE_MODULES=/some/node_modules points elsewhere
// (handy when the packages are installed outside the repo).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const PEER_VERSIONS = {
  '@tensorflow/tfjs-core': '4.22.0',
  '@tensorflow/tfjs-backend-wasm': '4.22.0',
  'onnxruntime-web': '1.30.0',
};

function requireFrom(name) {
  const roots = [path.join(REPO_ROOT, 'package.json')];
  if (process.env.HM_PEER_NODE_MODULES) roots.unshift(path.join(path.resolve(process.env.HM_PEER_NODE_MODULES), 'index.js'));
  for (const root of roots) {
    const req = createRequire(root);
    try {
      return { req, file: req.resolve(name) };
    } catch { /* try the next root */ }
  }
  throw new Error(`cannot find npm package ${name}: run \`npm install --save-dev ${name}@${PEER_VERSIONS[name] ?? 'latest'}\` ` +
    'in the repository (or set HM_PEER_NODE_MODULES)');
}

// CommonJS entry points for Node (tfjs: dist/*.node.js; onnxruntime-web: dist/ort.node.min.js).
export function requirePeer(name) {
  const { req, file } = requireFrom(name);
  return req(file);
}

// The file `requirePeer(name)` loads.
export function peerFile(name) {
  return requireFrom(name).file;
}

// Folder holding a package file, e.g. the .wasm binaries of a backend (with a trailing separator).
export function peerDistDir(name) {
  const { file } = requireFrom(name);
  return path.dirname(file) + path.sep;
}

// The installed version, from the package's own package.json (not every package exports that path).
export function peerVersion(name) {
  let dir = path.dirname(requireFrom(name).file);
  while (dir !== path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const json = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (json.name === name) return json.version;
    }
    dir = path.dirname(dir);
  }
  return 'unknown';
}
