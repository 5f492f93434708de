"""16-level weight codebooks for the int8 model's large 1x1 convolutions (issue #14's size budget).

A chosen convolution keeps the int8 format's semantics (weight = w_scale[n] * q, q an int8 value in
[-127, 127], one fp32 scale per output channel), but its q take at most 16 distinct values over the whole
LAYER, so the file can store it as a 16-entry int8 codebook + 4-bit indices (24 + ceil(n / 2) bytes instead
of n: docs/model-format.md's version 3). The engine's arithmetic does not change: a file whose weights are restricted this way computes
exactly what its packed twin computes.

Methods (`method` below), each per layer:
- 'uniform': the baseline, 4-bit symmetric per output channel: levels -7..7 (15 levels), w_scale[n] =
  max|w[n]| / 7 (the q stored are those levels, i.e. the codebook {-7, ..., 7} in int8 units);
- 'kmeans': w_scale[n] = max|w[n]| / 127 as for plain int8, then one codebook of 16 integer levels for
  the normalised weights u = w / w_scale[n] of all channels, fitted by weighted Lloyd iterations (1-D
  k-means; the weight of w[n, j] is w_scale[n]^2 * E[x_j^2], its share of the output's squared error when
  inputs are uncorrelated), then every weight rounded to its nearest level;
- 'obq': the kmeans codebook and scales, then the weights rounded column by column (input channel j in
  order) with the rounding error of column j spread over the columns not yet rounded through the inverse
  of H = E[x x^T] of the layer's input on calibration images (Optimal Brain Quantisation in GPTQ's
  column order: Frantar et al. 2022), which minimises the layer's output error sum (W - Wq) H (W - Wq)^T
  far better than rounding each weight alone. H's diagonal is dampened by `damp` * its mean. By default
  the columns go in decreasing E[x_j^2] (GPTQ's act-order: measured on HairMatteNet's enc.pw12, enc.pw7
  and dec1.skip, it lowers the output error of the natural order by 18-26%).
Bias correction (quantize.bias_correction) then runs on the final weights, as for plain int8.
"""
import json
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch

from . import quantize as Q
from .int8_file import DTYPES, PACKED_LEVELS, int8_tensor_specs, packed_data_bytes

LEVELS = PACKED_LEVELS  # what one packed record holds (4-bit indices)
METHODS = ("uniform", "kmeans", "obq")


# ---------------------------------------------------------------------------- codebook arithmetic

def nearest_level(u: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Index of the nearest of the sorted `levels` for every value of u (ties to the lower level)."""
    mids = (levels[1:] + levels[:-1]) / 2.0
    return np.searchsorted(mids, u, side="left")


def fit_levels(u: np.ndarray, weights: Optional[np.ndarray] = None, count: int = LEVELS,
               iterations: int = 40) -> np.ndarray:
    """At most `count` distinct integer levels in [-127, 127] (sorted, float64) for the values u, by weighted
    1-D Lloyd iterations from the quantiles, then rounded to integers (duplicates merged)."""
    wt = np.ones(u.size) if weights is None else np.broadcast_to(weights, u.shape).astype(np.float64).ravel()
    u = np.clip(u.astype(np.float64).ravel(), -Q.WMAX, Q.WMAX)
    wt = wt + 1e-30  # all-zero weights still place levels
    levels = np.unique(np.quantile(u, (np.arange(count) + 0.5) / count))
    for _ in range(iterations):
        idx = nearest_level(u, levels)
        mass = np.bincount(idx, wt, minlength=len(levels))
        sums = np.bincount(idx, wt * u, minlength=len(levels))
        new = np.where(mass > 0, sums / np.maximum(mass, 1e-300), levels)
        if np.allclose(new, levels):
            break
        levels = np.unique(new)
    return np.unique(np.clip(np.round(levels), -Q.WMAX, Q.WMAX))


def uniform_levels() -> np.ndarray:
    return np.arange(-7, 8, dtype=np.float64)


def codebook_weights(w: np.ndarray, method: str, gram: Optional[np.ndarray] = None,
                     damp: float = 0.01, act_order: bool = True) -> Tuple[np.ndarray, np.ndarray]:
    """(int8 weights, fp32 per-output-channel scales) of the convolution weight w [out, in, k, k] whose
    int8 values take at most 16 distinct values (see the module doc). `gram` = E[x x^T] of the layer's
    input ([in, in], float64), needed by 'obq' (1x1 convolutions only) and used to weight 'kmeans'."""
    if method not in METHODS:
        raise ValueError(f"unknown codebook method {method!r} (one of {', '.join(METHODS)})")
    out = w.shape[0]
    flat = w.reshape(out, -1).astype(np.float64)
    if method == "uniform":
        levels = uniform_levels()
        m = np.abs(flat).max(axis=1)
        scales = np.where(m > 0, m / 7.0, 1.0).astype(np.float32)
        q = levels[nearest_level(flat / scales.astype(np.float64)[:, None], levels)]
        return q.reshape(w.shape).astype(np.int8), scales
    scales = Q.weight_scales(w)
    s = scales.astype(np.float64)[:, None]
    u = flat / s
    importance = s ** 2
    if gram is not None:
        if w.shape[2:] != (1, 1) or gram.shape != (flat.shape[1], flat.shape[1]):
            raise ValueError(f"gram {gram.shape} does not fit the 1x1 weight {w.shape}")
        importance = importance * np.maximum(np.diag(gram), 0.0)[None, :]
    levels = fit_levels(u, importance)
    if method == "kmeans":
        q = levels[nearest_level(u, levels)]
    else:
        if gram is None:
            raise ValueError("method 'obq' needs the layer input's gram matrix (a 1x1 convolution)")
        q = obq_round(flat, s[:, 0], levels, gram, damp, act_order)
    return q.reshape(w.shape).astype(np.int8), scales


def obq_round(w: np.ndarray, scales: np.ndarray, levels: np.ndarray, gram: np.ndarray,
              damp: float = 0.01, act_order: bool = False) -> np.ndarray:
    """GPTQ-order optimal brain quantisation of W [out, in] onto scales[n] * levels: returns the level
    values (int8 units, float64 [out, in]). For each input column j in order: round it, then move its
    error e_j / [H^-1]_jj along row j of the upper Cholesky factor of H^-1 into the columns after j.
    `act_order`: the columns in decreasing E[x_j^2] (GPTQ's "act-order"), the most important first."""
    if act_order:
        perm = np.argsort(-np.diag(gram), kind="stable")
        q = obq_round(w[:, perm], scales, levels, gram[np.ix_(perm, perm)], damp)
        out = np.empty_like(q)
        out[:, perm] = q
        return out
    w = w.astype(np.float64).copy()
    cols = w.shape[1]
    h = gram.astype(np.float64).copy()
    dead = np.diag(h) <= 0
    h[dead, dead] = 1.0
    w[:, dead] = 0.0
    h[np.diag_indices(cols)] += damp * float(np.mean(np.diag(h)))
    hinv = torch.cholesky_inverse(torch.linalg.cholesky(torch.from_numpy(h)))
    u_chol = torch.linalg.cholesky(hinv, upper=True).numpy()
    q = np.zeros_like(w)
    for j in range(cols):
        col = w[:, j]
        qj = levels[nearest_level(col / scales, levels)]
        q[:, j] = qj
        err = (col - qj * scales) / u_chol[j, j]
        if j + 1 < cols:
            w[:, j + 1:] -= np.outer(err, u_chol[j, j + 1:])
    return q


def layer_output_error(w: np.ndarray, wq: np.ndarray, scales: np.ndarray, gram: np.ndarray) -> float:
    """E ||(W - W_q) x||^2 = trace((W - W_q) H (W - W_q)^T) for a 1x1 layer (W [out, in])."""
    d = w.reshape(w.shape[0], -1).astype(np.float64) - \
        wq.reshape(w.shape[0], -1).astype(np.float64) * scales.astype(np.float64)[:, None]
    return float(np.einsum("ij,jk,ik->", d, gram, d))


# ---------------------------------------------------------------------------- calibration statistics

class GramObserver:
    """E[x x^T] over pixels of chosen tensors (names of node outputs, the inputs of the 1x1 layers)."""

    def __init__(self, names):
        self.names = set(names)
        self.sums: Dict[str, torch.Tensor] = {}
        self.rows: Dict[str, int] = {}

    def __call__(self, name: str, y: torch.Tensor) -> None:
        if name not in self.names:
            return
        x = y.detach().double().permute(0, 2, 3, 1).reshape(-1, y.shape[1])
        self.sums[name] = self.sums.get(name, 0) + x.T @ x
        self.rows[name] = self.rows.get(name, 0) + x.shape[0]

    def gram(self, name: str) -> np.ndarray:
        return (self.sums[name] / self.rows[name]).numpy()


def pointwise_nodes(graph: List["Q.Node"]) -> List["Q.Node"]:
    """The 1x1 (non-depthwise) convolutions, the layers a codebook is meant for."""
    return [n for n in graph if n.kind == "conv" and n.spec.kernel == 1 and not n.spec.depthwise]


# ---------------------------------------------------------------------------- file size

def tensor_record_bytes(offset: int, name: str, ndim: int, data_bytes: int) -> int:
    """Bytes of one tensor record of int8_file.encode_int8_model starting at `offset`: name length (2),
    name, dtype and rank (2), shape (4 per dimension), zero padding to a multiple of 4, the data."""
    head = offset + 2 + len(name.encode("ascii")) + 2 + 4 * ndim
    return head + (-head % 4) + data_bytes - offset


def file_size(arch: str, width_milli: int, depth: int, metadata: Dict, packed=()) -> int:
    """Bytes of the int8 model file of this network and metadata from the layout alone (magic 8, seven
    u32 28, the metadata JSON, the tensor records, CRC 4), with the weights of the nodes `packed` stored
    codebook-packed (then the file is version 3; with none, it is int8_file.encode_int8_model's
    version 2 file)."""
    packed = {name + ".weight" for name in packed}
    offset = 8 + 28 + len(json.dumps(metadata, sort_keys=True).encode("utf-8"))
    for name, (shape, code) in int8_tensor_specs(arch, width_milli, depth).items():
        count = int(np.prod(shape))
        data = packed_data_bytes(count) if name in packed else count * DTYPES[code].itemsize
        offset += tensor_record_bytes(offset, name, len(shape), data)
    return offset + 4


def plain_file_size(arch: str, width_milli: int, depth: int, metadata: Dict) -> int:
    """len(encode_int8_model(...)) of the version-2 file (every weight plain int8)."""
    return file_size(arch, width_milli, depth, metadata)


def predicted_size(arch: str, width_milli: int, depth: int, metadata: Dict, packed: List[str]) -> int:
    """Bytes of the file with the layers `packed` (node names) stored as codebook + 4-bit indices."""
    return file_size(arch, width_milli, depth, metadata, packed)


def choose_layers(arch: str, width_milli: int, depth: int, metadata: Dict, budget: int,
                  order: Optional[List[str]] = None) -> List[str]:
    """1x1 layers to store as codebooks until the predicted file size is <= budget: `order` (names) if
    given, else most parameters first. ValueError if even every 1x1 layer is not enough."""
    nodes = {n.name: n for n in pointwise_nodes(Q.build_graph(arch, width_milli, depth))}
    if order is None:
        order = sorted(nodes, key=lambda k: -int(np.prod(nodes[k].spec.weight_shape)))
    chosen: List[str] = []
    size = file_size(arch, width_milli, depth, metadata)
    for name in order:
        if size <= budget:
            break
        if name not in nodes:
            raise ValueError(f"{name} is not a 1x1 convolution of this network")
        chosen.append(name)
        size = file_size(arch, width_milli, depth, metadata, chosen)
    if size > budget:
        raise ValueError(f"size budget {budget} not reachable: {size} bytes with every 1x1 layer as a codebook")
    return chosen
