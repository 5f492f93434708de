// Deterministic random weights for an architecture, written as a model file (model-file.mjs) that every
// engine of the benchmark loads. He-normal weights (std = sqrt(2 / fan_in)) keep activations O(1) through
// the ReLU/ReLU6 layers, so the output probability varies across the image and the parity check means
// something; biases are uniform in [-0.1, 0.1]. Each tensor has its own stream, seeded by (seed, name), so
// the values of one tensor do not depend on the others.
import { buildGraph, ARCH_NAMES } from './architecture.mjs';
import { writeModelFile } from './model-file.mjs';

// mulberry32: a small 32-bit PRNG, uniform in [0, 1).
export function uniformStream(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fnv1a(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function tensorValues(name, shape, seed) {
  const next = uniformStream(fnv1a(name) ^ seed);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  if (shape.length === 1) {
    for (let i = 0; i < data.length; i++) data[i] = (next() * 2 - 1) * 0.1;
    return data;
  }
  const fanIn = shape[1] * shape[2] * shape[3];
  const std = Math.sqrt(2 / fanIn);
  for (let i = 0; i < data.length; i++) {
    const u1 = 1 - next();  // (0, 1]: log is finite
    const u2 = next();
    data[i] = std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);  // Box-Muller
  }
  return data;
}

// spec: { arch, decoderDepth = 64, widthPermille = 1000, inputSize = 224 }. Returns the model object.
export function randomModel(spec, seed = 1) {
  const full = { decoderDepth: 64, widthPermille: 1000, inputSize: 224, ...spec };
  const graph = buildGraph(full);
  return {
    ...full,
    metadata: { note: `random weights for benchmarks (benchmarks/peers/random-weights.mjs, seed ${seed})`,
      architecture: ARCH_NAMES[full.arch] },
    tensors: graph.weights.map(({ name, shape }) => ({ name, shape, data: tensorValues(name, shape, seed) })),
  };
}

export function randomModelFile(spec, seed = 1) {
  return writeModelFile(randomModel(spec, seed));
}
