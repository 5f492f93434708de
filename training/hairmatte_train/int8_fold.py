"""The engine's folded first decoder stage (src/network/int8_fold.h explains it), computed exactly as the
engine computes it, so that the simulated int8 network (quantize.int8_forward) stays the engine's bit-exact
reference: HairMatteNet's dec1 pw(dw(pad(up(y) + Ws f + b_s))) runs as
pw(dw(pad(up(y)))) + [pw o dw o Ws](pad(f)) + [pw o dw](pad(b_s)), the first with dw reading y's int8
values (upsampled) instead of the requantised sum, the second one 3x3 convolution
whose weights Wf[o][ky, kx][i] = sum_c pw[o][c] dw[c][ky, kx] Ws[c][i] come from the file's dequantised
int8 weights in float64, summed over c in ascending order (the engine's order), and are quantised per
output channel; the third an int32 bias per border class of the pixel (which taps lie outside the image).
"""
from dataclasses import dataclass
from typing import Optional

import numpy as np
import torch
import torch.nn.functional as F

from . import architecture as A
from . import quantize as Q

# The nodes the fold changes; int8_forward runs them through run_folded_node.
FOLDED_NODES = ("dec1.skip", "dec1.add", "dec1.dw", "dec1.pw")


@dataclass
class Dec1Fold:
    source: str                 # the skip's input node (encoder block 11's output)
    y: str                      # the skip add's upsampled input, which dw reads instead of the sum
    dw: object                  # quantize.QConv: dw on up(y) (bias and requantisation in y's scale)
    weight: torch.Tensor        # [D, source_c, 3, 3] float64 integers in [-127, 127]
    fold_scale: torch.Tensor    # [D] float32: requantisation of the Wf accumulators into pw's output
    bias_by_class: np.ndarray   # [16, D] float64 integers: [pw o dw](pad(b_s)) in accumulator units

# int8_fold_class's bits
TOP, BOTTOM, LEFT, RIGHT = 1, 2, 4, 8


def dec1_foldable(arch: str, width_milli: int, depth: int) -> bool:
    """int8_dec1_foldable: dec1 has a skip, 9 * depth < its channels, and both GEMMs have K >= 65."""
    specs = {s.name: s for s in A.decoder_specs(arch, width_milli, depth)}
    skip = specs.get("dec1.skip")
    return skip is not None and 9 * depth < skip.cout and skip.cout >= 65 and 9 * skip.cin >= 65


def _real(conv, per_channel: int) -> np.ndarray:
    return conv.weight.reshape(conv.weight.shape[0], per_channel).astype(np.float64) * \
        conv.w_scale.astype(np.float64)[:, None]


def dec1_fold(qm) -> Dec1Fold:
    skip, dw, pw = qm.convs["dec1.skip"], qm.convs["dec1.dw"], qm.convs["dec1.pw"]
    source = next(n for n in qm.graph if n.name == "dec1.skip").inputs[0]
    in_scale = np.float64(qm.act[source].scale)
    out_pw = qm.act["dec1.pw"]
    c_n, n_in = skip.weight.shape[0], skip.weight.shape[1]
    d_n = pw.weight.shape[0]
    b_s = skip.bias.astype(np.float64) * in_scale * skip.w_scale.astype(np.float64)
    y = next(n for n in qm.graph if n.name == "dec1.add").inputs[0]
    y_scale, sum_scale = np.float64(qm.act[y].scale), np.float64(qm.act["dec1.add"].scale)
    dw_bias = np.round(dw.bias.astype(np.float64) * sum_scale / y_scale).astype(np.int64)
    dw_requant = (y_scale * dw.w_scale.astype(np.float64) / np.float64(qm.act["dec1.dw"].scale)).astype(np.float32)
    dw_on_y = type(dw)(dw.weight, dw.w_scale, dw_bias, dw_requant, dw.out)
    ws, wd, wp = _real(skip, n_in), _real(dw, 9), _real(pw, c_n)
    wf = np.zeros((d_n, 9, n_in))
    for c in range(c_n):  # the engine's order: c ascending, each term (pw * dw) * Ws
        for k in range(9):
            wf[:, k, :] += (wp[:, c] * wd[c, k])[:, None] * ws[c][None, :]
    scaled = wf * in_scale
    top = np.abs(scaled).reshape(d_n, -1).max(1)
    step = np.where(top > 0, top / 127.0, 1.0)
    q = np.clip(np.round(scaled / step[:, None, None]), -127, 127)
    weight = torch.from_numpy(q.reshape(d_n, 3, 3, n_in).transpose(0, 3, 1, 2).copy())
    fold_scale = torch.from_numpy((step / np.float64(out_pw.scale)).astype(np.float32))
    by_class = np.zeros((16, d_n))
    for cls in range(16):
        t = np.zeros(c_n)  # dw's taps inside the image, ky then kx ascending
        for ky in range(1 if cls & TOP else 0, (1 if cls & BOTTOM else 2) + 1):
            for kx in range(1 if cls & LEFT else 0, (1 if cls & RIGHT else 2) + 1):
                t += wd[:, ky * 3 + kx]
        v = np.zeros(d_n)
        for c in range(c_n):
            v += (wp[:, c] * t[c]) * b_s[c]
        by_class[cls] = np.round(v / step)
    return Dec1Fold(source, y, dw_on_y, weight, fold_scale, by_class)


def class_bias(fold: Dec1Fold, h: int, w: int) -> torch.Tensor:
    """[1, D, h, w]: each pixel's bias_by_class row (int8_fold_class)."""
    ys, xs = np.arange(h)[:, None], np.arange(w)[None, :]
    cls = (np.where(ys == 0, TOP, 0) | np.where(ys == h - 1, BOTTOM, 0) | np.where(xs == 0, LEFT, 0) |
           np.where(xs == w - 1, RIGHT, 0))
    return torch.from_numpy(fold.bias_by_class[cls].transpose(2, 0, 1)[None].copy())


def fold_accumulators(fold: Dec1Fold, f: torch.Tensor, f_zero_point: int) -> torch.Tensor:
    """The Wf accumulators (int32 values, float64-held) over the source's int8 values f [N, C, H, W]: the
    3x3 convolution of f - zero point with zero padding (padded taps read the zero point: real 0), plus
    the class bias."""
    return F.conv2d(F.pad(f - f_zero_point, (1, 1, 1, 1)), fold.weight) + class_bias(fold, f.shape[2], f.shape[3])


def requantize2(a: torch.Tensor, a_scale: torch.Tensor, b: torch.Tensor, b_scale: torch.Tensor, out) -> torch.Tensor:
    """qs8_requantize2_fp32: fp32(a) * a_scale + fp32(b) * b_scale (two fp32 products, one fp32 sum),
    clamped in float, rounded half to even, + zero point; scales broadcast along dim 1."""
    x = a.to(torch.float32) * a_scale.reshape(1, -1, 1, 1)
    y = b.to(torch.float32) * b_scale.reshape(1, -1, 1, 1)
    return Q.requantize_float(x + y, out)


def run_folded_node(fold: Dec1Fold, qm, node, vals) -> Optional[torch.Tensor]:
    """The folded graph's value of one of FOLDED_NODES (int8 values, float64-held; `vals` by node name),
    or None for the skip and the add, which do not run."""
    if node.name == "dec1.dw":  # on up(y), not on the sum
        acc = Q.qconv(Q.up2(vals[fold.y]), qm.act[fold.y].zero_point, fold.dw, node.spec)
        return Q.requantize(acc, torch.from_numpy(fold.dw.requant), fold.dw.out)
    if node.name == "dec1.pw":
        c = qm.convs[node.name]
        acc_pw = Q.qconv(vals[node.inputs[0]], qm.act[node.inputs[0]].zero_point, c, node.spec)
        acc_fold = fold_accumulators(fold, vals[fold.source], qm.act[fold.source].zero_point)
        return requantize2(acc_fold, fold.fold_scale, acc_pw, torch.from_numpy(c.requant), c.out)
    return None
