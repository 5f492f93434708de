"""The quantised (int8) `.hmm` file, version 2 (docs/model-format.md): writing a QuantizedModel
(quantize.py) and reading one back, with the derived parameters (requantisation scales, clamps, add
multipliers) recomputed from the stored primary values exactly as quantize_model computes them, so that
int8_forward on a file read back is the network the engine runs.

Per node of quantize.build_graph, in graph order: a convolution stores `N.weight` (int8, PyTorch layout),
`N.weight_scale` (float32 [out]) and `N.bias` (int32 [out], units of input_scale * weight_scale[n]; conv0's
includes the + 0.5 input offset); every node but the head stores `N.output_scale` (float32 [1]) and
`N.output_zero_point` (int32 [1]). The network input's quantisation is fixed (scale 1/127.5, zero point 0).

Version 3 is version 2 in which a convolution weight may be stored codebook-packed (dtype 5): 16 int8
levels and one 4-bit level index per weight, two a byte, element 2i in the low nibble of byte i. The writer
packs automatically every weight that takes at most 16 distinct values when that is smaller; a file with
no packed weight is written as version 2, byte for byte as before. The reader (model_file.decode_model)
returns a packed weight as the int8 array it encodes.
"""
import json
import struct
import zlib
from collections import OrderedDict
from typing import Dict, Tuple

import numpy as np

from . import architecture as A
from . import quantize as Q

VERSION_INT8 = 2
VERSION_PACKED = 3
INT8, INT32, FLOAT32 = 3, 4, 1
INT8_PACKED = 5
DTYPES = {FLOAT32: np.dtype("<f4"), INT8: np.dtype("i1"), INT32: np.dtype("<i4")}
PACKED_LEVELS = 16
PACK_MODES = ("auto", "never")


def packed_data_bytes(count: int) -> int:
    """Data bytes of a packed weight of `count` values: u32 level count, 16 levels, u32 index byte count,
    the indices (two a byte)."""
    return 4 + PACKED_LEVELS + 4 + (count + 1) // 2


def packable(weight: np.ndarray) -> bool:
    """At most 16 distinct values, and packing makes the record smaller."""
    return len(np.unique(weight)) <= PACKED_LEVELS and packed_data_bytes(weight.size) < weight.size


def pack_codebook(weight: np.ndarray) -> bytes:
    """The packed record data of an int8 weight of at most 16 distinct values: the distinct values
    ascending, padded with zeros to 16 levels, then the indices in row-major order, low nibble first."""
    flat = np.ascontiguousarray(weight, dtype=np.int8).reshape(-1)
    distinct = np.unique(flat)
    if len(distinct) > PACKED_LEVELS:
        raise ValueError(f"{len(distinct)} distinct values: a packed weight holds at most {PACKED_LEVELS}")
    if distinct.size and distinct[0] == -128:
        raise ValueError("weight -128 cannot be stored: int8 weights lie in -127..127")
    levels = np.zeros(PACKED_LEVELS, np.int8)
    levels[:len(distinct)] = distinct
    index = np.searchsorted(distinct, flat).astype(np.uint8)
    if index.size % 2:
        index = np.append(index, np.uint8(0))
    nibbles = index[0::2] | (index[1::2] << 4)
    return (struct.pack("<I", PACKED_LEVELS) + levels.tobytes() + struct.pack("<I", len(nibbles)) +
            nibbles.astype(np.uint8).tobytes())


def unpack_codebook(blob: bytes, pos: int, limit: int, name: str, shape: Tuple[int, ...]) -> Tuple[np.ndarray, int]:
    """(the int8 weight, data bytes) of the packed record data at blob[pos:], which must end by `limit`."""
    count = int(np.prod(shape))
    if pos + 4 > limit:
        raise ValueError(f"tensor {name}: truncated")
    (levels_n,) = struct.unpack_from("<I", blob, pos)
    if levels_n != PACKED_LEVELS:
        raise ValueError(f"tensor {name}: packed int8 codebook length {levels_n}, the format's is {PACKED_LEVELS}")
    if pos + 4 + PACKED_LEVELS + 4 > limit:
        raise ValueError(f"tensor {name}: truncated")
    levels = np.frombuffer(blob, np.int8, PACKED_LEVELS, pos + 4)
    if np.any(levels == -128):
        raise ValueError(f"tensor {name}: codebook level -128 at entry {int(np.argmax(levels == -128))}: "
                         f"int8 weights lie in -127..127")
    (index_n,) = struct.unpack_from("<I", blob, pos + 4 + PACKED_LEVELS)
    if index_n != (count + 1) // 2:
        raise ValueError(f"tensor {name}: packed int8 index data is {index_n} bytes but its {count} weights "
                         f"{list(shape)} need {(count + 1) // 2}")
    start = pos + 4 + PACKED_LEVELS + 4
    if start + index_n > limit:
        raise ValueError(f"tensor {name}: truncated")
    nibbles = np.frombuffer(blob, np.uint8, index_n, start)
    if count % 2 and nibbles[-1] >> 4:
        raise ValueError(f"tensor {name}: odd weight count {count} and a non-zero unused high nibble")
    index = np.empty(2 * index_n, np.uint8)
    index[0::2] = nibbles & 15
    index[1::2] = nibbles >> 4
    return levels[index[:count]].reshape(shape), start + index_n - pos


def int8_tensor_specs(arch: str, width_milli: int, depth: int) -> "OrderedDict[str, Tuple[Tuple[int, ...], int]]":
    """name -> (shape, dtype code) in the file's canonical order (the engine's required_int8_tensors)."""
    out: "OrderedDict[str, Tuple[Tuple[int, ...], int]]" = OrderedDict()
    for node in Q.build_graph(arch, width_milli, depth):
        if node.kind == "conv":
            out[node.name + ".weight"] = (node.spec.weight_shape, INT8)
            out[node.name + ".weight_scale"] = ((node.spec.cout,), FLOAT32)
            out[node.name + ".bias"] = ((node.spec.cout,), INT32)
        if node.name != "head":
            out[node.name + ".output_scale"] = ((1,), FLOAT32)
            out[node.name + ".output_zero_point"] = ((1,), INT32)
    return out


def int8_tensors(qm: "Q.QuantizedModel") -> Dict[str, np.ndarray]:
    out: Dict[str, np.ndarray] = {}
    for node in qm.graph:
        if node.kind == "conv":
            c = qm.convs[node.name]
            out[node.name + ".weight"] = c.weight.astype(np.int8)
            out[node.name + ".weight_scale"] = c.w_scale.astype(np.float32)
            out[node.name + ".bias"] = c.bias.astype(np.int32)
        if node.name != "head":
            aq = qm.act[node.name]
            out[node.name + ".output_scale"] = np.array([aq.scale], np.float32)
            out[node.name + ".output_zero_point"] = np.array([aq.zero_point], np.int32)
    return out


def encode_int8_model(qm: "Q.QuantizedModel", input_size: int, metadata: Dict, pack: str = "auto") -> bytes:
    """The file's bytes. pack "auto": every convolution weight that packable() accepts is stored
    codebook-packed (then the file is version 3); "never": all plain int8 (version 2)."""
    if input_size <= 0 or input_size % 32:
        raise ValueError(f"input size must be a positive multiple of 32, got {input_size}")
    if pack not in PACK_MODES:
        raise ValueError(f"pack must be one of {PACK_MODES}, got {pack!r}")
    specs = int8_tensor_specs(qm.arch, qm.width_milli, qm.depth)
    tensors = int8_tensors(qm)
    packed = {name for name, (_, code) in specs.items() if code == INT8 and pack == "auto" and packable(tensors[name])}
    meta = json.dumps(metadata, sort_keys=True).encode("utf-8")
    out = bytearray(b"HAIRMATT")
    out += struct.pack("<7I", VERSION_PACKED if packed else VERSION_INT8, A.ARCH_IDS[qm.arch], qm.depth,
                       qm.width_milli, input_size, len(specs), len(meta))
    out += meta
    for name, (shape, code) in specs.items():
        t = tensors[name]
        if tuple(t.shape) != tuple(shape):
            raise ValueError(f"tensor {name}: shape {t.shape}, the file needs {shape}")
        raw = name.encode("ascii")
        out += struct.pack("<H", len(raw)) + raw + struct.pack("<BB", INT8_PACKED if name in packed else code, len(shape))
        out += struct.pack(f"<{len(shape)}I", *shape)
        out += b"\0" * (-len(out) % 4)
        out += pack_codebook(t) if name in packed else np.ascontiguousarray(t, dtype=DTYPES[code]).tobytes()
    out += struct.pack("<I", zlib.crc32(bytes(out)) & 0xFFFFFFFF)
    return bytes(out)


def write_int8_model(path: str, qm: "Q.QuantizedModel", input_size: int, metadata: Dict, pack: str = "auto") -> int:
    blob = encode_int8_model(qm, input_size, metadata, pack)
    with open(path, "wb") as f:
        f.write(blob)
    return len(blob)


def check_int8_tensors(arch: str, width_milli: int, depth: int, tensors: Dict[str, np.ndarray],
                       packed: Tuple[str, ...] = ()) -> None:
    """Names, shapes and dtypes against the architecture; `packed` names the tensors stored packed."""
    specs = int8_tensor_specs(arch, width_milli, depth)
    missing = [n for n in specs if n not in tensors]
    unknown = [n for n in tensors if n not in specs]
    if missing or unknown:
        raise ValueError(f"int8 file: missing {missing[:5]}, unknown {unknown[:5]}")
    for name in packed:
        if specs[name][1] != INT8:
            raise ValueError(f"tensor {name}: stored codebook-packed (dtype 5), which only convolution weights "
                             f"(int8) may be")
    for name, (shape, code) in specs.items():
        if tuple(tensors[name].shape) != tuple(shape) or tensors[name].dtype != DTYPES[code]:
            raise ValueError(f"tensor {name}: {tensors[name].dtype}{tuple(tensors[name].shape)}, "
                             f"the file needs {DTYPES[code]}{shape}")
    check_int8_values(tensors)


# The largest |bias| + 256 * sum|w| of one output channel that keeps the engine's int32 accumulator in range:
# the kernels fold the input zero point into the bias (b - zp * sum w) and add w * q with |zp|, |q| <= 128.
ACCUMULATOR_LIMIT = 2**31 - 1


def check_int8_values(tensors: Dict[str, np.ndarray]) -> None:
    """The values the engine's reader refuses (src/network/int8_quantization.cc), with the same rules:
    scales positive and finite, zero points in -128..127, weights in -127..127 (symmetric), and per output
    channel |bias| + 256 * sum|w| <= 2^31 - 1. Raises ValueError naming the tensor and element."""
    for name, t in tensors.items():
        if name.endswith("_scale"):
            bad = np.flatnonzero(~(np.isfinite(t) & (t > 0)))
            if bad.size:
                raise ValueError(f"tensor {name}: the scale {t.flat[bad[0]]} at element {bad[0]}: "
                                 f"scales must be positive and finite")
        elif name.endswith(".output_zero_point"):
            if not -128 <= int(t[0]) <= 127:
                raise ValueError(f"tensor {name}: {int(t[0])}, outside the int8 range -128..127")
        elif name.endswith(".weight"):
            bad = np.flatnonzero(t.reshape(-1) == -128)
            if bad.size:
                raise ValueError(f"tensor {name}: -128 at element {bad[0]}: int8 weights must lie in [-127, 127] "
                                 f"(symmetric quantisation)")
            bias = tensors[name[:-len(".weight")] + ".bias"].astype(np.int64)
            magnitude = np.abs(t.astype(np.int64)).reshape(t.shape[0], -1).sum(axis=1)
            over = np.flatnonzero(np.abs(bias) + 256 * magnitude > ACCUMULATOR_LIMIT)
            if over.size:
                c = over[0]
                raise ValueError(f"tensor {name[:-len('.weight')]}.bias: {bias[c]} at element {c}: with its weights "
                                 f"(sum |w| = {magnitude[c]}) the int32 accumulator could overflow "
                                 f"(|bias| + 256 * sum |w| must be <= 2^31 - 1)")


def quantized_model_from_tensors(header: Dict, tensors: Dict[str, np.ndarray]) -> "Q.QuantizedModel":
    """The QuantizedModel a version-2 file describes (decode_model's header and raw tensors)."""
    graph = Q.build_graph(header["arch"], header["width_milli"], header["depth"])
    act = {"input": Q.ActQuant(float(Q.INPUT_SCALE), 0)}
    for node in graph:
        if node.name != "head":
            act[node.name] = Q.ActQuant(float(tensors[node.name + ".output_scale"][0]),
                                        int(tensors[node.name + ".output_zero_point"][0]))
    qm = Q.QuantizedModel(header["arch"], header["width_milli"], header["depth"], graph, act)
    for node in graph:
        if node.kind == "add":
            qm.adds[node.name] = Q.add_params(act[node.inputs[0]], act[node.inputs[1]], act[node.name])
            qm.add_out[node.name] = Q.output_clamp(act[node.name], node.act)
            continue
        wq = tensors[node.name + ".weight"].astype(np.int8)
        ws = tensors[node.name + ".weight_scale"].astype(np.float32)
        bq = tensors[node.name + ".bias"].astype(np.int32)
        in_scale = act[node.inputs[0]].scale
        if node.name == "head":
            scale = (np.float64(in_scale) * ws.astype(np.float64)).astype(np.float32)
            qm.convs[node.name] = Q.QConv(wq, ws, bq, scale, None)
        else:
            out_aq = act[node.name]
            qm.convs[node.name] = Q.QConv(wq, ws, bq, Q.requant_scales(in_scale, ws, out_aq.scale),
                                          Q.output_clamp(out_aq, node.act))
    return qm
