// Reader and writer of the engine's `.hmm` model file (docs/model-format.md), so the peers run with exactly
// the weights our engine loads. The reader checks what the benchmark relies on (magic, version, bounds,
// CRC, dtypes, finite values); the engine's loader remains the full validator. It reads version 1 (float
// weights), version 2 (int8: `precision` 'int8', int8 / int32 tensors as Int8Array / Int32Array, which
// only our engine runs) and version 3 (version 2 whose weights may be codebook-packed: unpacked here into
// the Int8Array they encode); the writer writes version 1.

const MAGIC = 'HAIRMATT';
const VERSION = 1;
const DTYPE_F32 = 1;
const DTYPE_F16 = 2;
const VERSION_INT8 = 2;
const DTYPE_I8 = 3;
const DTYPE_I32 = 4;
const VERSION_PACKED = 3;
const DTYPE_I8_PACKED = 5;
const PACKED_LEVELS = 16;

// A codebook-packed record's data at `offset` (docs/model-format.md): u32 level count (16), the int8
// levels, u32 index byte count (ceil(n / 2)), the 4-bit indices, element 2i in the low nibble of byte i.
// Returns { data: Int8Array(n), bytes } or throws naming the tensor.
function unpackCodebook(view, offset, n, name, need) {
  need(offset, 4, `tensor ${name} codebook length`);
  const levels = view.getUint32(offset, true);
  if (levels !== PACKED_LEVELS) throw new Error(`tensor ${name}: packed int8 codebook length ${levels}, the format's is ${PACKED_LEVELS}`);
  need(offset, 4 + PACKED_LEVELS + 4, `tensor ${name} codebook`);
  const codebook = new Int8Array(PACKED_LEVELS);
  for (let k = 0; k < PACKED_LEVELS; k++) {
    codebook[k] = view.getInt8(offset + 4 + k);
    if (codebook[k] === -128) throw new Error(`tensor ${name}: codebook level -128 at entry ${k}`);
  }
  const indexBytes = view.getUint32(offset + 4 + PACKED_LEVELS, true);
  if (indexBytes !== Math.ceil(n / 2)) throw new Error(`tensor ${name}: packed int8 index data is ${indexBytes} bytes but its ${n} weights need ${Math.ceil(n / 2)}`);
  const start = offset + 4 + PACKED_LEVELS + 4;
  need(start, indexBytes, `tensor ${name} indices`);
  const data = new Int8Array(n);
  for (let j = 0; j < n; j++) {
    const byte = view.getUint8(start + (j >> 1));
    data[j] = codebook[j & 1 ? byte >> 4 : byte & 15];
  }
  return { data, bytes: start + indexBytes - offset };
}

let crcTable = null;
// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the one zlib's crc32 computes.
export function crc32(bytes) {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function halfToFloat(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;  // subnormal
  if (exponent === 31) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

// IEEE half from a float, rounding to nearest even (values beyond the half range become infinity).
export function floatToHalf(value) {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);  // NaN / infinity
  const e = exponent - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {  // subnormal half (or zero): shift the implicit 1 in, round to nearest even
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let m = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    if (rest > half || (rest === half && (m & 1))) m += 1;
    return sign | m;
  }
  let h = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1))) h += 1;  // a carry into the exponent is correct
  return sign | h;
}

// model: { arch, decoderDepth, widthPermille, inputSize, metadata (object), tensors: [{name, shape, data: Float32Array}] }
// Writes float32 tensors, or float16 ones with { f16: true }. Returns a Uint8Array.
export function writeModelFile(model, { f16 = false } = {}) {
  const width = f16 ? 2 : 4;
  const encoder = new TextEncoder();
  const metadata = encoder.encode(JSON.stringify(model.metadata ?? {}));
  let size = 36 + metadata.length;
  const layout = model.tensors.map((t) => {
    const name = encoder.encode(t.name);
    if (name.length < 1 || name.length > 255) throw new Error(`tensor name '${t.name}' must be 1..255 bytes`);
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== count) throw new Error(`tensor ${t.name}: ${t.data.length} values for shape [${t.shape}]`);
    const headerEnd = size + 2 + name.length + 2 + 4 * t.shape.length;
    const dataOffset = Math.ceil(headerEnd / 4) * 4;
    size = dataOffset + width * count;
    return { t, name, dataOffset };
  });
  size += 4;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes.set(encoder.encode(MAGIC), 0);
  const header = [VERSION, model.arch, model.decoderDepth, model.widthPermille, model.inputSize,
    model.tensors.length, metadata.length];
  header.forEach((v, i) => view.setUint32(8 + 4 * i, v, true));
  bytes.set(metadata, 36);
  let offset = 36 + metadata.length;
  for (const { t, name, dataOffset } of layout) {
    view.setUint16(offset, name.length, true);
    bytes.set(name, offset + 2);
    offset += 2 + name.length;
    view.setUint8(offset, f16 ? DTYPE_F16 : DTYPE_F32);
    view.setUint8(offset + 1, t.shape.length);
    offset += 2;
    for (const d of t.shape) { view.setUint32(offset, d, true); offset += 4; }
    for (let i = 0; i < t.data.length; i++) {
      if (f16) view.setUint16(dataOffset + 2 * i, floatToHalf(t.data[i]), true);
      else view.setFloat32(dataOffset + 4 * i, t.data[i], true);
    }
    offset = dataOffset + width * t.data.length;
  }
  view.setUint32(offset, crc32(bytes.subarray(0, offset)), true);
  return bytes;
}

// Returns the same structure writeModelFile takes (float16 tensors widened to float32).
export function readModelFile(input) {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (offset, n, what) => {
    if (offset + n > bytes.length - 4) throw new Error(`model file truncated while reading ${what}`);
  };
  if (bytes.length < 40) throw new Error(`model file truncated: ${bytes.length} bytes`);
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw new Error('model file: wrong magic');
  const u32 = (o) => view.getUint32(o, true);
  const version = u32(8);
  if (version !== VERSION && version !== VERSION_INT8 && version !== VERSION_PACKED) {
    throw new Error(`model file: version ${version} is not 1, 2 or 3`);
  }
  const stored = u32(bytes.length - 4);
  const actual = crc32(bytes.subarray(0, bytes.length - 4));
  if (stored !== actual) throw new Error(`model file corrupted: CRC ${actual.toString(16)} != stored ${stored.toString(16)}`);
  const model = { arch: u32(12), decoderDepth: u32(16), widthPermille: u32(20), inputSize: u32(24), tensors: [],
    precision: version === VERSION ? 'fp32' : 'int8' };
  const count = u32(28);
  const metaLength = u32(32);
  need(36, metaLength, 'metadata');
  model.metadata = JSON.parse(new TextDecoder().decode(bytes.subarray(36, 36 + metaLength)) || '{}');
  let offset = 36 + metaLength;
  for (let i = 0; i < count; i++) {
    need(offset, 2, `tensor ${i} name length`);
    const nameLength = view.getUint16(offset, true);
    need(offset + 2, nameLength + 2, `tensor ${i} header`);
    const name = new TextDecoder().decode(bytes.subarray(offset + 2, offset + 2 + nameLength));
    offset += 2 + nameLength;
    const dtype = view.getUint8(offset);
    const rank = view.getUint8(offset + 1);
    offset += 2;
    const known = { [VERSION]: [DTYPE_F32, DTYPE_F16], [VERSION_INT8]: [DTYPE_F32, DTYPE_I8, DTYPE_I32],
      [VERSION_PACKED]: [DTYPE_F32, DTYPE_I8, DTYPE_I32, DTYPE_I8_PACKED] }[version];
    if (!known.includes(dtype)) throw new Error(`tensor ${name}: unknown dtype ${dtype} in a version ${version} file`);
    if (name === 'enc.conv0.weight' && dtype === DTYPE_F16) model.precision = 'fp16';
    if (rank < 1 || rank > 4) throw new Error(`tensor ${name}: rank ${rank} outside 1..4`);
    need(offset, 4 * rank, `tensor ${name} dims`);
    const shape = [];
    for (let r = 0; r < rank; r++) shape.push(u32(offset + 4 * r));
    offset = Math.ceil((offset + 4 * rank) / 4) * 4;
    const n = shape.reduce((a, b) => a * b, 1);
    if (dtype === DTYPE_I8_PACKED) {
      const { data, bytes: used } = unpackCodebook(view, offset, n, name, need);
      offset += used;
      model.tensors.push({ name, shape, data });
      continue;
    }
    const width = { [DTYPE_F32]: 4, [DTYPE_F16]: 2, [DTYPE_I8]: 1, [DTYPE_I32]: 4 }[dtype];
    need(offset, n * width, `tensor ${name} values`);
    if (dtype === DTYPE_I8 || dtype === DTYPE_I32) {
      const data = dtype === DTYPE_I8 ? new Int8Array(n) : new Int32Array(n);
      for (let j = 0; j < n; j++) data[j] = dtype === DTYPE_I8 ? view.getInt8(offset + j) : view.getInt32(offset + 4 * j, true);
      offset += n * width;
      model.tensors.push({ name, shape, data });
      continue;
    }
    const data = new Float32Array(n);
    for (let j = 0; j < n; j++) {
      data[j] = dtype === DTYPE_F32 ? view.getFloat32(offset + 4 * j, true) : halfToFloat(view.getUint16(offset + 2 * j, true));
      if (!Number.isFinite(data[j])) throw new Error(`tensor ${name}: non-finite value at ${j}`);
    }
    offset += n * width;
    model.tensors.push({ name, shape, data });
  }
  if (offset !== bytes.length - 4) throw new Error(`model file: ${bytes.length - 4 - offset} unexpected bytes after the tensors`);
  return model;
}

// Map name -> {shape, data}, checked against the shapes the graph (architecture.mjs) needs.
export function weightsForGraph(model, graph) {
  const byName = new Map(model.tensors.map((t) => [t.name, t]));
  for (const w of graph.weights) {
    const t = byName.get(w.name);
    if (!t) throw new Error(`model file lacks tensor ${w.name}`);
    if (t.shape.join('x') !== w.shape.join('x')) {
      throw new Error(`tensor ${w.name}: shape [${t.shape}] but the architecture needs [${w.shape}]`);
    }
  }
  return byName;
}
