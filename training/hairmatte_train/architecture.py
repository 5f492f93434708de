"""The single description of HairSegNet and HairMatteNet shared by the PyTorch model and the exporter.

Everything here follows docs/model-format.md: tensor names, shapes (PyTorch layouts), strides,
dilations. `models.py` builds modules from these specs and `model_file.py` checks exported tensors
against them, so the network trained and the file the engine loads cannot drift apart.

The numbers (channel counts, strides, dilations, skips, names) are not written here: they come from the
engine's src/network/architecture_facts.h through the generated `facts.py` (scripts/gen-constants.mjs),
so the engine, this code and the peer benchmark build the same networks.
"""
from dataclasses import dataclass
from typing import Dict, List, Tuple

from . import facts as F

ARCH_IDS = {name: i for i, name in enumerate(F.ARCH_NAMES)}  # the model file's architecture ids
HAIRSEGNET, HAIRMATTENET = F.ARCH_NAMES  # ids 0 and 1
ARCH_NAMES = {v: k for k, v in ARCH_IDS.items()}
DECODER_DEPTHS = (16, 32, 64, 128)  # the paper's Table II
# any depth in MIN..MAX is a valid network (e.g. 48, a pruned decoder: prune.py); the engine's bounds
DEPTH_RANGE = (F.MIN_DECODER_DEPTH, F.MAX_DECODER_DEPTH)
WIDTHS_MILLI = F.ENCODER_WIDTHS

# MobileNet-v1 channel counts for blocks k = 0..13 at alpha 1.0.
BASE_CHANNELS = F.ENCODER_BASE_CHANNELS
# Blocks whose depthwise conv has stride 2 in the ImageNet encoder (HairMatteNet).
STRIDE2_BLOCKS = F.HAIR_MATTE_NET_STRIDE2_BLOCKS
# HairMatteNet skip sources for decoder stages 1..4 (encoder block outputs).
SKIP_BLOCKS = F.HAIR_MATTE_NET_SKIP_BLOCKS


@dataclass(frozen=True)
class ConvSpec:
    """One convolution: `name` is the tensor prefix (`name.weight`, `name.bias`)."""
    name: str
    cin: int
    cout: int
    kernel: int
    stride: int = 1
    dilation: int = 1
    depthwise: bool = False

    @property
    def weight_shape(self) -> Tuple[int, int, int, int]:
        cin_per_group = 1 if self.depthwise else self.cin
        return (self.cout, cin_per_group, self.kernel, self.kernel)


def channels(width_milli: int) -> List[int]:
    """C(k) for k = 0..13, rounded as MobileNet-v1 does: int(c * alpha)."""
    if width_milli not in WIDTHS_MILLI:
        raise ValueError(f"encoder width must be one of {WIDTHS_MILLI} (thousandths), got {width_milli}")
    return [int(c * width_milli / 1000) for c in BASE_CHANNELS]


def encoder_specs(arch: str, width_milli: int) -> List[ConvSpec]:
    """conv0, then dw{k}/pw{k} for k = 1..13; HairSegNet is the dilated (DeepLab-style) variant."""
    check_arch(arch)
    c = channels(width_milli)
    specs = [ConvSpec("enc.conv0", 3, c[0], 3, stride=2)]
    segnet = arch == HAIRSEGNET  # the dilated encoder, output stride 8
    for k in range(1, len(BASE_CHANNELS)):
        stride = 2 if k in (F.HAIR_SEG_NET_STRIDE2_BLOCKS if segnet else STRIDE2_BLOCKS) else 1
        dilation = F.HAIR_SEG_NET_DILATIONS[k] if segnet else 1
        specs.append(ConvSpec(f"enc.dw{k}", c[k - 1], c[k - 1], 3, stride, dilation, depthwise=True))
        specs.append(ConvSpec(f"enc.pw{k}", c[k - 1], c[k], 1))
    return specs


def decoder_specs(arch: str, width_milli: int, depth: int) -> List[ConvSpec]:
    """Decoder convolutions in execution order, then the 2-channel head."""
    check_arch(arch)
    if not DEPTH_RANGE[0] <= depth <= DEPTH_RANGE[1]:
        raise ValueError(f"decoder depth must be in {DEPTH_RANGE[0]}..{DEPTH_RANGE[1]}, got {depth}")
    c = channels(width_milli)
    specs: List[ConvSpec] = []
    matte = arch == HAIRMATTENET
    for s in range(1, decoder_stages(arch) + 1):
        cin = c[-1] if s == 1 else depth
        if matte and s <= len(SKIP_BLOCKS):
            skip_block = SKIP_BLOCKS[s - 1]
            specs.append(ConvSpec(f"dec{s}.skip", c[skip_block], cin, 1))
        specs.append(ConvSpec(f"dec{s}.dw", cin, cin, 3, depthwise=True))
        specs.append(ConvSpec(f"dec{s}.pw", cin, depth, 1))
    specs.append(ConvSpec("head", depth, 2, 1))
    return specs


def all_specs(arch: str, width_milli: int, depth: int) -> List[ConvSpec]:
    return encoder_specs(arch, width_milli) + decoder_specs(arch, width_milli, depth)


def expected_tensors(arch: str, width_milli: int, depth: int) -> Dict[str, Tuple[int, ...]]:
    """Every tensor name the engine needs, with its shape: `.weight` and `.bias` per convolution."""
    shapes: Dict[str, Tuple[int, ...]] = {}
    for spec in all_specs(arch, width_milli, depth):
        shapes[spec.name + ".weight"] = spec.weight_shape
        shapes[spec.name + ".bias"] = (spec.cout,)
    return shapes


def output_stride(arch: str) -> int:
    """conv0's stride 2 times the encoder's stride-2 blocks: 8 (HairSegNet) or 32 (HairMatteNet)."""
    blocks = F.HAIR_SEG_NET_STRIDE2_BLOCKS if arch == HAIRSEGNET else STRIDE2_BLOCKS
    return 2 ** (1 + len(blocks))


def decoder_stages(arch: str) -> int:
    """Upsampling stages of the decoder: 3 (HairSegNet) or 5 (HairMatteNet)."""
    return F.HAIR_MATTE_NET_DECODER_STAGES if arch == HAIRMATTENET else F.HAIR_SEG_NET_DECODER_STAGES


def check_arch(arch: str) -> None:
    if arch not in ARCH_IDS:
        raise ValueError(f"unknown architecture {arch!r}; expected one of {sorted(ARCH_IDS)}")
