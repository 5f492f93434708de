"""The quantised (int8) `.hmm` file, version 2 (docs/model-format.md): writing a QuantizedModel
(quantize.py) and reading one back, with the derived parameters (requantisation scales, clamps, add
multipliers) recomputed from the stored primary values exactly as quantize_model computes them, so that
int8_forward on a file read back is the network the engine runs.

Per node of quantize.build_graph, in graph order: a convolution stores `N.weight` (int8, PyTorch layout),
`N.weight_scale` (float32 [out]) and `N.bias` (int32 [out], units of input_scale * weight_scale[n]; conv0's
includes the + 0.5 input offset); every node but the head stores `N.output_scale` (float32 [1]) and
`N.output_zero_point` (int32 [1]). The network input's quantisation is fixed (scale 1/127.5, zero point 0).
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
INT8, INT32, FLOAT32 = 3, 4, 1
DTYPES = {FLOAT32: np.dtype("<f4"), INT8: np.dtype("i1"), INT32: np.dtype("<i4")}


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


def encode_int8_model(qm: "Q.QuantizedModel", input_size: int, metadata: Dict) -> bytes:
    if input_size <= 0 or input_size % 32:
        raise ValueError(f"input size must be a positive multiple of 32, got {input_size}")
    specs = int8_tensor_specs(qm.arch, qm.width_milli, qm.depth)
    tensors = int8_tensors(qm)
    meta = json.dumps(metadata, sort_keys=True).encode("utf-8")
    out = bytearray(b"HAIRMATT")
    out += struct.pack("<7I", VERSION_INT8, A.ARCH_IDS[qm.arch], qm.depth, qm.width_milli, input_size, len(specs),
                       len(meta))
    out += meta
    for name, (shape, code) in specs.items():
        t = tensors[name]
        if tuple(t.shape) != tuple(shape):
            raise ValueError(f"tensor {name}: shape {t.shape}, the file needs {shape}")
        raw = name.encode("ascii")
        out += struct.pack("<H", len(raw)) + raw + struct.pack("<BB", code, len(shape))
        out += struct.pack(f"<{len(shape)}I", *shape)
        out += b"\0" * (-len(out) % 4)
        out += np.ascontiguousarray(t, dtype=DTYPES[code]).tobytes()
    out += struct.pack("<I", zlib.crc32(bytes(out)) & 0xFFFFFFFF)
    return bytes(out)


def write_int8_model(path: str, qm: "Q.QuantizedModel", input_size: int, metadata: Dict) -> int:
    blob = encode_int8_model(qm, input_size, metadata)
    with open(path, "wb") as f:
        f.write(blob)
    return len(blob)


def check_int8_tensors(arch: str, width_milli: int, depth: int, tensors: Dict[str, np.ndarray]) -> None:
    specs = int8_tensor_specs(arch, width_milli, depth)
    missing = [n for n in specs if n not in tensors]
    unknown = [n for n in tensors if n not in specs]
    if missing or unknown:
        raise ValueError(f"int8 file: missing {missing[:5]}, unknown {unknown[:5]}")
    for name, (shape, code) in specs.items():
        if tuple(tensors[name].shape) != tuple(shape) or tensors[name].dtype != DTYPES[code]:
            raise ValueError(f"tensor {name}: {tensors[name].dtype}{tuple(tensors[name].shape)}, "
                             f"the file needs {DTYPES[code]}{shape}")


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
