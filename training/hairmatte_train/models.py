"""HairSegNet and HairMatteNet in PyTorch, built from architecture.py (docs/model-format.md).

Encoder convolutions are Conv(bias=False) + BatchNorm(eps=1e-3) + ReLU6, like the Keras ImageNet
MobileNet-v1 they are initialised from; the exporter folds the BatchNorm into the conv bias.
Decoder convolutions carry a bias and no BatchNorm.
"""
from typing import Dict, List

import torch
import torch.nn as nn
import torch.nn.functional as F

from . import architecture as A

BN_EPS = 1e-3  # Keras BatchNormalization default, used by the ImageNet weights


def same_padding(x: torch.Tensor, kernel: int, stride: int, dilation: int) -> torch.Tensor:
    """TF "same" padding: stride 1 pads (k-1)/2*d each side; stride 2 pads 0 before and 1 after
    (inputs are multiples of 32, so every stride-2 input is even)."""
    if stride == 1:
        p = (kernel - 1) // 2 * dilation
        return F.pad(x, (p, p, p, p))
    if stride == 2 and kernel == 3 and dilation == 1:
        return F.pad(x, (0, 1, 0, 1))
    raise ValueError(f"unsupported conv geometry: kernel {kernel}, stride {stride}, dilation {dilation}")


def conv_from_spec(spec: A.ConvSpec, bias: bool) -> nn.Conv2d:
    return nn.Conv2d(spec.cin, spec.cout, spec.kernel, stride=spec.stride, padding=0,
                     dilation=spec.dilation, groups=spec.cin if spec.depthwise else 1, bias=bias)


class EncoderConv(nn.Module):
    """conv -> BatchNorm -> ReLU6, with explicit TF "same" padding."""

    def __init__(self, spec: A.ConvSpec):
        super().__init__()
        self.spec = spec
        self.conv = conv_from_spec(spec, bias=False)
        self.bn = nn.BatchNorm2d(spec.cout, eps=BN_EPS)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s = self.spec
        return F.relu6(self.bn(self.conv(same_padding(x, s.kernel, s.stride, s.dilation))))


class HairNet(nn.Module):
    """Both architectures; `arch` is 'hairmattenet' (skip decoder, 1/32) or 'hairsegnet' (dilated, 1/8).

    forward(x) takes the normalised input [N, 3, H, W] (x/127.5 - 1, H and W multiples of 32) and
    returns logits [N, 2, H, W] (channel 0 = not hair, 1 = hair).
    """

    def __init__(self, arch: str, width_milli: int = 1000, depth: int = 64):
        super().__init__()
        A.check_arch(arch)
        self.arch, self.width_milli, self.depth = arch, width_milli, depth
        self.enc = nn.ModuleDict()
        for spec in A.encoder_specs(arch, width_milli):
            self.enc[spec.name.split(".")[1]] = EncoderConv(spec)
        self.dec_specs = A.decoder_specs(arch, width_milli, depth)
        self.stages = A.decoder_stages(arch)
        for s in range(1, self.stages + 1):
            stage = nn.ModuleDict()
            for spec in self.dec_specs:
                if spec.name.startswith(f"dec{s}."):
                    stage[spec.name.split(".")[1]] = conv_from_spec(spec, bias=True)
            setattr(self, f"dec{s}", stage)
        self.head = conv_from_spec(self.dec_specs[-1], bias=True)
        self.freeze_encoder_bn = True
        self._init_decoder()

    def _init_decoder(self) -> None:
        for s in range(1, self.stages + 1):
            for conv in getattr(self, f"dec{s}").values():
                nn.init.kaiming_normal_(conv.weight, mode="fan_out", nonlinearity="relu")
                nn.init.zeros_(conv.bias)
        nn.init.normal_(self.head.weight, std=0.01)
        nn.init.zeros_(self.head.bias)

    def train(self, mode: bool = True):
        """Encoder BatchNorm stays in eval mode (frozen running statistics) when freeze_encoder_bn:
        batches of 4 are far too small to estimate them (the paper's batch size)."""
        super().train(mode)
        if mode and self.freeze_encoder_bn:
            for layer in self.enc.values():
                layer.bn.eval()
        return self

    def encode(self, x: torch.Tensor) -> Dict[int, torch.Tensor]:
        """Encoder block outputs by block index (0..13)."""
        feats = {0: self.enc["conv0"](x)}
        y = feats[0]
        for k in range(1, 14):
            y = self.enc[f"pw{k}"](self.enc[f"dw{k}"](y))
            feats[k] = y
        return feats

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-1] % 32 or x.shape[-2] % 32:
            raise ValueError(f"input height and width must be multiples of 32, got {tuple(x.shape[-2:])}")
        feats = self.encode(x)
        y = feats[13]
        for s in range(1, self.stages + 1):
            stage = getattr(self, f"dec{s}")
            y = F.interpolate(y, scale_factor=2, mode="nearest")
            if "skip" in stage:
                y = y + stage["skip"](feats[A.SKIP_BLOCKS[s - 1]])
            y = stage["dw"](F.pad(y, (1, 1, 1, 1)))
            y = F.relu(stage["pw"](y))
        return self.head(y)

    def encoder_blocks(self, upto: int) -> List[nn.Module]:
        """Encoder modules of blocks 0..upto (for freezing the early encoder)."""
        mods = [self.enc["conv0"]]
        for k in range(1, upto + 1):
            mods += [self.enc[f"dw{k}"], self.enc[f"pw{k}"]]
        return mods

    def set_encoder_frozen(self, upto: int) -> None:
        """Freeze blocks 0..upto (upto < 0 unfreezes all)."""
        for p in self.enc.parameters():
            p.requires_grad_(True)
        if upto >= 0:
            for m in self.encoder_blocks(upto):
                for p in m.parameters():
                    p.requires_grad_(False)


def hair_probability(logits: torch.Tensor) -> torch.Tensor:
    """softmax(z)[1], the engine's output, [N, 1, H, W]."""
    return torch.softmax(logits, dim=1)[:, 1:2]
