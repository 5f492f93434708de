import math
import unittest

import numpy as np
import torch

import _paths  # noqa: F401
from hairmatte_train.losses import gradient_consistency, hair_loss, sobel, to_gray


def numpy_sobel(a):
    """Brute-force Sobel with replicate padding (independent of the conv2d implementation)."""
    h, w = a.shape
    p = np.pad(a, 1, mode="edge")
    gx, gy = np.zeros_like(a), np.zeros_like(a)
    kx = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], float)
    for y in range(h):
        for x in range(w):
            win = p[y:y + 3, x:x + 3]
            gx[y, x] = (win * kx).sum()
            gy[y, x] = (win * kx.T).sum()
    return gx, gy


def numpy_eq1(prob, gray):
    """Eq. 1 as printed (no epsilon), over pixels where both gradients are non-zero."""
    ix, iy = numpy_sobel(gray)
    im = np.hypot(ix, iy)
    mx, my = numpy_sobel(prob)
    mm = np.hypot(mx, my)
    ok = (im > 0) & (mm > 0)
    cos = (ix[ok] * mx[ok] + iy[ok] * my[ok]) / (im[ok] * mm[ok])
    return (mm[ok] * (1 - cos ** 2)).sum() / mm.sum()


def ramp_image(n, angle):
    y, x = np.mgrid[0:n, 0:n].astype(np.float64)
    return x * math.cos(angle) + y * math.sin(angle)


class GradientConsistencyTest(unittest.TestCase):
    def eq1(self, prob, gray):
        p = torch.from_numpy(prob)[None, None]
        img = torch.from_numpy(gray)[None, None].repeat(1, 3, 1, 1)  # gray RGB: luma == gray
        return float(gradient_consistency(p, img)[0])

    def test_matches_brute_force(self):
        rng = np.random.default_rng(0)
        prob, gray = rng.random((12, 10)), rng.random((12, 10)) * 255
        self.assertAlmostEqual(self.eq1(prob, gray), numpy_eq1(prob, gray), places=4)

    def test_sobel_matches_brute_force(self):
        a = np.random.default_rng(1).random((7, 9))
        gx, gy = sobel(torch.from_numpy(a)[None, None])
        rx, ry = numpy_sobel(a)
        np.testing.assert_allclose(gx[0, 0].numpy(), rx, atol=1e-12)
        np.testing.assert_allclose(gy[0, 0].numpy(), ry, atol=1e-12)

    def test_hand_made_angles(self):
        # Image and mask are linear ramps: every gradient is parallel within each, so Eq. 1 is
        # 1 - cos^2(angle between them) = sin^2 exactly (replicate padding keeps ramps' direction
        # along the axis they run on; use axis-aligned image ramps).
        gray = ramp_image(16, 0.0) * 10
        self.assertAlmostEqual(self.eq1(ramp_image(16, 0.0) / 16, gray), 0.0, places=4)        # aligned
        self.assertAlmostEqual(self.eq1(ramp_image(16, math.pi / 2) / 16, gray), 1.0, places=4)  # perpendicular
        self.assertAlmostEqual(self.eq1(-ramp_image(16, 0.0) / 16, gray), 0.0, places=4)  # sign does not matter

    def test_diagonal_mask_on_vertical_edges_is_one_half(self):
        gray = ramp_image(32, 0.0)
        mask = ramp_image(32, math.pi / 4) / 64
        # Interior pixels give exactly 0.5; border pixels (replicate padding) deviate: compare to brute force.
        self.assertAlmostEqual(self.eq1(mask, gray), numpy_eq1(mask, gray), places=4)
        self.assertAlmostEqual(self.eq1(mask, gray), 0.5, delta=0.06)

    def test_lower_when_mask_edges_follow_image_edges(self):
        n = 48
        y, x = np.mgrid[0:n, 0:n]
        disk = ((x - 24) ** 2 + (y - 24) ** 2 < 14 ** 2).astype(np.float64)
        gray = 40 + 180 * disk
        soft = lambda m: torch.nn.functional.avg_pool2d(torch.from_numpy(m)[None, None], 3, 1, 1)[0, 0].numpy()
        square = ((abs(x - 24) < 12) & (abs(y - 24) < 12)).astype(np.float64)
        self.assertLess(self.eq1(soft(disk), gray) + 0.1, self.eq1(soft(square), gray))

    def test_gradients_flow_through_the_soft_prediction(self):
        torch.manual_seed(0)
        logits = torch.randn(2, 2, 16, 16, requires_grad=True)
        images = torch.rand(2, 3, 16, 16) * 255
        prob = torch.softmax(logits, 1)[:, 1:2]
        gradient_consistency(prob, images).mean().backward()
        self.assertTrue(torch.isfinite(logits.grad).all())
        self.assertGreater(float(logits.grad.abs().sum()), 1e-3)

    def test_constant_prediction_gives_no_nan(self):
        v = gradient_consistency(torch.full((1, 1, 8, 8), 0.3), torch.rand(1, 3, 8, 8))
        self.assertTrue(torch.isfinite(v).all())
        self.assertAlmostEqual(float(v[0]), 0.0, places=6)


class HairLossTest(unittest.TestCase):
    def test_cross_entropy_by_hand(self):
        logits = torch.zeros(1, 2, 1, 2)
        logits[0, 1, 0, 0] = math.log(3.0)  # p(hair) = 3/4 at pixel 0; 1/2 at pixel 1
        masks = torch.tensor([[[1.0, 0.0]]])
        total, ce, lc = hair_loss(logits, masks, torch.zeros(1, 3, 1, 2), 0.0)
        expected = (-math.log(0.75) - math.log(0.5)) / 2
        self.assertAlmostEqual(float(ce), expected, places=6)
        self.assertAlmostEqual(float(total), expected, places=6)

    def test_weight_adds_eq1(self):
        torch.manual_seed(1)
        logits, images = torch.randn(2, 2, 8, 8), torch.rand(2, 3, 8, 8) * 255
        masks = (torch.rand(2, 8, 8) > 0.5).float()
        total, ce, lc = hair_loss(logits, masks, images, 0.5)
        direct = gradient_consistency(torch.softmax(logits, 1)[:, 1:2], images).mean()
        self.assertAlmostEqual(float(lc), float(direct), places=6)
        self.assertAlmostEqual(float(total), float(ce) + 0.5 * float(direct), places=5)

    def test_gray_uses_bt601(self):
        img = torch.tensor([1.0, 0.0, 0.0]).view(1, 3, 1, 1)
        self.assertAlmostEqual(float(to_gray(img)), 0.299, places=6)


if __name__ == "__main__":
    unittest.main()
