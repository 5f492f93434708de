// The graph (architecture.mjs) in TensorFlow.js on tfjs-backend-wasm (XNNPACK inside), NHWC.
// Each conv is one fused op (conv + bias + activation), as a tfjs user would write it: that gives
// XNNPACK its fused clamp. pad 'same' is exactly the TF padding the model expects (stride 2 on an even
// size pads 0 before, 1 after; stride 1 pads `dilation` per side); the test against reference-net.mjs
// checks it. The backend's thread count is fixed per process (setThreadsCount before initialisation).
import { requirePeer, peerDistDir, peerFile, peerVersion } from './peer-modules.mjs';
import { withNodeThreads } from './tfjs-node-threads.mjs';

let tf = null;
let initialisedThreads = null;

async function initialiseBackend(threads) {
  if (initialisedThreads !== null) {
    if (initialisedThreads !== threads) {
      throw new Error(`tfjs-backend-wasm already runs with ${initialisedThreads} threads in this process; ` +
        'its thread count cannot change (run another process)');
    }
    return;
  }
  tf = requirePeer('@tensorflow/tfjs-core');
  const wasmBackend = requirePeer('@tensorflow/tfjs-backend-wasm');
  wasmBackend.setWasmPaths(peerDistDir('@tensorflow/tfjs-backend-wasm'));
  wasmBackend.setThreadsCount(threads);
  // tfjs turns threads off under Node (IS_NODE); Node 20 has SharedArrayBuffer and worker_threads.
  if (threads > 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  const bundle = peerFile('@tensorflow/tfjs-backend-wasm');
  const ok = threads > 1 ? await withNodeThreads(bundle, threads, () => tf.setBackend('wasm')) : await tf.setBackend('wasm');
  if (!ok) throw new Error('tfjs: the wasm backend failed to initialise');
  await tf.ready();
  const actual = tf.backend().wasm?.tfjs?.getThreadsCount?.() ?? wasmBackend.getThreadsCount?.();
  if (actual !== undefined && actual !== threads) {
    throw new Error(`tfjs-backend-wasm runs ${actual} threads, ${threads} requested (threads unsupported here?)`);
  }
  initialisedThreads = threads;
}

function nhwcInput(rgba, size) {
  const out = new Float32Array(size * size * 3);
  for (let p = 0; p < size * size; p++) {
    for (let c = 0; c < 3; c++) out[p * 3 + c] = rgba[p * 4 + c] / 127.5 - 1;
  }
  return out;
}

// PyTorch [out, in, kh, kw] -> tf conv2d filter [kh, kw, in, out]; depthwise [C, 1, kh, kw] -> [kh, kw, C, 1].
function tfFilter(weight, depthwise) {
  const [cout, cin, kh, kw] = weight.shape;
  const out = new Float32Array(weight.data.length);
  for (let o = 0; o < cout; o++) {
    for (let i = 0; i < cin; i++) {
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) {
          const src = ((o * cin + i) * kh + y) * kw + x;
          const dst = depthwise ? ((y * kw + x) * cout + o) : (((y * kw + x) * cin + i) * cout + o);
          out[dst] = weight.data[src];
        }
      }
    }
  }
  return tf.tensor4d(out, depthwise ? [kh, kw, cout, 1] : [kh, kw, cin, cout]);
}

const ACTIVATION = { relu6: 'relu6', relu: 'relu', none: 'linear' };

// Returns { name, version, setInput(rgba), run() -> Float32Array P(hair), dispose() }.
export async function createTfjsRunner({ graph, weights, size, threads }) {
  await initialiseBackend(threads);
  const params = new Map();
  for (const op of graph.ops) {
    if (op.op !== 'conv') continue;
    params.set(op.weight, {
      filter: tfFilter(weights.get(`${op.weight}.weight`), op.depthwise),
      bias: tf.tensor1d(weights.get(`${op.weight}.bias`).data),
    });
  }
  let input = null;
  const forward = (x) => tf.tidy(() => {
    const values = new Map([['input', x]]);
    for (const op of graph.ops) {
      if (op.op === 'conv') {
        const { filter, bias } = params.get(op.weight);
        const args = { x: values.get(op.input), filter, bias, strides: op.stride, pad: 'same',
          dilations: op.dilation, activation: ACTIVATION[op.act] };
        values.set(op.output, op.depthwise ? tf.fused.depthwiseConv2d(args) : tf.fused.conv2d(args));
      } else if (op.op === 'upsample2') {
        const v = values.get(op.input);
        values.set(op.output, tf.image.resizeNearestNeighbor(v, [v.shape[1] * 2, v.shape[2] * 2], false, false));
      } else if (op.op === 'add') {
        values.set(op.output, tf.add(values.get(op.inputs[0]), values.get(op.inputs[1])));
      } else if (op.op === 'softmax') {
        return tf.softmax(values.get(op.input));  // [1, H, W, 2]; P(hair) is channel 1
      }
    }
    throw new Error('graph has no softmax output');
  });
  return {
    name: 'tfjs-wasm',
    version: peerVersion('@tensorflow/tfjs-backend-wasm'),
    setInput(rgba) { input = nhwcInput(rgba, size); },
    run() {
      const x = tf.tensor4d(input, [1, size, size, 3]);
      const y = forward(x);
      const both = y.dataSync();
      x.dispose();
      y.dispose();
      const p = new Float32Array(size * size);
      for (let i = 0; i < p.length; i++) p[i] = both[2 * i + 1];
      return p;
    },
    dispose() {
      for (const { filter, bias } of params.values()) { filter.dispose(); bias.dispose(); }
    },
  };
}
