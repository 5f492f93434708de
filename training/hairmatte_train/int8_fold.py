"""The engine's folded first decoder stage (src/network/int8_fold.h explains it), computed exactly as the
engine computes it, so that the simulated int8 network (quantize.int8_forward) stays the engine's bit-exact
reference: HairMatteNet's dec1 pw(dw(pad(up(y) + Ws f + b_s))) runs as
pw(dw(pad(up(y) + b_s))) + [pw o dw o Ws](pad(f)), the second term one 3x3 convolution whose weights
Wf[o][ky, kx][i] = sum_c pw[o][c] dw[c][ky, kx] Ws[c][i] come from the file's dequantised int8 weights in
float64, summed over c in ascending order (the engine's order), and are quantised per output channel.
"""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from . import architecture as A


@dataclass
class Dec1Fold:
    source: str                 # the skip's input node (encoder block 11's output)
    skip_constant: np.ndarray   # [C] float64 integers: b_s quantised as the skip's output
    weight: torch.Tensor        # [D, source_c, 3, 3] float64 integers in [-127, 127]
    fold_scale: torch.Tensor    # [D] float32: requantisation of the Wf accumulators into pw's output


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
    out_skip, out_pw = qm.act["dec1.skip"], qm.act["dec1.pw"]
    c_n, n_in = skip.weight.shape[0], skip.weight.shape[1]
    d_n = pw.weight.shape[0]
    b = skip.bias.astype(np.float64) * in_scale * skip.w_scale.astype(np.float64)
    constant = np.clip(np.round(b / np.float64(out_skip.scale)) + out_skip.zero_point, -128, 127)
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
    return Dec1Fold(source, constant, weight, fold_scale)


def fold_accumulators(fold: Dec1Fold, f: torch.Tensor, f_zero_point: int) -> torch.Tensor:
    """The Wf accumulators (int32 values, float64-held) over the source's int8 values f [N, C, H, W]: the
    3x3 convolution of f - zero point with zero padding (padded taps read the zero point: real 0)."""
    return F.conv2d(F.pad(f - f_zero_point, (1, 1, 1, 1)), fold.weight)


def requantize2(a: torch.Tensor, a_scale: torch.Tensor, b: torch.Tensor, b_scale: torch.Tensor, out) -> torch.Tensor:
    """qs8_requantize2_fp32: fp32(a) * a_scale + fp32(b) * b_scale (two fp32 products, one fp32 sum),
    clamped in float, rounded half to even, + zero point; scales broadcast along dim 1."""
    x = a.to(torch.float32) * a_scale.reshape(1, -1, 1, 1)
    y = b.to(torch.float32) * b_scale.reshape(1, -1, 1, 1)
    v = torch.clamp(x + y, float(out.min - out.zero_point), float(out.max - out.zero_point))
    return (torch.round(v) + out.zero_point).double()  # torch.round rounds half to even
