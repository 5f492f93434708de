// The float P(hair) of our engine, for a parity check at 1e-4: the wasm module only returns 8-bit alpha,
// so the same C++ engine built natively (tools/hm_infer, which writes raw float32 probabilities) is run on
// the same model file and frame. Used for the parity check only; it is never timed against the peers.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './peer-modules.mjs';

const CANDIDATES = ['build/native/tools/hm_infer', 'build/native-asan/tools/hm_infer'];

// The hm_infer binary ($HM_INFER, else the native build folders of scripts/build-native.sh), or null.
export function findHmInfer() {
  if (process.env.HM_INFER) return fs.existsSync(process.env.HM_INFER) ? path.resolve(process.env.HM_INFER) : null;
  for (const c of CANDIDATES) {
    const file = path.join(REPO_ROOT, c);
    if (fs.existsSync(file)) return file;
  }
  return null;
}

export const HM_INFER_MISSING = `no native hm_infer (${CANDIDATES.join(' or ')}, or $HM_INFER): ` +
  'run `npm run build:native` for the float parity check of our engine';

// Returns P(hair) (Float32Array, size * size) of the native engine on `rgba` with the model in `modelFile`.
export function nativeProbability(binary, modelFile, rgba, size) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-native-prob-'));
  try {
    const input = path.join(dir, 'frame.rgba');
    const output = path.join(dir, 'prob.f32');
    fs.writeFileSync(input, rgba);
    execFileSync(binary, ['--model', modelFile, '--input', input, '--size', String(size), '--output', output,
      '--threads', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const bytes = fs.readFileSync(output);
    if (bytes.length !== size * size * 4) throw new Error(`hm_infer wrote ${bytes.length} bytes, not ${size * size * 4}`);
    const p = new Float32Array(size * size);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < p.length; i++) p[i] = view.getFloat32(4 * i, true);
    return p;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
