"""The training loss L = L_M + w * L_C of the paper (w = 0.5 for HairMatteNet).

L_M: 2-class cross-entropy of the softmax output against the mask.
L_C: the mask-image gradient-consistency loss, paper Eq. 1:
    L_C = sum_p M_mag(p) * (1 - (Ix Mx + Iy My)(p)^2) / sum_p M_mag(p)
with (Ix, Iy) and (Mx, My) the normalised (unit-length) Sobel gradients of the image and of the
predicted hair probability, and M_mag the mask gradient magnitude. It is computed on the SOFT
prediction (no argmax) so that it passes gradients to the network.
"""
import torch
import torch.nn.functional as F

SOBEL_X = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
GRAD_EPS = 1e-6


def sobel(x: torch.Tensor):
    """Sobel gradients (gx, gy) of [N, 1, H, W], replicate-padded so image borders add no edge."""
    kx = SOBEL_X.to(x)[None, None]
    ky = SOBEL_X.t().contiguous().to(x)[None, None]
    xp = F.pad(x, (1, 1, 1, 1), mode="replicate")
    return F.conv2d(xp, kx), F.conv2d(xp, ky)


def to_gray(images: torch.Tensor) -> torch.Tensor:
    """[N, 3, H, W] (any affine scaling) -> luma [N, 1, H, W] (BT.601 weights)."""
    w = torch.tensor([0.299, 0.587, 0.114]).to(images)[None, :, None, None]
    return (images * w).sum(dim=1, keepdim=True)


def gradient_consistency(prob: torch.Tensor, images: torch.Tensor) -> torch.Tensor:
    """Eq. 1 per image: prob [N, 1, H, W] hair probability, images [N, 3, H, W]; returns [N]."""
    ix, iy = sobel(to_gray(images).detach())
    i_mag = torch.sqrt(ix * ix + iy * iy + GRAD_EPS)
    ix, iy = ix / i_mag, iy / i_mag
    mx, my = sobel(prob)
    m_sq = mx * mx + my * my
    m_mag = torch.sqrt(m_sq + GRAD_EPS)
    # M_mag * (1 - cos^2) with cos = (I . M) / M_mag, written as (|M|^2 - (I . M)^2) / M_mag so that
    # flat predictions (M = 0) contribute exactly 0 and the gradient stays finite there.
    dot = ix * mx + iy * my
    num = ((m_sq - dot * dot) / m_mag).sum(dim=(1, 2, 3))
    den = (m_sq / m_mag).sum(dim=(1, 2, 3))
    return num / (den + GRAD_EPS)


def hair_loss(logits: torch.Tensor, masks: torch.Tensor, images: torch.Tensor, grad_weight: float):
    """(total, cross_entropy, gradient_consistency) for logits [N, 2, H, W], masks [N, H, W] in {0, 1}."""
    ce = F.cross_entropy(logits, masks.long())
    return _with_consistency(ce, ce, logits, images, grad_weight)


def _with_consistency(data_term: torch.Tensor, ce: torch.Tensor, logits: torch.Tensor, images: torch.Tensor,
                      grad_weight: float):
    """(data_term + w * L_C, the mask's cross-entropy, L_C), the last two detached for logging."""
    if grad_weight == 0.0:
        return data_term, ce.detach(), logits.new_zeros(())
    lc = gradient_consistency(torch.softmax(logits, dim=1)[:, 1:2], images).mean()
    return data_term + grad_weight * lc, ce.detach(), lc.detach()


def distilled_loss(logits: torch.Tensor, masks: torch.Tensor, images: torch.Tensor, grad_weight: float,
                   teacher_prob: torch.Tensor, alpha: float):
    """(total, cross_entropy, gradient_consistency) with knowledge distillation (Hinton et al. 2015, at
    temperature 1): the mask's cross-entropy L_M is replaced, in the fraction `alpha`, by the cross-entropy
    against a teacher network's softmax `teacher_prob` [N, 2, H, W]; L_C is kept as it is.
    L = (1 - alpha) L_M + alpha * L_KD + w * L_C."""
    ce = F.cross_entropy(logits, masks.long())
    kd = -(teacher_prob * F.log_softmax(logits, dim=1)).sum(dim=1).mean()
    return _with_consistency((1.0 - alpha) * ce + alpha * kd, ce, logits, images, grad_weight)
