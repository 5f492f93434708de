"""Post-training int8 quantisation of a `.hmm` model, and a simulated int8 forward that follows the
QS8 kernels' arithmetic (docs/int8-kernels.md, src/kernels/qs8_kernels.h) exactly, so that its output
can be compared bit for bit with the engine once the engine runs int8.

Quantisation (the kernels' contract):
- weights: int8 per output channel, symmetric, in [-127, 127]: w_scale[n] = max|w[n]| / 127 (fp32),
  q = round_half_even(w / w_scale[n]); BatchNorm is already folded in a `.hmm` file's tensors;
- activations: int8 per tensor, real = scale * (q - zero_point), scale and zero point from a range
  [lo, hi] (widened to include 0, so the real 0 that padding reads is exact):
  scale = (hi - lo) / 255, zero_point = round_half_even(-128 - lo / scale), clamped to [-128, 127];
- biases: int32 in units of in_scale * w_scale[n], rounded half to even;
- convolutions: acc = bias + sum w * (q_in - in_zp) (int32; the kernels fold the zero point into the
  bias, which is the same sum), then out = clamp(round_half_even(fp32(acc) * requant_scale[n]) + out_zp)
  with requant_scale[n] = fp32(in_scale * w_scale[n] / out_scale) computed in double from the fp32
  scales and rounded once: one fp32 multiply. The clamp is the activation: ReLU6 -> [zp, zp + round(6 /
  scale)], ReLU -> [zp, 127], none -> [-128, 127];
- the skip add (qs8_upsample2x_add): XNNPACK's QS8 vadd, `add_params` below is qs8_add_params;
- nearest 2x upsampling moves int8 values unchanged (same scale and zero point);
- the network input: the engine's resized RGBA bytes p, as q = p - 128 with scale 1/127.5 and zero
  point 0; the model's input is (p - 127.5) / 127.5, so conv0's bias carries + 0.5 * sum(w_q[n]) (exact
  in double, then rounded). Padded taps of conv0 read q = 0 (raw 128), i.e. 0.5/127.5 instead of 0:
  only the last row and column of conv0's output see it;
- the head: int8 input and weights, int32 accumulator dequantised in fp32 (fp32(acc) * head_scale[n],
  head_scale[n] = fp32(in_scale * w_scale[n])), softmax on those fp32 logits (no int8 logits).

Arithmetic here: integer tensors are held as float64 (every int8 x int8 sum of this network is far
below 2^53, so a float64 convolution of integer values is exact) or int64; the requantisation runs in
float32 as the kernels do.
"""
import math
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from . import architecture as A
from .models import same_padding

QMIN, QMAX = -128, 127
WMAX = 127  # weights in [-127, 127]: the depthwise kernel's int16 pair sums need it
INPUT_SCALE = np.float32(1.0 / 127.5)
INT32_MAX = 2 ** 31 - 1


# ---------------------------------------------------------------------------- scalars and rules

def round_half_even(x: torch.Tensor) -> torch.Tensor:
    """torch.round rounds halves to even (as std::nearbyint in the default mode)."""
    return torch.round(x)


@dataclass(frozen=True)
class ActQuant:
    """Per-tensor activation quantisation: real = scale * (q - zero_point)."""
    scale: float  # an fp32 value
    zero_point: int


def act_quant_from_range(lo: float, hi: float) -> ActQuant:
    """The asymmetric int8 quantisation of [lo, hi] widened to include 0 (see the module doc)."""
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"activation range [{lo}, {hi}] is not finite")
    if hi - lo < 1e-8:
        hi = lo + 1e-8  # a constant-zero tensor: any scale represents it
    scale = float(np.float32((hi - lo) / 255.0))
    zp = int(np.clip(np.round(-128.0 - lo / scale), QMIN, QMAX))
    return ActQuant(scale, zp)


def quantize_act(x: torch.Tensor, aq: ActQuant) -> torch.Tensor:
    """float -> int8 values (float64 tensor), rounding halves to even, saturating."""
    return torch.clamp(round_half_even(x.double() / aq.scale) + aq.zero_point, QMIN, QMAX)


def dequantize_act(q: torch.Tensor, aq: ActQuant) -> torch.Tensor:
    return (q.double() - aq.zero_point) * aq.scale


def weight_scales(w: np.ndarray) -> np.ndarray:
    """Per output channel (axis 0) symmetric scales max|w| / 127 as fp32; an all-zero channel gets 1."""
    m = np.abs(w.reshape(w.shape[0], -1).astype(np.float64)).max(axis=1)
    return np.where(m > 0, m / WMAX, 1.0).astype(np.float32)


def quantize_weights(w: np.ndarray, scales: np.ndarray) -> np.ndarray:
    s = scales.astype(np.float64).reshape((-1,) + (1,) * (w.ndim - 1))
    return np.clip(np.round(w.astype(np.float64) / s), -WMAX, WMAX).astype(np.int8)


def quantize_bias(b: np.ndarray, in_scale: float, w_scales: np.ndarray, extra: Optional[np.ndarray] = None):
    """int32 bias in units of in_scale * w_scale[n] (+ `extra` in those units before rounding)."""
    units = b.astype(np.float64) / (np.float64(in_scale) * w_scales.astype(np.float64))
    if extra is not None:
        units = units + extra
    q = np.round(units)
    if np.any(np.abs(q) > INT32_MAX):
        raise ValueError(f"bias does not fit int32 (largest {np.abs(q).max():.3g} units)")
    return q.astype(np.int32)


def requant_scales(in_scale: float, w_scales: np.ndarray, out_scale: float) -> np.ndarray:
    """fp32(in_scale * w_scale[n] / out_scale), computed in double from the fp32 scales, rounded once."""
    return (np.float64(in_scale) * w_scales.astype(np.float64) / np.float64(out_scale)).astype(np.float32)


@dataclass(frozen=True)
class QOut:
    """QS8Output: output zero point and quantised clamp."""
    zero_point: int
    min: int
    max: int


def output_clamp(aq: ActQuant, act: str) -> QOut:
    zp = aq.zero_point
    if act == "none":
        return QOut(zp, QMIN, QMAX)
    if act == "relu":
        return QOut(zp, zp, QMAX)
    if act == "relu6":
        return QOut(zp, zp, int(min(QMAX, zp + np.round(6.0 / np.float64(aq.scale)))))
    raise ValueError(f"unknown activation {act!r}")


def requantize(acc: torch.Tensor, scale: torch.Tensor, out: QOut) -> torch.Tensor:
    """qs8_requantize_fp32 on int32 accumulators (int64/float64 tensor holding integers) with per-channel
    fp32 scales broadcast along dim 1: one fp32 multiply, clamp in float, round half to even, + zp."""
    return requantize_float(acc.to(torch.float32) * scale.to(torch.float32).reshape(1, -1, 1, 1), out)


def requantize_float(x: torch.Tensor, out: QOut) -> torch.Tensor:
    """The int8 output of an fp32 value already scaled to output steps: clamp in float (the clamp bounds
    relative to the zero point are integers), round half to even, + zp."""
    x = torch.clamp(x, float(out.min - out.zero_point), float(out.max - out.zero_point))
    return (round_half_even(x) + out.zero_point).double()


def _lround(x: float) -> int:
    """std::lround (halves away from zero), exactly, for a double."""
    f = math.floor(abs(x))
    r = f + (1 if abs(x) - f >= 0.5 else 0)
    return int(math.copysign(r, x))


def add_params(a: ActQuant, b: ActQuant, out: ActQuant) -> Dict[str, int]:
    """qs8_add_params: the QS8 vadd fixed-point multipliers, shift and bias; ValueError out of range."""
    ra = float(np.float32(a.scale)) / float(np.float32(out.scale))
    rb = float(np.float32(b.scale)) / float(np.float32(out.scale))
    r_max = max(ra, rb)
    if not (a.scale > 0 and b.scale > 0 and out.scale > 0 and 2.0 ** -10 <= r_max < 2.0 ** 8):
        raise ValueError(f"add scales out of the kernel's range: ratios {ra:.4g}, {rb:.4g} (need the larger "
                         "in [2^-10, 2^8))")
    _, e = math.frexp(r_max)
    shift = 14 - e
    a_mul, b_mul = _lround(math.ldexp(ra, shift)), _lround(math.ldexp(rb, shift))
    bias = -(a.zero_point * a_mul + b.zero_point * b_mul) + (1 << (shift - 1))
    return {"bias": bias, "a_mul": a_mul, "b_mul": b_mul, "shift": shift}


def qadd(a: torch.Tensor, b: torch.Tensor, p: Dict[str, int], out: QOut) -> torch.Tensor:
    """((bias + a * a_mul + b * b_mul) >> shift) + zp, clamped: integer throughout (int64)."""
    acc = p["bias"] + a.long() * p["a_mul"] + b.long() * p["b_mul"]
    q = torch.div(acc, 1 << p["shift"], rounding_mode="floor") + out.zero_point
    return torch.clamp(q, out.min, out.max).double()


def up2(x: torch.Tensor) -> torch.Tensor:
    return F.interpolate(x, scale_factor=2, mode="nearest")


# ---------------------------------------------------------------------------- the graph

@dataclass
class Node:
    """One quantised operation: a convolution ('conv') or the skip add ('add', inputs a = upsampled
    previous output, b = the skip convolution's output). `up` = the (first) input is upsampled 2x."""
    name: str
    kind: str
    inputs: List[str]
    spec: Optional[A.ConvSpec] = None
    act: str = "none"
    up: bool = False


def build_graph(arch: str, width_milli: int, depth: int) -> List[Node]:
    """The network in execution order, with the engine's int8 quantisation points: every node's output
    is an int8 tensor named after it ('input' is the network input; 'head' yields fp32 logits)."""
    nodes: List[Node] = []
    prev = "input"
    for spec in A.encoder_specs(arch, width_milli):
        nodes.append(Node(spec.name, "conv", [prev], spec, "relu6"))
        prev = spec.name
    dec = {s.name: s for s in A.decoder_specs(arch, width_milli, depth)}
    stages = A.decoder_stages(arch)
    for s in range(1, stages + 1):
        if f"dec{s}.skip" in dec:
            src = f"enc.pw{A.SKIP_BLOCKS[s - 1]}"
            nodes.append(Node(f"dec{s}.skip", "conv", [src], dec[f"dec{s}.skip"], "none"))
            nodes.append(Node(f"dec{s}.add", "add", [prev, f"dec{s}.skip"], None, "none", up=True))
            nodes.append(Node(f"dec{s}.dw", "conv", [f"dec{s}.add"], dec[f"dec{s}.dw"], "none"))
        else:
            nodes.append(Node(f"dec{s}.dw", "conv", [prev], dec[f"dec{s}.dw"], "none", up=True))
        nodes.append(Node(f"dec{s}.pw", "conv", [f"dec{s}.dw"], dec[f"dec{s}.pw"], "relu"))
        prev = f"dec{s}.pw"
    nodes.append(Node("head", "conv", [prev], dec["head"], "none"))
    return nodes


def _activation(y: torch.Tensor, act: str) -> torch.Tensor:
    return F.relu6(y) if act == "relu6" else F.relu(y) if act == "relu" else y


def _conv(x: torch.Tensor, w: torch.Tensor, b: Optional[torch.Tensor], spec: A.ConvSpec) -> torch.Tensor:
    x = same_padding(x, spec.kernel, spec.stride, spec.dilation)
    return F.conv2d(x, w, b, stride=spec.stride, dilation=spec.dilation, groups=spec.cin if spec.depthwise else 1)


def float_forward(graph: List[Node], tensors: Dict[str, np.ndarray], x: torch.Tensor,
                  observe=None, fake: Optional["QuantizedModel"] = None, fake_nodes=()) -> torch.Tensor:
    """The float network (fp32) on normalised input x [N, 3, H, W]; returns logits. `observe(name, y)` sees
    every node's output. With `fake` and `fake_nodes`, those nodes run fake-quantised (int8 weights and
    bias, input and output rounded to their int8 grids): the per-layer sensitivity study."""
    vals = {"input": x}
    if observe:
        observe("input", x)
    for node in graph:
        quant = fake is not None and node.name in fake_nodes
        ins = [vals[i] for i in node.inputs]
        if quant:
            ins = [dequantize_act(quantize_act(v, fake.act[i]), fake.act[i]).float()
                   if i != "input" else v for v, i in zip(ins, node.inputs)]
        if node.up:
            ins[0] = up2(ins[0])
        if node.kind == "add":
            y = ins[0] + ins[1]
        else:
            if quant:
                w, b = fake.dequantized_conv(node.name)
            else:
                w = torch.from_numpy(tensors[node.name + ".weight"])
                b = torch.from_numpy(tensors[node.name + ".bias"])
            y = _activation(_conv(ins[0], w, b, node.spec), node.act)
        if quant and node.name != "head":
            y = dequantize_act(quantize_act(y, fake.act[node.name]), fake.act[node.name]).float()
        vals[node.name] = y
        if observe:
            observe(node.name, y)
    return vals["head"]


# ---------------------------------------------------------------------------- calibration

class RangeObserver:
    """Per-tensor exact min/max and a random subsample of values (for percentiles) over calibration images."""

    def __init__(self, per_image: int = 2048, seed: int = 0):
        self.per_image = per_image
        self.gen = torch.Generator().manual_seed(seed)
        self.lo: Dict[str, float] = {}
        self.hi: Dict[str, float] = {}
        self.samples: Dict[str, List[torch.Tensor]] = {}
        self.sums: Dict[str, torch.Tensor] = {}  # per-channel sums of the per-image means
        self.images: Dict[str, int] = {}

    def __call__(self, name: str, y: torch.Tensor) -> None:
        if name == "head":
            return
        self.sums[name] = self.sums.get(name, 0) + y.detach().double().mean(dim=(2, 3)).sum(0)
        self.images[name] = self.images.get(name, 0) + y.shape[0]
        if name == "input":
            return
        flat = y.detach().reshape(-1)
        self.lo[name] = min(self.lo.get(name, math.inf), float(flat.min()))
        self.hi[name] = max(self.hi.get(name, -math.inf), float(flat.max()))
        idx = torch.randint(0, flat.numel(), (self.per_image,), generator=self.gen)
        self.samples.setdefault(name, []).append(flat[idx].clone())

    def channel_means(self) -> Dict[str, np.ndarray]:
        """Mean of every tensor per channel over the calibration images (for bias correction)."""
        return {k: (v / self.images[k]).numpy() for k, v in self.sums.items()}

    def ranges(self, rule: str) -> Dict[str, Tuple[float, float]]:
        """'minmax', or 'percentile:P' (the P-th and (100-P)-th percentiles of the pooled sample, P e.g.
        99.99), never outside the exact min/max."""
        out = {}
        for name in self.lo:
            if rule == "minmax":
                out[name] = (self.lo[name], self.hi[name])
            elif rule.startswith("percentile:"):
                p = float(rule.split(":", 1)[1])
                v = torch.cat(self.samples[name]).double().numpy()
                lo, hi = np.percentile(v, [100.0 - p, p])
                out[name] = (max(float(lo), self.lo[name]), min(float(hi), self.hi[name]))
            else:
                raise ValueError(f"unknown calibration rule {rule!r} (minmax or percentile:P)")
        return out


# ---------------------------------------------------------------------------- the quantised model

@dataclass
class QConv:
    weight: np.ndarray        # int8, PyTorch layout
    w_scale: np.ndarray       # fp32 per output channel
    bias: np.ndarray          # int32, in_scale * w_scale[n] units (input zero point NOT folded)
    requant: np.ndarray       # fp32 per output channel (head: head_scale, the dequantisation of acc)
    out: Optional[QOut]       # None for the head


@dataclass
class QuantizedModel:
    arch: str
    width_milli: int
    depth: int
    graph: List[Node]
    act: Dict[str, ActQuant]
    convs: Dict[str, QConv] = field(default_factory=dict)
    adds: Dict[str, Dict[str, int]] = field(default_factory=dict)
    add_out: Dict[str, QOut] = field(default_factory=dict)
    _fold: Optional[object] = field(default=None, repr=False, compare=False)

    def dec1_fold(self):
        """The engine's folded dec1 (int8_fold.py) where it folds one, else None; computed once, after
        the weights are final (int8_forward calls it)."""
        from . import int8_fold as FOLD  # noqa: PLC0415
        if not FOLD.dec1_foldable(self.arch, self.width_milli, self.depth):
            return None
        if self._fold is None:
            self._fold = FOLD.dec1_fold(self)
        return self._fold

    def dequantized_conv(self, name: str) -> Tuple[torch.Tensor, torch.Tensor]:
        """Float weights and bias that the int8 ones represent (for fake quantisation)."""
        c = self.convs[name]
        node = next(n for n in self.graph if n.name == name)
        in_scale = self.act[node.inputs[0]].scale
        s = c.w_scale.astype(np.float64)
        w = c.weight.astype(np.float64) * s.reshape((-1,) + (1,) * (c.weight.ndim - 1))
        b = c.bias.astype(np.float64) * in_scale * s
        if node.inputs[0] == "input":  # conv0 carries the +0.5 input offset: remove it for float inputs
            b = b - 0.5 * c.weight.reshape(c.weight.shape[0], -1).astype(np.float64).sum(1) * in_scale * s
        return torch.from_numpy(w.astype(np.float32)), torch.from_numpy(b.astype(np.float32))


def bias_correction(w: np.ndarray, wq: np.ndarray, scales: np.ndarray, in_mean: np.ndarray,
                    depthwise: bool) -> np.ndarray:
    """-(W_q - W) E[x] per output channel, E[x] the per-channel mean of the input over calibration
    images (Nagel et al. 2019, "Data-free quantization", empirical bias correction): the expected
    output error of rounding the weights, removed through the bias. Padding taps are ignored."""
    dw = wq.astype(np.float64) * scales.astype(np.float64).reshape((-1,) + (1,) * (w.ndim - 1)) - w
    per_in = dw.sum(axis=(2, 3))  # [out, in per group]
    if depthwise:
        return -per_in[:, 0] * in_mean
    return -per_in @ in_mean


def quantize_model(header: Dict, tensors: Dict[str, np.ndarray], ranges: Dict[str, Tuple[float, float]],
                   means: Optional[Dict[str, np.ndarray]] = None,
                   weights: Optional[Dict[str, Tuple[np.ndarray, np.ndarray]]] = None) -> QuantizedModel:
    """Int8 weights, int32 biases, requantisation scales, clamps and add parameters from the float tensors
    (BatchNorm folded, as read from a .hmm) and the calibrated activation ranges; with `means` (the
    observer's channel_means) the biases get the bias correction. `weights` (node name -> (int8 weights,
    fp32 per-channel scales)) replaces the plain rounding for those nodes (weight_codebook.py); their
    biases are computed from those as for any node."""
    graph = build_graph(header["arch"], header["width_milli"], header["depth"])
    act = {"input": ActQuant(float(INPUT_SCALE), 0)}
    for node in graph:
        if node.name != "head":
            act[node.name] = act_quant_from_range(*ranges[node.name])
    qm = QuantizedModel(header["arch"], header["width_milli"], header["depth"], graph, act)
    for node in graph:
        if node.kind == "add":
            a, b = act[node.inputs[0]], act[node.inputs[1]]
            qm.adds[node.name] = add_params(a, b, act[node.name])
            qm.add_out[node.name] = output_clamp(act[node.name], node.act)
            continue
        w = tensors[node.name + ".weight"]
        if weights is not None and node.name in weights:
            wq, ws = weights[node.name]
        else:
            ws = weight_scales(w)
            wq = quantize_weights(w, ws)
        in_scale = act[node.inputs[0]].scale
        extra = None
        if node.inputs[0] == "input":  # (p - 127.5) / 127.5 = (q + 0.5) * scale with q = p - 128
            extra = 0.5 * wq.reshape(wq.shape[0], -1).astype(np.float64).sum(1)
        b = tensors[node.name + ".bias"].astype(np.float64)
        if means is not None:
            b = b + bias_correction(w, wq, ws, means[node.inputs[0]], node.spec.depthwise)
        bq = quantize_bias(b, in_scale, ws, extra)
        if node.name == "head":
            scale = (np.float64(in_scale) * ws.astype(np.float64)).astype(np.float32)
            qm.convs[node.name] = QConv(wq, ws, bq, scale, None)
        else:
            out_aq = act[node.name]
            qm.convs[node.name] = QConv(wq, ws, bq, requant_scales(in_scale, ws, out_aq.scale),
                                        output_clamp(out_aq, node.act))
    return qm


def input_to_q(pixels: torch.Tensor) -> torch.Tensor:
    """Resized RGB pixel values [N, 3, H, W] (0..255, possibly fractional from a float resize) -> the
    int8 network input q = round(p) - 128 (the engine resizes to bytes, rounding to nearest)."""
    return torch.clamp(round_half_even(pixels.double()), 0, 255) - 128


def qconv(q: torch.Tensor, in_zp: int, c: QConv, spec: A.ConvSpec) -> torch.Tensor:
    """int32 accumulators bias + sum w * (q - in_zp) (padding = the zero point, i.e. 0 after centring),
    as an int64 tensor; checks the int32 range the kernels rely on."""
    w = torch.from_numpy(c.weight.astype(np.float64))
    acc = _conv(q - in_zp, w, None, spec)  # exact: integer sums far below 2^53
    acc = acc.round().long() + torch.from_numpy(c.bias.astype(np.int64)).reshape(1, -1, 1, 1)
    if acc.numel() and int(acc.abs().max()) > INT32_MAX:
        raise OverflowError(f"int32 accumulator overflow in {spec.name}")
    return acc


def _input(node: Node, vals: Dict[str, torch.Tensor]) -> torch.Tensor:
    x = vals[node.inputs[0]]
    return up2(x) if node.up else x


def int8_forward(qm: QuantizedModel, q_in: torch.Tensor, keep: Optional[Dict] = None,
                 fold_dec1: bool = True) -> torch.Tensor:
    """The simulated int8 network: q_in [N, 3, H, W] int8 values (input_to_q) -> fp32 logits [N, 2, H, W]
    (the head's dequantised accumulators). Every intermediate is int8 (float64-held integers); `keep`
    (a dict) receives them by node name for bit-exact comparisons. The first decoder stage is folded as
    the engine folds it (int8_fold.py) unless fold_dec1 is False (the graph as quantised)."""
    from . import int8_fold as FOLD  # noqa: PLC0415
    fold = qm.dec1_fold() if fold_dec1 else None
    vals = {"input": q_in.double()}
    for node in qm.graph:
        if fold is not None and node.name in FOLD.FOLDED_NODES:
            y = FOLD.run_folded_node(fold, qm, node, vals)
            if y is None:
                continue  # folded away
        elif node.kind == "add":
            y = qadd(_input(node, vals), vals[node.inputs[1]], qm.adds[node.name], qm.add_out[node.name])
        else:
            c = qm.convs[node.name]
            acc = qconv(_input(node, vals), qm.act[node.inputs[0]].zero_point, c, node.spec)
            if node.name == "head":
                y = acc.to(torch.float32) * torch.from_numpy(c.requant).reshape(1, -1, 1, 1)
            else:
                y = requantize(acc, torch.from_numpy(c.requant), c.out)
        vals[node.name] = y
        if keep is not None:
            keep[node.name] = y
    return vals["head"]


def hair_probability_from_logits(logits: torch.Tensor) -> torch.Tensor:
    return torch.softmax(logits.float(), dim=1)[:, 1:2]


def export_arrays(qm: QuantizedModel) -> Dict[str, np.ndarray]:
    """Everything the engine will need, as named arrays (the study's .npz side output; not the .hmm int8
    format, which is a later part of issue #14)."""
    out: Dict[str, np.ndarray] = {}
    for name, aq in qm.act.items():
        out[f"act/{name}/scale"] = np.array(aq.scale, np.float32)
        out[f"act/{name}/zero_point"] = np.array(aq.zero_point, np.int32)
    for name, c in qm.convs.items():
        out[f"{name}/weight"] = c.weight
        out[f"{name}/weight_scale"] = c.w_scale
        out[f"{name}/bias"] = c.bias
        out[f"{name}/{'head_scale' if c.out is None else 'requant_scale'}"] = c.requant
        if c.out is not None:
            out[f"{name}/out_clamp"] = np.array([c.out.zero_point, c.out.min, c.out.max], np.int32)
    for name, p in qm.adds.items():
        o = qm.add_out[name]
        out[f"{name}/params"] = np.array([p["bias"], p["a_mul"], p["b_mul"], p["shift"]], np.int64)
        out[f"{name}/out_clamp"] = np.array([o.zero_point, o.min, o.max], np.int32)
    return out
