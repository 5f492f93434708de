// The graph (architecture.mjs) as an ONNX model (opset 13, NCHW), built with onnx-proto.mjs and run by
// onnxruntime-web's wasm backend. Conv carries explicit TF "same" pads (stride 2: 0 before, 1 after),
// group = C for depthwise, dilations; ReLU6 is Clip(0, 6) with constant bounds and ReLU is Relu, which
// onnxruntime fuses into the Conv; upsampling is Resize nearest with asymmetric coordinates and floor
// rounding, i.e. pixel replication. The thread count is fixed per process (ort.env.wasm.numThreads).
import * as onnx from './onnx-proto.mjs';
import { requirePeer, peerDistDir, peerVersion } from './peer-modules.mjs';

const OPSET = 13;

// Returns the ONNX model bytes for a size x size input; output 'probability' is [1, 2, size, size].
export function buildOnnxModel(graph, weights, size) {
  const nodes = [];
  const initializers = [
    onnx.tensor('clip_min', [], Float32Array.of(0)),
    onnx.tensor('clip_max', [], Float32Array.of(6)),
    onnx.tensor('upsample_scales', [4], Float32Array.of(1, 1, 2, 2)),
  ];
  for (const op of graph.ops) {
    if (op.op === 'conv') {
      const weight = weights.get(`${op.weight}.weight`);
      const bias = weights.get(`${op.weight}.bias`);
      initializers.push(onnx.tensor(`${op.weight}.weight`, weight.shape, weight.data));
      initializers.push(onnx.tensor(`${op.weight}.bias`, bias.shape, bias.data));
      const k = op.kernel;
      const before = op.stride === 2 ? 0 : (op.dilation * (k - 1)) / 2;
      const after = op.stride === 2 ? 1 : before;
      const convOut = op.act === 'none' ? op.output : `${op.output}.linear`;
      nodes.push(onnx.node('Conv', [op.input, `${op.weight}.weight`, `${op.weight}.bias`], [convOut], {
        kernel_shape: [k, k], strides: [op.stride, op.stride], dilations: [op.dilation, op.dilation],
        pads: [before, before, after, after], group: op.depthwise ? weight.shape[0] : 1,
      }));
      if (op.act === 'relu6') nodes.push(onnx.node('Clip', [convOut, 'clip_min', 'clip_max'], [op.output]));
      else if (op.act === 'relu') nodes.push(onnx.node('Relu', [convOut], [op.output]));
    } else if (op.op === 'upsample2') {
      nodes.push(onnx.node('Resize', [op.input, '', 'upsample_scales'], [op.output], {
        mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor',
      }));
    } else if (op.op === 'add') {
      nodes.push(onnx.node('Add', op.inputs, [op.output]));
    } else if (op.op === 'softmax') {
      nodes.push(onnx.node('Softmax', [op.input], [op.output], { axis: 1 }));
    }
  }
  return onnx.model({
    opset: OPSET,
    graph: {
      name: 'hairmatte',
      nodes,
      initializers,
      inputs: [onnx.valueInfo('input', onnx.DATA_TYPE_FLOAT, [1, 3, size, size])],
      outputs: [onnx.valueInfo(graph.outputName, onnx.DATA_TYPE_FLOAT, [1, 2, size, size])],
    },
  });
}

let ort = null;

function initialiseRuntime(threads) {
  if (ort) {
    if (ort.env.wasm.numThreads !== threads) {
      throw new Error(`onnxruntime-web already runs with ${ort.env.wasm.numThreads} threads in this process; ` +
        'its thread count cannot change (run another process)');
    }
    return;
  }
  ort = requirePeer('onnxruntime-web');
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.wasmPaths = peerDistDir('onnxruntime-web');
  ort.env.logLevel = 'error';
}

function nchwInput(rgba, size) {
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) out[c * plane + p] = rgba[p * 4 + c] / 127.5 - 1;
  }
  return out;
}

// Returns { name, version, setInput(rgba), run() -> Promise<Float32Array P(hair)>, dispose() }.
export async function createOnnxRunner({ graph, weights, size, threads }) {
  initialiseRuntime(threads);
  const session = await ort.InferenceSession.create(buildOnnxModel(graph, weights, size), {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  if (ort.env.wasm.numThreads !== threads) {  // it falls back to 1 where it cannot start workers
    throw new Error(`onnxruntime-web runs ${ort.env.wasm.numThreads} threads, ${threads} requested`);
  }
  let input = null;
  return {
    name: 'onnxruntime-web',
    version: peerVersion('onnxruntime-web'),
    setInput(rgba) { input = nchwInput(rgba, size); },
    async run() {
      const outputs = await session.run({ input: new ort.Tensor('float32', input, [1, 3, size, size]) });
      const both = outputs[graph.outputName];
      const p = both.data.slice(size * size, 2 * size * size);  // channel 1 = P(hair)
      both.dispose?.();
      return p;
    },
    async dispose() { await session.release(); },
  };
}
