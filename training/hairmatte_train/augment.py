"""Batch augmentation on preloaded uint8 tensors, one random affine warp per sample.

Each training sample gets, independently:
- horizontal flip with probability 0.5 (the paper's only augmentation);
- scale: zoom by a factor in [0.8, 1.25] (log-uniform), so hair leaves or enters the frame;
- rotation by [-15, 15] degrees (tilted heads);
- translation by up to 10% of the frame each way (crop position);
- colour jitter: brightness and contrast x [0.8, 1.2], saturation x [0.7, 1.3] (lighting, camera).
Areas the warp brings in from outside the photo are filled by reflection, for image and mask alike,
so labels stay consistent with pixels. The mask is resampled bilinearly then thresholded at 0.5.

PRESETS names three strengths (trainer --augment): "full" (the ranges above), "light" (half the
geometry and colour ranges: for the last epochs, once the model no longer fits even its training
images at full strength) and "flip" (the paper's recipe: horizontal flip only).
"""
import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass
class AugmentConfig:
    flip: float = 0.5
    scale: tuple = (0.8, 1.25)
    rotate_deg: float = 15.0
    translate: float = 0.1
    brightness: float = 0.2
    contrast: float = 0.2
    saturation: float = 0.3


PRESETS = {
    "full": AugmentConfig(),
    "light": AugmentConfig(scale=(0.9, 1.11), rotate_deg=7.5, translate=0.05,
                           brightness=0.1, contrast=0.1, saturation=0.15),
    "flip": AugmentConfig(scale=(1.0, 1.0), rotate_deg=0.0, translate=0.0,
                          brightness=0.0, contrast=0.0, saturation=0.0),
}


def normalise(images: torch.Tensor) -> torch.Tensor:
    """uint8/float [0, 255] -> x / 127.5 - 1, what the ImageNet encoder and the engine expect."""
    return images.float() / 127.5 - 1.0


def resize_batch(images: torch.Tensor, masks: torch.Tensor, size: int):
    """No augmentation: stretch to size x size. images uint8 [N,3,R,R], masks uint8 [N,R,R] (0/255).
    Returns float images in [0, 255] and masks in {0, 1}."""
    img = images.float()
    m = masks.float()[:, None] / 255.0
    if img.shape[-1] != size or img.shape[-2] != size:
        img = F.interpolate(img, size=(size, size), mode="bilinear", align_corners=False)
        m = F.interpolate(m, size=(size, size), mode="bilinear", align_corners=False)
    return img, (m[:, 0] >= 0.5).float()


def draw_augmentation(n: int, gen: torch.Generator, cfg: AugmentConfig):
    """The random parameters of n samples, drawn on the CPU generator `gen` (so that a run draws the same
    numbers on any device) in a fixed order: flip, zoom, angle, tx, ty, brightness, contrast, saturation."""
    u = lambda: torch.rand(n, generator=gen)
    flip = torch.where(u() < cfg.flip, -1.0, 1.0)
    log_lo, log_hi = math.log(cfg.scale[0]), math.log(cfg.scale[1])
    zoom = torch.exp(log_lo + (log_hi - log_lo) * u())
    angle = (2 * u() - 1) * math.radians(cfg.rotate_deg)
    tx = (2 * u() - 1) * cfg.translate * 2  # normalised coordinates span 2
    ty = (2 * u() - 1) * cfg.translate * 2
    factor = lambda amount: 1 + (2 * u() - 1) * amount
    return {"flip": flip, "zoom": zoom, "angle": angle, "tx": tx, "ty": ty, "brightness": factor(cfg.brightness),
            "contrast": factor(cfg.contrast), "saturation": factor(cfg.saturation)}


def augment_batch(images: torch.Tensor, masks: torch.Tensor, size: int, gen: torch.Generator,
                  cfg: AugmentConfig = AugmentConfig(), first: int = 0, total: int = 0):
    """Random warp + colour jitter (see module doc). Same return convention as resize_batch.

    The batch may be rows first..first+n of a larger batch of `total` samples (distributed training: each
    process holds its slice of the global batch): the parameters are drawn for all `total` and the slice
    kept, so every sample gets the numbers it would get in one process. Drawn on the CPU generator, then
    moved to the batch's device."""
    n = images.shape[0]
    total = total or n
    if not 0 <= first <= total - n:
        raise ValueError(f"rows {first}..{first + n} are not inside a batch of {total}")
    p = {k: v[first:first + n].to(images.device) for k, v in draw_augmentation(total, gen, cfg).items()}
    cos, sin = torch.cos(p["angle"]) / p["zoom"], torch.sin(p["angle"]) / p["zoom"]
    # affine_grid maps output coords to input coords: in = [[cos, -sin], [sin, cos]] @ (flip * x, y) + t
    theta = torch.stack([torch.stack([cos * p["flip"], -sin, p["tx"]], 1),
                         torch.stack([sin * p["flip"], cos, p["ty"]], 1)], 1)
    grid = F.affine_grid(theta, [n, 1, size, size], align_corners=False)
    img = F.grid_sample(images.float(), grid, mode="bilinear", padding_mode="reflection", align_corners=False)
    m = F.grid_sample(masks.float()[:, None] / 255.0, grid, mode="bilinear", padding_mode="reflection",
                      align_corners=False)
    img = colour_jitter(img, p["brightness"], p["contrast"], p["saturation"])
    return img, (m[:, 0] >= 0.5).float()


def colour_jitter(img: torch.Tensor, brightness: torch.Tensor, contrast: torch.Tensor,
                  saturation: torch.Tensor) -> torch.Tensor:
    """Per-sample factors [N] (on img's device): brightness, then contrast about the image mean, then
    saturation about the BT.601 grey."""
    per_sample = lambda f: f[:, None, None, None]
    img = img * per_sample(brightness)
    mean = img.mean(dim=(1, 2, 3), keepdim=True)
    img = (img - mean) * per_sample(contrast) + mean
    weights = torch.tensor([0.299, 0.587, 0.114], dtype=img.dtype, device=img.device)
    gray = (img * weights[None, :, None, None]).sum(1, keepdim=True)
    img = (img - gray) * per_sample(saturation) + gray
    return img.clamp(0, 255)
