// A minimal protobuf (proto2 wire format) encoder for the ONNX messages the benchmark needs.
// Field numbers are those of the ONNX spec (onnx.proto):
//   ModelProto: ir_version 1, producer_name 2, graph 7, opset_import 8
//   OperatorSetIdProto: domain 1, version 2
//   GraphProto: node 1, name 2, initializer 5, input 11, output 12
//   NodeProto: input 1, output 2, name 3, op_type 4, attribute 5
//   AttributeProto: name 1, f 2, i 3, s 4, ints 8, type 20 (FLOAT 1, INT 2, STRING 3, INTS 7)
//   TensorProto: dims 1, data_type 2 (FLOAT 1, INT64 7), name 8, raw_data 9 (little-endian values)
//   ValueInfoProto: name 1, type 2; TypeProto: tensor_type 1; TypeProto.Tensor: elem_type 1, shape 2
//   TensorShapeProto: dim 1; Dimension: dim_value 1

const WIRE_VARINT = 0;
const WIRE_FIXED32 = 5;
const WIRE_BYTES = 2;

export const DATA_TYPE_FLOAT = 1;
export const DATA_TYPE_INT64 = 7;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;

// Accumulates encoded fields; nested messages are encoded first and embedded as bytes.
class Writer {
  constructor() { this.chunks = []; this.length = 0; }
  push(bytes) { this.chunks.push(bytes); this.length += bytes.length; }
  varint(value) {  // value: a non-negative integer or a BigInt (int64 two's complement for negatives)
    let v = BigInt.asUintN(64, BigInt(value));
    const out = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v) byte |= 0x80;
      out.push(byte);
    } while (v);
    this.push(Uint8Array.from(out));
  }
  tag(field, wire) { this.varint((field << 3) | wire); }
  uint(field, value) { this.tag(field, WIRE_VARINT); this.varint(value); }
  float(field, value) {
    this.tag(field, WIRE_FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
  }
  bytes(field, bytes) { this.tag(field, WIRE_BYTES); this.varint(bytes.length); this.push(bytes); }
  string(field, text) { this.bytes(field, new TextEncoder().encode(text)); }
  message(field, writer) { this.bytes(field, writer.finish()); }
  finish() {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const c of this.chunks) { out.set(c, offset); offset += c.length; }
    return out;
  }
}

// attributes: { name: number (int) | {float: x} | string | number[] (ints) }
function attribute(name, value) {
  const w = new Writer();
  w.string(1, name);
  if (typeof value === 'number') { w.uint(3, value); w.uint(20, ATTR_INT); }
  else if (typeof value === 'string') { w.string(4, value); w.uint(20, ATTR_STRING); }
  else if (Array.isArray(value)) { for (const v of value) w.uint(8, v); w.uint(20, ATTR_INTS); }
  else if (typeof value?.float === 'number') { w.float(2, value.float); w.uint(20, ATTR_FLOAT); }
  else throw new Error(`attribute ${name}: unsupported value ${value}`);
  return w;
}

export function node(opType, inputs, outputs, attributes = {}, name = outputs[0]) {
  const w = new Writer();
  for (const i of inputs) w.string(1, i);
  for (const o of outputs) w.string(2, o);
  w.string(3, name);
  w.string(4, opType);
  for (const [k, v] of Object.entries(attributes)) w.message(5, attribute(k, v));
  return w;
}

// values: Float32Array (FLOAT) or BigInt64Array (INT64); stored as raw little-endian bytes.
export function tensor(name, dims, values) {
  const w = new Writer();
  for (const d of dims) w.uint(1, d);
  w.uint(2, values instanceof BigInt64Array ? DATA_TYPE_INT64 : DATA_TYPE_FLOAT);
  w.string(8, name);
  const raw = new Uint8Array(values.byteLength);
  const view = new DataView(raw.buffer);
  if (values instanceof BigInt64Array) values.forEach((v, i) => view.setBigInt64(8 * i, v, true));
  else values.forEach((v, i) => view.setFloat32(4 * i, v, true));
  w.bytes(9, raw);
  return w;
}

export function valueInfo(name, elemType, dims) {
  const shape = new Writer();
  for (const d of dims) {
    const dim = new Writer();
    dim.uint(1, d);
    shape.message(1, dim);
  }
  const tensorType = new Writer();
  tensorType.uint(1, elemType);
  tensorType.message(2, shape);
  const type = new Writer();
  type.message(1, tensorType);
  const w = new Writer();
  w.string(1, name);
  w.message(2, type);
  return w;
}

// graph: { name, nodes: [Writer], initializers: [Writer], inputs: [Writer], outputs: [Writer] }
export function model({ graph, opset, irVersion = 8, producer = 'hairmatte-benchmarks' }) {
  const g = new Writer();
  for (const n of graph.nodes) g.message(1, n);
  g.string(2, graph.name);
  for (const t of graph.initializers) g.message(5, t);
  for (const i of graph.inputs) g.message(11, i);
  for (const o of graph.outputs) g.message(12, o);
  const opsetId = new Writer();
  opsetId.string(1, '');
  opsetId.uint(2, opset);
  const m = new Writer();
  m.uint(1, irVersion);
  m.string(2, producer);
  m.message(7, g);
  m.message(8, opsetId);
  return m.finish();
}
