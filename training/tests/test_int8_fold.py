"""The folded first decoder stage of the int8 network (hairmatte_train/int8_fold.py, the engine's
src/network/int8_fold.h): its weights against an independent float composition of the three layers, and
the folded simulated network against the unfolded one and the float network."""
import unittest

import numpy as np
import torch

import _paths  # noqa: F401  (puts training/ on sys.path)
from hairmatte_train import architecture as A
from hairmatte_train import int8_fold as FOLD
from hairmatte_train import quantize as Q
from hairmatte_train.model_file import folded_tensors
from hairmatte_train.models import HairNet


def quantized(width: int, depth: int, seed: int = 3):
    torch.manual_seed(seed)
    model = HairNet("hairmattenet", width, depth).eval()
    for p in model.parameters():  # a decoder that is not at its zero-bias initialisation
        p.data += 0.02 * torch.randn_like(p)
    tensors = folded_tensors(model)
    header = {"arch": "hairmattenet", "width_milli": width, "depth": depth, "input_size": 64}
    graph = Q.build_graph("hairmattenet", width, depth)
    gen = torch.Generator().manual_seed(seed)
    pixels = torch.rand((6, 3, 64, 64), generator=gen) * 255
    obs = Q.RangeObserver(per_image=512)
    with torch.no_grad():
        for i in range(4):
            Q.float_forward(graph, tensors, pixels[i:i + 1] / 127.5 - 1, obs)
    return Q.quantize_model(header, tensors, obs.ranges("minmax")), graph, tensors, pixels[4:]


class Dec1FoldTest(unittest.TestCase):
    def test_which_networks_fold(self):
        self.assertTrue(FOLD.dec1_foldable("hairmattenet", 1000, 24))   # 216 < 1024
        self.assertTrue(FOLD.dec1_foldable("hairmattenet", 1000, 64))   # 576 < 1024
        self.assertFalse(FOLD.dec1_foldable("hairmattenet", 250, 32))   # 288 >= 256
        self.assertFalse(FOLD.dec1_foldable("hairsegnet", 1000, 24))    # no skip

    def test_weights_are_the_quantised_composition_of_pw_dw_and_skip(self):
        qm, _, _, _ = quantized(250, 16)
        fold = qm.dec1_fold()
        w, b = {}, {}
        for name in ("dec1.skip", "dec1.dw", "dec1.pw"):
            w[name], b[name] = (t.double().numpy() for t in qm.dequantized_conv(name))
        # independent: one einsum over the float weights, (out, in, ky, kx)
        ws, wd, wp = w["dec1.skip"][:, :, 0, 0], w["dec1.dw"][:, 0], w["dec1.pw"][:, :, 0, 0]
        expected = np.einsum("oc,cyx,ci->oiyx", wp, wd, ws) * qm.act[fold.source].scale
        step = np.abs(expected).reshape(len(expected), -1).max(1) / 127
        got = fold.weight.numpy() * step[:, None, None, None]
        err = np.abs(got - expected).reshape(len(expected), -1).max(1) / step
        self.assertLessEqual(err.max(), 0.5 + 1e-3)  # each within half a quantisation step (fp32 scales)
        self.assertEqual(np.abs(fold.weight.numpy()).reshape(len(expected), -1).max(1).tolist(), [127] * len(step))
        # the skip's bias through dw (zero-padded) and pw, per border class: interior = all 9 taps, a corner 4
        b_s = b["dec1.skip"]
        for cls, taps in ((0, (slice(0, 3), slice(0, 3))), (FOLD.TOP | FOLD.LEFT, (slice(1, 3), slice(1, 3))),
                          (FOLD.BOTTOM | FOLD.RIGHT, (slice(0, 2), slice(0, 2)))):
            want = wp @ (wd[:, taps[0], taps[1]].sum((1, 2)) * b_s) / step
            self.assertLessEqual(np.abs(fold.bias_by_class[cls] - want).max(), 0.5 + 1e-3, cls)
        self.assertGreater(np.abs(fold.bias_by_class[0] - fold.bias_by_class[FOLD.TOP]).max(), 1)

    def test_folded_network_agrees_with_the_unfolded_one_and_the_float_one(self):
        qm, graph, tensors, test = quantized(250, 16)
        q = Q.input_to_q(test)
        keep = {}
        folded = Q.int8_forward(qm, q, keep)
        plain = Q.int8_forward(qm, q, fold_dec1=False)
        self.assertNotIn("dec1.skip", keep)  # not run
        pf, pp = Q.hair_probability_from_logits(folded), Q.hair_probability_from_logits(plain)
        with torch.no_grad():
            pr = Q.hair_probability_from_logits(Q.float_forward(graph, tensors, test / 127.5 - 1))
        self.assertFalse(torch.equal(folded, plain))  # the fold is in use
        self.assertLess((pf - pp).abs().mean().item(), 0.01)
        self.assertLess((pf - pr).abs().mean().item(), 1.5 * (pp - pr).abs().mean().item() + 1e-3)


if __name__ == "__main__":
    unittest.main()
