// A deliberately plain implementation of the graph (architecture.mjs): float64 loops over NHWC arrays,
// explicit TF "same" padding. It shares no code with the tfjs/ONNX builders and is the independent
// reference they are tested against (at small sizes: it is slow).

// rgba: Uint8Array of size*size*4. Returns the normalised NHWC RGB image x / 127.5 - 1 (Float64Array).
export function normaliseRgba(rgba, size) {
  const out = new Float64Array(size * size * 3);
  for (let p = 0; p < size * size; p++) {
    for (let c = 0; c < 3; c++) out[p * 3 + c] = rgba[p * 4 + c] / 127.5 - 1;
  }
  return out;
}

function conv(x, op, weight, bias) {
  const { h, w, c: cin } = x;
  const [cout, , k] = weight.shape;
  const { stride, dilation, depthwise } = op;
  // TF "same": stride 1 pads dilation*(k-1)/2 on each side; stride 2 (even input) pads 0 before, 1 after.
  const padBefore = stride === 2 ? 0 : (dilation * (k - 1)) / 2;
  const ho = stride === 2 ? h / 2 : h;
  const wo = stride === 2 ? w / 2 : w;
  const out = new Float64Array(ho * wo * cout);
  const W = weight.data;
  for (let oy = 0; oy < ho; oy++) {
    for (let ox = 0; ox < wo; ox++) {
      for (let co = 0; co < cout; co++) {
        let sum = bias.data[co];
        for (let ky = 0; ky < k; ky++) {
          const iy = oy * stride - padBefore + ky * dilation;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < k; kx++) {
            const ix = ox * stride - padBefore + kx * dilation;
            if (ix < 0 || ix >= w) continue;
            const base = (iy * w + ix) * cin;
            if (depthwise) {
              sum += x.data[base + co] * W[(co * k + ky) * k + kx];
            } else {
              for (let ci = 0; ci < cin; ci++) sum += x.data[base + ci] * W[((co * cin + ci) * k + ky) * k + kx];
            }
          }
        }
        if (op.act === 'relu6') sum = Math.min(Math.max(sum, 0), 6);
        else if (op.act === 'relu') sum = Math.max(sum, 0);
        out[(oy * wo + ox) * cout + co] = sum;
      }
    }
  }
  return { h: ho, w: wo, c: cout, data: out };
}

function upsample2(x) {
  const out = new Float64Array(x.h * 2 * x.w * 2 * x.c);
  for (let y = 0; y < x.h * 2; y++) {
    for (let xx = 0; xx < x.w * 2; xx++) {
      const src = ((y >> 1) * x.w + (xx >> 1)) * x.c;
      const dst = (y * x.w * 2 + xx) * x.c;
      for (let c = 0; c < x.c; c++) out[dst + c] = x.data[src + c];
    }
  }
  return { h: x.h * 2, w: x.w * 2, c: x.c, data: out };
}

// graph: buildGraph(); weights: Map name -> {shape, data}; rgba: size*size*4 bytes.
// Returns P(hair) per pixel, Float64Array of size*size.
export function runReference(graph, weights, rgba, size) {
  const values = new Map([['input', { h: size, w: size, c: 3, data: normaliseRgba(rgba, size) }]]);
  for (const op of graph.ops) {
    if (op.op === 'conv') {
      values.set(op.output, conv(values.get(op.input), op, weights.get(`${op.weight}.weight`), weights.get(`${op.weight}.bias`)));
    } else if (op.op === 'upsample2') {
      values.set(op.output, upsample2(values.get(op.input)));
    } else if (op.op === 'add') {
      const [a, b] = op.inputs.map((n) => values.get(n));
      if (a.h !== b.h || a.w !== b.w || a.c !== b.c) throw new Error(`add ${op.output}: shapes differ`);
      values.set(op.output, { ...a, data: a.data.map((v, i) => v + b.data[i]) });
    } else if (op.op === 'softmax') {
      const z = values.get(op.input);
      const p = new Float64Array(z.h * z.w);
      for (let i = 0; i < p.length; i++) p[i] = 1 / (1 + Math.exp(z.data[2 * i] - z.data[2 * i + 1]));
      return p;
    }
  }
  throw new Error('graph has no softmax output');
}
