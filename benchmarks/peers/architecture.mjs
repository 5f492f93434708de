// The two networks of docs/model-format.md as a flat list of operations over named values, so that every
// backend in this folder (naive reference, tfjs, ONNX) builds exactly the same graph from one description.
//
// Values are NHWC activations named by the op that produced them; 'input' is the normalised RGB image
// (x / 127.5 - 1). Ops:
//   { op: 'conv', input, output, weight, kernel: 1|3, stride, dilation, depthwise, act: 'relu6'|'relu'|'none' }
//       weight names the `.weight`/`.bias` pair of the model file (PyTorch layout [out, in/groups, kh, kw]);
//       padding is TF "same": stride 1 pads `dilation` on each side, stride 2 pads 0 before and 1 after.
//   { op: 'upsample2', input, output }   nearest-neighbour 2x (pixel replication)
//   { op: 'add', inputs: [a, b], output }
//   { op: 'softmax', input, output }     2-way softmax over channels; the output is P(hair) = channel 1
//
// The numbers come from the engine's src/network/architecture_facts.h (through the generated
// bindings/js/constants.mjs), so this graph, the engine and the training code are the same networks.
import {
  ARCH_NAMES as NAMES, ENCODER_BASE_CHANNELS, ENCODER_WIDTHS, HAIR_MATTE_NET_STRIDE2_BLOCKS,
  HAIR_SEG_NET_STRIDE2_BLOCKS, HAIR_SEG_NET_DILATIONS, HAIR_SEG_NET_DECODER_STAGES, HAIR_MATTE_NET_DECODER_STAGES,
  HAIR_MATTE_NET_SKIP_BLOCKS, MIN_DECODER_DEPTH, MAX_DECODER_DEPTH,
} from '../../bindings/js/constants.mjs';

// The model file's architecture ids (the index in ARCH_NAMES) and id -> name.
export const ARCH_HAIRSEGNET = 0;
export const ARCH_HAIRMATTENET = 1;
export const ARCH_NAMES = Object.freeze({ ...NAMES });

export function archFromName(name) {
  const id = NAMES.indexOf(String(name).toLowerCase());
  if (id < 0) throw new Error(`unknown architecture '${name}' (expected ${NAMES.join(' or ')})`);
  return id;
}

// C(k) of docs/model-format.md: MobileNet-v1 rounds scaled widths down, int(c * alpha).
export function encoderChannels(widthPermille) {
  return ENCODER_BASE_CHANNELS.map((c) => Math.floor((c * widthPermille) / 1000));
}

// spec: { arch, decoderDepth, widthPermille }. Returns { ops, weights: [{name, shape}], outputName }.
export function buildGraph(spec) {
  const { arch, decoderDepth: D, widthPermille } = spec;
  if (arch !== ARCH_HAIRSEGNET && arch !== ARCH_HAIRMATTENET) throw new Error(`unknown architecture ${arch}`);
  if (!(Number.isInteger(D) && D >= MIN_DECODER_DEPTH && D <= MAX_DECODER_DEPTH)) {
    throw new Error(`decoder depth ${D} outside ${MIN_DECODER_DEPTH}..${MAX_DECODER_DEPTH}`);
  }
  if (!ENCODER_WIDTHS.includes(widthPermille)) throw new Error(`width ${widthPermille} not ${ENCODER_WIDTHS.join('/')}`);
  const C = encoderChannels(widthPermille);
  const ops = [];
  const weights = [];
  const conv = (name, input, cin, cout, kernel, { stride = 1, dilation = 1, depthwise = false, act }) => {
    weights.push({ name: `${name}.weight`, shape: [cout, depthwise ? 1 : cin, kernel, kernel] });
    weights.push({ name: `${name}.bias`, shape: [cout] });
    ops.push({ op: 'conv', input, output: name, weight: name, kernel, stride, dilation, depthwise, act });
    return name;
  };
  const segnet = arch === ARCH_HAIRSEGNET;

  // Encoder: MobileNet-v1, ReLU6 after every convolution.
  let x = conv('enc.conv0', 'input', 3, C[0], 3, { stride: 2, act: 'relu6' });
  const blockOutput = [x];
  for (let k = 1; k < C.length; k++) {
    // HairSegNet: DeepLab-style output stride 8, the last two stride-2 layers dilated instead.
    const stride = (segnet ? HAIR_SEG_NET_STRIDE2_BLOCKS : HAIR_MATTE_NET_STRIDE2_BLOCKS).includes(k) ? 2 : 1;
    const dilation = segnet ? HAIR_SEG_NET_DILATIONS[k] : 1;
    x = conv(`enc.dw${k}`, x, C[k - 1], C[k - 1], 3, { stride, dilation, depthwise: true, act: 'relu6' });
    x = conv(`enc.pw${k}`, x, C[k - 1], C[k], 1, { act: 'relu6' });
    blockOutput.push(x);
  }

  // Decoder: nearest 2x, (skip add), depthwise 3x3 without activation, pointwise to D with ReLU.
  const skipBlocks = segnet ? [] : HAIR_MATTE_NET_SKIP_BLOCKS;
  const stages = segnet ? HAIR_SEG_NET_DECODER_STAGES : HAIR_MATTE_NET_DECODER_STAGES;
  let channels = C[C.length - 1];
  for (let s = 1; s <= stages; s++) {
    const up = `dec${s}.up`;
    ops.push({ op: 'upsample2', input: x, output: up });
    x = up;
    if (s <= skipBlocks.length) {
      const k = skipBlocks[s - 1];
      const skip = conv(`dec${s}.skip`, blockOutput[k], C[k], channels, 1, { act: 'none' });
      const sum = `dec${s}.add`;
      ops.push({ op: 'add', inputs: [x, skip], output: sum });
      x = sum;
    }
    x = conv(`dec${s}.dw`, x, channels, channels, 3, { depthwise: true, act: 'none' });
    x = conv(`dec${s}.pw`, x, channels, D, 1, { act: 'relu' });
    channels = D;
  }
  x = conv('head', x, D, 2, 1, { act: 'none' });
  ops.push({ op: 'softmax', input: x, output: 'probability' });
  return { ops, weights, outputName: 'probability' };
}

// Output height/width of a conv with TF "same" padding (what every op of the graph uses).
export function convOutputSize(size, stride) {
  return stride === 2 ? size / 2 : size;
}

// Multiply-adds of the convolutions for a square input of `size` (adds, upsampling and softmax excluded,
// as in the paper's and TOOLCHAIN.md's counts). Also returns channel counts per value for the backends.
export function countMultiplyAdds(graph, size) {
  const shape = new Map([['input', { h: size, w: size, c: 3 }]]);
  const weightShape = new Map(graph.weights.map((w) => [w.name, w.shape]));
  let macs = 0;
  for (const op of graph.ops) {
    const s = shape.get(op.op === 'add' ? op.inputs[0] : op.input);
    if (op.op === 'conv') {
      const [cout, cinPerGroup, kh, kw] = weightShape.get(`${op.weight}.weight`);
      const h = convOutputSize(s.h, op.stride);
      const w = convOutputSize(s.w, op.stride);
      macs += h * w * cout * cinPerGroup * kh * kw;
      shape.set(op.output, { h, w, c: cout });
    } else if (op.op === 'upsample2') {
      shape.set(op.output, { h: s.h * 2, w: s.w * 2, c: s.c });
    } else {
      shape.set(op.output, { ...s });
    }
  }
  return macs;
}
