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


def augment_batch(images: torch.Tensor, masks: torch.Tensor, size: int, gen: torch.Generator,
                  cfg: AugmentConfig = AugmentConfig()):
    """Random warp + colour jitter (see module doc). Same return convention as resize_batch."""
    n = images.shape[0]
    u = lambda: torch.rand(n, generator=gen)
    flip = torch.where(u() < cfg.flip, -1.0, 1.0)
    log_lo, log_hi = math.log(cfg.scale[0]), math.log(cfg.scale[1])
    zoom = torch.exp(log_lo + (log_hi - log_lo) * u())
    angle = (2 * u() - 1) * math.radians(cfg.rotate_deg)
    tx, ty = (2 * u() - 1) * cfg.translate * 2, (2 * u() - 1) * cfg.translate * 2  # normalised coords span 2
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    # affine_grid maps output coords to input coords: in = [[cos, -sin], [sin, cos]] @ (flip * x, y) + t
    theta = torch.stack([torch.stack([cos * flip, -sin, tx], 1), torch.stack([sin * flip, cos, ty], 1)], 1)
    grid = F.affine_grid(theta, (n, 1, size, size), align_corners=False)
    img = F.grid_sample(images.float(), grid, mode="bilinear", padding_mode="reflection", align_corners=False)
    m = F.grid_sample(masks.float()[:, None] / 255.0, grid, mode="bilinear", padding_mode="reflection",
                      align_corners=False)
    img = colour_jitter(img, gen, cfg)
    return img, (m[:, 0] >= 0.5).float()


def colour_jitter(img: torch.Tensor, gen: torch.Generator, cfg: AugmentConfig) -> torch.Tensor:
    n = img.shape[0]
    r = lambda amount: (1 + (2 * torch.rand(n, 1, 1, 1, generator=gen) - 1) * amount)
    img = img * r(cfg.brightness)
    mean = img.mean(dim=(1, 2, 3), keepdim=True)
    img = (img - mean) * r(cfg.contrast) + mean
    gray = (img * torch.tensor([0.299, 0.587, 0.114])[None, :, None, None]).sum(1, keepdim=True)
    img = (img - gray) * r(cfg.saturation) + gray
    return img.clamp(0, 255)
