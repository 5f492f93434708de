"""Structured channel pruning of a trained HairMatteNet to a narrower encoder width and decoder depth
(e.g. width 1.0 -> 0.75, depth 64 -> 48).

Why: the int8 model's speed budget (issue #14) needs fewer multiply-adds than width 1.0 has, and a
width-0.75 network trained from ImageNet in the time at hand falls short of the 1.0 model's quality.
Cutting the trained 1.0 network down keeps most of what it learnt; distillation from the 1.0 model
(trainer.py --teacher) then recovers the rest.

What a channel of encoder block k is: output channel j of `enc.pw{k}` (`enc.conv0` for k = 0), which is
also channel j of the next depthwise `enc.dw{k+1}` and input j of `enc.pw{k+1}`; for the skip sources
(blocks 1, 3, 5, 11) input j of `dec{s}.skip`; for block 13 also output j of `dec1.skip` and channel j of
`dec1.dw`, read by `dec1.pw`. A channel of decoder stage s's output is a row of `dec{s}.pw` and of
`dec{s+1}.skip`, a channel of `dec{s+1}.dw` and a column of `dec{s+1}.pw` (of `head` after stage 5).
Removing a channel removes all of those together.

Which channels go: the least important ones, where the importance of channel j is the variance it
feeds into its consumers, Var(x_j) * ||W[:, j]||^2, with x_j the consumer's input channel measured on
calibration images (the depthwise output for the pointwise consumer, the block output for a skip).
A removed channel is not simply dropped: its mean contribution W[:, j] * E[x_j] moves into the
consumer's bias, so only its variation around the mean is lost.
"""
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch

from . import architecture as A
from .model_file import model_from_tensors


def _channel_stats(samples: List[torch.Tensor]):
    """Per-channel mean and variance of [N, C, H, W] tensors stacked over images and pixels."""
    x = torch.cat([t.double().transpose(0, 1).reshape(t.shape[1], -1) for t in samples], dim=1)
    return x.mean(dim=1).numpy(), x.var(dim=1).numpy()


class _Recorder:
    """Forward hooks keeping every output of the named modules."""

    def __init__(self, modules: Dict[str, torch.nn.Module]):
        self.outputs: Dict[str, List[torch.Tensor]] = {name: [] for name in modules}
        self.handles = [m.register_forward_hook(self._hook(name)) for name, m in modules.items()]

    def _hook(self, name):
        def keep(_module, _inputs, output):
            self.outputs[name].append(output.detach())
        return keep

    def close(self):
        for h in self.handles:
            h.remove()


@dataclass(frozen=True)
class ChannelGroup:
    """Channels that exist together: output rows of `producers`, the channels of `depthwise`, and input
    columns of each 1x1 consumer, whose input statistic is named by the second member of its pair."""
    producers: Tuple[str, ...]
    depthwise: Tuple[str, ...]
    consumers: Tuple[Tuple[str, str], ...]


def channel_groups() -> List[ChannelGroup]:
    """Encoder blocks 0..13, then the outputs of HairMatteNet's decoder stages 1..5."""
    stages = A.decoder_stages(A.HAIRMATTENET)
    groups = []
    for k in range(14):
        producer = "enc.conv0" if k == 0 else f"enc.pw{k}"
        if k < 13:
            g = ([producer], [f"enc.dw{k + 1}"], [(f"enc.pw{k + 1}", f"enc.dw{k + 1}")])
        else:  # block 13 is added to dec1.skip's output, then dec1.dw, read by dec1.pw
            g = ([producer, "dec1.skip"], ["dec1.dw"], [("dec1.pw", "dec1.dw")])
        if k in A.SKIP_BLOCKS:
            g[2].append((f"dec{A.SKIP_BLOCKS.index(k) + 1}.skip", f"enc.pw{k}"))
        groups.append(ChannelGroup(tuple(g[0]), tuple(g[1]), tuple(g[2])))
    for s in range(1, stages):  # stage s's output, plus stage s+1's skip, then dec{s+1}.dw, read by its pw
        nxt = f"dec{s + 1}"
        producers = (f"dec{s}.pw",) + ((f"{nxt}.skip",) if s < len(A.SKIP_BLOCKS) else ())
        groups.append(ChannelGroup(producers, (f"{nxt}.dw",), ((f"{nxt}.pw", f"{nxt}.dw"),)))
    groups.append(ChannelGroup((f"dec{stages}.pw",), (), (("head", f"dec{stages}.pw"),)))
    return groups


def consumer_statistics(header: Dict, tensors: Dict[str, np.ndarray], images: torch.Tensor) -> Dict:
    """name -> (mean, variance) per channel of every consumer input that pruning needs, from the float
    network on `images` ([N, 3, H, W] normalised inputs). Encoder modules include their ReLU6; a
    decoder `pw` is watched as its conv, so its ReLU is applied here."""
    model = model_from_tensors(header, tensors)
    watch = {}
    for g in channel_groups():
        for _, stat in g.consumers:
            stage, _, layer = stat.partition(".")
            watch[stat] = model.enc[layer] if stage == "enc" else getattr(model, stage)[layer]
    rec = _Recorder(watch)
    with torch.no_grad():
        for x in images.split(4):
            model(x)
    rec.close()
    return {name: _channel_stats([torch.relu(t) if name.endswith(".pw") and name.startswith("dec") else t
                                  for t in outs]) for name, outs in rec.outputs.items()}


def channel_importance(group: ChannelGroup, tensors: Dict[str, np.ndarray], stats: Dict) -> np.ndarray:
    """Importance of each channel of the group: per consumer Var(x_j) ||W[:, j]||^2, normalised to sum
    1 per consumer, summed over the consumers."""
    total = 0.0
    for conv, stat in group.consumers:
        w = tensors[conv + ".weight"][:, :, 0, 0].astype(np.float64)
        score = stats[stat][1] * (w * w).sum(axis=0)
        total = total + score / max(score.sum(), 1e-30)
    return total


def prune_tensors(header: Dict, tensors: Dict[str, np.ndarray], stats: Dict, width_milli: int,
                  depth: Optional[int] = None):
    """(tensors of the narrower network, kept channel indices per group): encoder channels to
    `width_milli`, decoder stage outputs to `depth` (default: the model's)."""
    if header["arch"] != A.HAIRMATTENET:
        raise ValueError(f"pruning is implemented for {A.HAIRMATTENET}, not {header['arch']}")
    depth = depth or header["depth"]
    if width_milli > header["width_milli"] or depth > header["depth"]:
        raise ValueError(f"pruning cannot widen: width {width_milli} (model {header['width_milli']}), "
                         f"depth {depth} (model {header['depth']})")
    groups = channel_groups()
    want = A.channels(width_milli) + [depth] * (len(groups) - 14)
    out = {name: t.astype(np.float64).copy() for name, t in tensors.items()}
    kept: List[np.ndarray] = []
    for group, n in zip(groups, want):
        score = channel_importance(group, tensors, stats)
        keep = np.sort(np.argsort(-score, kind="stable")[:n])
        drop = np.setdiff1d(np.arange(score.size), keep)
        kept.append(keep)
        # the removed channels' mean contribution moves into each consumer's bias
        for conv, stat in group.consumers:
            w = out[conv + ".weight"][:, :, 0, 0]
            out[conv + ".bias"] += w[:, drop] @ stats[stat][0][drop]
            out[conv + ".weight"] = out[conv + ".weight"][:, keep]
        for name in group.producers + group.depthwise:
            out[name + ".weight"] = out[name + ".weight"][keep]
            out[name + ".bias"] = out[name + ".bias"][keep]
    shapes = A.expected_tensors(header["arch"], width_milli, depth)
    for name, shape in shapes.items():
        if out[name].shape != shape:
            raise AssertionError(f"pruned {name} is {out[name].shape}, expected {shape}")
    return {name: out[name].astype(np.float32) for name in shapes}, kept
