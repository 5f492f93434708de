"""Writer and reader of the engine's `.hmm` model file (docs/model-format.md, version 1; the quantised
versions 2 and 3 are written by int8_file.py and read here, their tensors returned raw with
header["precision"] "int8", codebook-packed weights unpacked and named in header["packed"]).

The writer folds every encoder BatchNorm into its convolution (w' = w * g / sqrt(v + eps),
b' = beta - mean * g / sqrt(v + eps)), checks every tensor against architecture.expected_tensors,
and stores float16 or float32 values. The reader validates like the engine's loader does and is used
by the round-trip tests and evaluate.py.
"""
import json
import struct
import zlib
from typing import Dict, Tuple

import numpy as np
import torch

from . import architecture as A
from .models import HairNet

MAGIC = b"HAIRMATT"
VERSION = 1
DTYPES = {1: np.dtype("<f4"), 2: np.dtype("<f2")}
DTYPE_CODES = {"fp32": 1, "fp16": 2}


def folded_tensors(model: HairNet) -> Dict[str, np.ndarray]:
    """name -> float32 array for every tensor the file needs, BatchNorm folded into the encoder."""
    out: Dict[str, np.ndarray] = {}
    with torch.no_grad():
        for key, layer in model.enc.items():
            bn = layer.bn
            scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
            out[f"enc.{key}.weight"] = (layer.conv.weight * scale[:, None, None, None]).double().numpy()
            out[f"enc.{key}.bias"] = (bn.bias - bn.running_mean * scale).double().numpy()
        for s in range(1, model.stages + 1):
            for key, conv in getattr(model, f"dec{s}").items():
                out[f"dec{s}.{key}.weight"] = conv.weight.double().numpy()
                out[f"dec{s}.{key}.bias"] = conv.bias.double().numpy()
        out["head.weight"] = model.head.weight.double().numpy()
        out["head.bias"] = model.head.bias.double().numpy()
    return {k: v.astype(np.float32) for k, v in out.items()}


def check_tensors(arch: str, width_milli: int, depth: int, tensors: Dict[str, np.ndarray]) -> None:
    expected = A.expected_tensors(arch, width_milli, depth)
    unknown = sorted(set(tensors) - set(expected))
    missing = sorted(set(expected) - set(tensors))
    if unknown:
        raise ValueError(f"unknown tensor(s) for {arch}: {unknown[:5]}")
    if missing:
        raise ValueError(f"missing tensor(s) for {arch}: {missing[:5]}")
    for name, shape in expected.items():
        if tuple(tensors[name].shape) != shape:
            raise ValueError(f"tensor {name}: shape {tuple(tensors[name].shape)}, {arch} needs {shape}")
        if not np.all(np.isfinite(tensors[name])):
            raise ValueError(f"tensor {name}: NaN or infinite values")


def encode_model(arch: str, width_milli: int, depth: int, input_size: int,
                 tensors: Dict[str, np.ndarray], metadata: Dict, dtype: str = "fp16") -> bytes:
    A.check_arch(arch)
    if dtype not in DTYPE_CODES:
        raise ValueError(f"dtype must be one of {sorted(DTYPE_CODES)}, got {dtype!r}")
    if input_size <= 0 or input_size % 32:
        raise ValueError(f"input size must be a positive multiple of 32, got {input_size}")
    check_tensors(arch, width_milli, depth, tensors)
    code = DTYPE_CODES[dtype]
    if code == 2:
        big = [n for n, t in tensors.items() if np.max(np.abs(t)) > 65504]
        if big:
            raise ValueError(f"tensor(s) exceed the float16 range: {big[:5]}")
    meta = json.dumps(metadata, sort_keys=True).encode("utf-8")
    out = bytearray(MAGIC)
    out += struct.pack("<7I", VERSION, A.ARCH_IDS[arch], depth, width_milli, input_size, len(tensors), len(meta))
    out += meta
    for name, shape in A.expected_tensors(arch, width_milli, depth).items():  # spec order
        raw = name.encode("ascii")
        out += struct.pack("<H", len(raw)) + raw + struct.pack("<BB", code, len(shape))
        out += struct.pack(f"<{len(shape)}I", *shape)
        out += b"\0" * (-len(out) % 4)
        out += np.ascontiguousarray(tensors[name], dtype=DTYPES[code]).tobytes()
    out += struct.pack("<I", zlib.crc32(bytes(out)) & 0xFFFFFFFF)
    return bytes(out)


def write_model(path: str, model: HairNet, input_size: int, metadata: Dict, dtype: str = "fp16") -> int:
    """Writes the file; returns its size in bytes."""
    blob = encode_model(model.arch, model.width_milli, model.depth, input_size,
                        folded_tensors(model), metadata, dtype)
    with open(path, "wb") as f:
        f.write(blob)
    return len(blob)


def decode_model(blob: bytes) -> Tuple[Dict, Dict[str, np.ndarray]]:
    """(header, float32 tensors); raises ValueError naming the offending field or tensor."""
    if len(blob) < 40:
        raise ValueError(f"truncated: {len(blob)} bytes is shorter than the header")
    if blob[:8] != MAGIC:
        raise ValueError(f"bad magic {blob[:8]!r}")
    version, arch_id, depth, width, size, count, meta_len = struct.unpack_from("<7I", blob, 8)
    if version not in (VERSION, 2, 3):
        raise ValueError(f"unsupported version {version}")
    dtypes = dict(DTYPES)
    if version >= 2:
        dtypes.update({3: np.dtype("i1"), 4: np.dtype("<i4")})
    packed = []
    if arch_id not in A.ARCH_NAMES:
        raise ValueError(f"unknown architecture {arch_id}")
    if not A.F.MIN_DECODER_DEPTH <= depth <= A.F.MAX_DECODER_DEPTH:
        raise ValueError(f"decoder depth {depth} outside {A.F.MIN_DECODER_DEPTH}..{A.F.MAX_DECODER_DEPTH}")
    if width not in A.WIDTHS_MILLI:
        raise ValueError(f"width {width} not one of {A.WIDTHS_MILLI}")
    if size == 0 or size % 32:
        raise ValueError(f"input size {size} is not a positive multiple of 32")
    (crc,) = struct.unpack_from("<I", blob, len(blob) - 4)
    if zlib.crc32(blob[:-4]) & 0xFFFFFFFF != crc:
        raise ValueError("CRC mismatch: the file is corrupted or truncated")
    pos = 36 + meta_len
    if pos > len(blob) - 4:
        raise ValueError("truncated in metadata")
    metadata = json.loads(blob[36:pos].decode("utf-8"))
    tensors: Dict[str, np.ndarray] = {}
    conv0_dtype = 1
    for _ in range(count):
        (n,) = struct.unpack_from("<H", blob, pos)
        name = blob[pos + 2: pos + 2 + n].decode("ascii")
        dtype, rank = struct.unpack_from("<BB", blob, pos + 2 + n)
        if dtype == 5 and version == 2:
            raise ValueError(f"tensor {name}: dtype 5 (codebook-packed int8) needs a version 3 file, this is version 2")
        if dtype not in dtypes and not (dtype == 5 and version == 3):
            raise ValueError(f"tensor {name}: unknown dtype {dtype}")
        if not 1 <= rank <= 4:
            raise ValueError(f"tensor {name}: rank {rank} outside 1..4")
        dims = struct.unpack_from(f"<{rank}I", blob, pos + 4 + n)
        pos += 4 + n + 4 * rank
        pos += -pos % 4
        if name in tensors:
            raise ValueError(f"tensor {name}: duplicated")
        if dtype == 5:
            from .int8_file import unpack_codebook
            tensors[name], nbytes = unpack_codebook(blob, pos, len(blob) - 4, name, tuple(dims))
            packed.append(name)
            pos += nbytes
            continue
        nbytes = int(np.prod(dims)) * dtypes[dtype].itemsize
        if pos + nbytes > len(blob) - 4:
            raise ValueError(f"tensor {name}: truncated")
        if name == "enc.conv0.weight":
            conv0_dtype = dtype
        raw = np.frombuffer(blob, dtypes[dtype], int(np.prod(dims)), pos).reshape(dims)
        tensors[name] = raw.copy() if version >= 2 else raw.astype(np.float32)
        pos += nbytes
    if pos != len(blob) - 4:
        raise ValueError(f"{len(blob) - 4 - pos} unexpected bytes after the last tensor")
    arch = A.ARCH_NAMES[arch_id]
    header = {"arch": arch, "depth": depth, "width_milli": width, "input_size": size, "metadata": metadata}
    if version >= 2:
        from .int8_file import check_int8_tensors
        check_int8_tensors(arch, width, depth, tensors, tuple(packed))
        header["precision"] = "int8"
        header["packed"] = packed
        return header, tensors
    check_tensors(arch, width, depth, tensors)
    header["precision"] = "fp16" if conv0_dtype == 2 else "fp32"
    return header, tensors


def read_model(path: str) -> Tuple[Dict, Dict[str, np.ndarray]]:
    with open(path, "rb") as f:
        return decode_model(f.read())


def model_from_tensors(header: Dict, tensors: Dict[str, np.ndarray]) -> HairNet:
    """A HairNet computing what the file describes: folded encoder biases are carried by the
    BatchNorm set to identity (gamma 1, mean 0, var 1 - eps, beta = bias)."""
    model = HairNet(header["arch"], header["width_milli"], header["depth"])
    with torch.no_grad():
        for key, layer in model.enc.items():
            layer.conv.weight.copy_(torch.from_numpy(tensors[f"enc.{key}.weight"]))
            layer.bn.weight.fill_(1.0)
            layer.bn.running_mean.zero_()
            layer.bn.running_var.fill_(1.0 - layer.bn.eps)
            layer.bn.bias.copy_(torch.from_numpy(tensors[f"enc.{key}.bias"]))
        for s in range(1, model.stages + 1):
            for key, conv in getattr(model, f"dec{s}").items():
                conv.weight.copy_(torch.from_numpy(tensors[f"dec{s}.{key}.weight"]))
                conv.bias.copy_(torch.from_numpy(tensors[f"dec{s}.{key}.bias"]))
        model.head.weight.copy_(torch.from_numpy(tensors["head.weight"]))
        model.head.bias.copy_(torch.from_numpy(tensors["head.bias"]))
    return model.eval()
