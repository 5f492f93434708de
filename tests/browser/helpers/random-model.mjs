// Writes a valid .hmm model file (docs/model-format.md, version 1) with random weights, written from
// the format spec alone so the browser tests can run the real architecture before a trained model exists.
// Weights are uniform in +-sqrt(3 / fan_in) (unit variance through each layer), deterministic in `seed`.
const ENCODER_BASE = [32, 64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024];
const SKIP_BLOCK = { 1: 11, 2: 5, 3: 3, 4: 1 };  // HairMatteNet decoder stage -> encoder block

export function requiredTensors({ arch = 'hairmattenet', depth = 64, widthPermille = 1000 } = {}) {
  const c = (k) => (ENCODER_BASE[k] * widthPermille) / 1000;
  const tensors = [];
  const conv = (name, out, inPerGroup, k) => {
    tensors.push({ name: `${name}.weight`, shape: [out, inPerGroup, k, k] });
    tensors.push({ name: `${name}.bias`, shape: [out] });
  };
  conv('enc.conv0', c(0), 3, 3);
  for (let k = 1; k <= 13; k++) {
    conv(`enc.dw${k}`, c(k - 1), 1, 3);
    conv(`enc.pw${k}`, c(k), c(k - 1), 1);
  }
  const stages = arch === 'hairmattenet' ? 5 : 3;
  for (let s = 1; s <= stages; s++) {
    const channels = s === 1 ? c(13) : depth;
    if (arch === 'hairmattenet' && SKIP_BLOCK[s]) conv(`dec${s}.skip`, channels, c(SKIP_BLOCK[s]), 1);
    conv(`dec${s}.dw`, channels, 1, 3);
    conv(`dec${s}.pw`, depth, channels, 1);
  }
  conv('head', 2, depth, 1);
  return tensors;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes) {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 255] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export function randomModelBytes({ arch = 'hairmattenet', depth = 64, widthPermille = 1000, inputSize = 224, seed = 1 } = {}) {
  const tensors = requiredTensors({ arch, depth, widthPermille });
  const metadata = Buffer.from(JSON.stringify({ note: 'random weights for tests', seed }), 'utf8');
  const chunks = [];
  let offset = 0;
  const push = (buffer) => { chunks.push(buffer); offset += buffer.length; };
  const header = Buffer.alloc(36);
  header.write('HAIRMATT', 0, 'latin1');
  [1, arch === 'hairmattenet' ? 1 : 0, depth, widthPermille, inputSize, tensors.length, metadata.length]
    .forEach((v, i) => header.writeUInt32LE(v, 8 + 4 * i));
  push(header);
  push(metadata);
  let state = seed >>> 0 || 1;
  const random = () => {  // xorshift32 in [0, 1)
    state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0;
    return state / 4294967296;
  };
  for (const { name, shape } of tensors) {
    const record = Buffer.alloc(2 + name.length + 2 + 4 * shape.length);
    record.writeUInt16LE(name.length, 0);
    record.write(name, 2, 'latin1');
    record.writeUInt8(1, 2 + name.length);               // float32
    record.writeUInt8(shape.length, 3 + name.length);
    shape.forEach((d, i) => record.writeUInt32LE(d, 4 + name.length + 4 * i));
    push(record);
    push(Buffer.alloc((4 - (offset % 4)) % 4));
    const count = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(count);
    const isBias = name.endsWith('.bias');
    const fanIn = isBias ? 1 : shape.slice(1).reduce((a, b) => a * b, 1);
    const bound = isBias ? 0.1 : Math.sqrt(3 / fanIn);
    for (let i = 0; i < count; i++) values[i] = (2 * random() - 1) * bound;
    push(Buffer.from(values.buffer));
  }
  const body = Buffer.concat(chunks);
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32(body), 0);
  return Buffer.concat([body, crc]);
}
