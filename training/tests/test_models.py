import glob
import os
import unittest

import numpy as np
import torch

import _paths
from hairmatte_train import architecture as A
from hairmatte_train.model_file import folded_tensors
from hairmatte_train.models import HairNet, hair_probability
from hairmatte_train.pretrained import MobileNetClassifier, load_encoder, read_tfjs_weights


def keras_conv(x, k, stride=1, dilation=1, depthwise=False):
    """Brute-force NHWC convolution with Keras-layout kernels and TF "same" padding:
    total padding max((ceil(n/s)-1)*s + (k-1)*d + 1 - n, 0), the smaller half before."""
    n, h, w, c = x.shape
    kh = k.shape[0]
    eff = (kh - 1) * dilation + 1
    oh, ow = -(-h // stride), -(-w // stride)
    ph, pw = max((oh - 1) * stride + eff - h, 0), max((ow - 1) * stride + eff - w, 0)
    xp = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    out = np.zeros((n, oh, ow, c if depthwise else k.shape[3]))
    for i in range(kh):
        for j in range(kh):
            patch = xp[:, i * dilation: i * dilation + (oh - 1) * stride + 1: stride,
                       j * dilation: j * dilation + (ow - 1) * stride + 1: stride, :]
            out += patch * k[i, j, :, 0] if depthwise else patch @ k[i, j]
    return out


def keras_bn_relu6(x, w, name):
    g, b, m, v = (w[f"{name}_bn/{t}"] for t in ("gamma", "beta", "moving_mean", "moving_variance"))
    return np.clip((x - m) / np.sqrt(v + 1e-3) * g + b, 0, 6)


def keras_mobilenet_features(x, w):
    """Block-13 features of the Keras MobileNet-v1, straight from the TF.js tensors (NHWC)."""
    y = keras_bn_relu6(keras_conv(x, w["conv1/kernel"], 2), w, "conv1")
    for k in range(1, 14):
        s = 2 if k in A.STRIDE2_BLOCKS else 1
        y = keras_bn_relu6(keras_conv(y, w[f"conv_dw_{k}/depthwise_kernel"], s, depthwise=True), w, f"conv_dw_{k}")
        y = keras_bn_relu6(keras_conv(y, w[f"conv_pw_{k}/kernel"]), w, f"conv_pw_{k}")
    return y


class ArchitectureTest(unittest.TestCase):
    def test_module_tensors_are_exactly_the_spec(self):
        for arch in A.ARCH_IDS:
            for width, depth in ((1000, 64), (750, 16), (250, 128)):
                model = HairNet(arch, width, depth)
                got = {k: tuple(v.shape) for k, v in folded_tensors(model).items()}
                self.assertEqual(got, A.expected_tensors(arch, width, depth), (arch, width, depth))

    def test_spec_shapes_from_the_format_doc(self):
        t = A.expected_tensors("hairmattenet", 1000, 64)
        self.assertEqual(t["dec1.skip.weight"], (1024, 512, 1, 1))
        self.assertEqual(t["dec2.skip.weight"], (64, 256, 1, 1))
        self.assertEqual(t["dec4.skip.weight"], (64, 64, 1, 1))
        self.assertEqual(t["dec1.pw.weight"], (64, 1024, 1, 1))
        self.assertEqual(t["head.weight"], (2, 64, 1, 1))
        self.assertNotIn("dec5.skip.weight", t)
        self.assertEqual(A.channels(750)[13], 768)
        s = {x.name: x for x in A.encoder_specs("hairsegnet", 1000)}
        self.assertEqual((s["enc.dw6"].stride, s["enc.dw12"].stride, s["enc.dw4"].stride), (1, 1, 2))
        self.assertEqual([s[f"enc.dw{k}"].dilation for k in range(6, 14)], [1, 2, 2, 2, 2, 2, 2, 4])

    def test_bad_parameters_are_rejected(self):
        with self.assertRaises(ValueError):
            HairNet("unet")
        with self.assertRaises(ValueError):
            HairNet("hairmattenet", 600)
        for depth in (0, 1025):  # the engine's bounds; any depth between is a network (48: a pruned decoder)
            with self.assertRaises(ValueError):
                HairNet("hairmattenet", 1000, depth)
        self.assertEqual(HairNet("hairmattenet", 250, 48).head.weight.shape, (2, 48, 1, 1))
        with self.assertRaises(ValueError):
            HairNet("hairsegnet", 250, 16)(torch.zeros(1, 3, 48, 64))

    def test_feature_strides(self):
        x = torch.zeros(1, 3, 64, 96)
        for arch, strides in (("hairmattenet", {1: 2, 3: 4, 5: 8, 11: 16, 13: 32}),
                              ("hairsegnet", {1: 2, 3: 4, 5: 8, 11: 8, 13: 8})):
            feats = HairNet(arch, 250, 16).encode(x)
            for k, s in strides.items():
                self.assertEqual(tuple(feats[k].shape[-2:]), (64 // s, 96 // s), (arch, k))
            self.assertEqual(tuple(HairNet(arch, 250, 16)(x).shape), (1, 2, 64, 96))

    def test_encoder_matches_brute_force_keras_forward(self):
        # random Keras-layout weights through our loader vs the NHWC brute-force reference,
        # on a 64x96 input so stride-2 padding (0 before, 1 after) is exercised on both axes
        model = HairNet("hairmattenet", 250, 16)
        rng = np.random.default_rng(0)
        w = {}
        for key, layer in model.enc.items():
            name = "conv1" if key == "conv0" else f"conv_{key[:2]}_{key[2:]}"
            cout, cin_g, kh, kw = layer.conv.weight.shape
            if key.startswith("dw"):
                w[f"{name}/depthwise_kernel"] = rng.normal(0, 0.5, (kh, kw, cout, 1))
            else:
                w[f"{name}/kernel"] = rng.normal(0, (2 / (cin_g * kh * kw)) ** 0.5, (kh, kw, cin_g, cout))
            for t, v in (("gamma", rng.uniform(0.5, 1.5, cout)), ("beta", rng.normal(0, 0.1, cout)),
                         ("moving_mean", rng.normal(0, 0.1, cout)), ("moving_variance", rng.uniform(0.5, 2, cout))):
                w[f"{name}_bn/{t}"] = v
        w = {k: v.astype(np.float32).astype(np.float64) for k, v in w.items()}  # what the loader keeps
        from hairmatte_train import pretrained
        original = pretrained.read_tfjs_weights
        pretrained.read_tfjs_weights = lambda folder: {k: v.astype(np.float32) for k, v in w.items()}
        try:
            self.assertEqual(load_encoder(model, "unused"), [])
        finally:
            pretrained.read_tfjs_weights = original
        x = rng.uniform(-1, 1, (1, 64, 96, 3))
        ref = keras_mobilenet_features(x, w)
        model.double().eval()
        got = model.encode(torch.from_numpy(x.transpose(0, 3, 1, 2)))[13].detach().numpy().transpose(0, 2, 3, 1)
        np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-9)

    def test_encoder_batchnorm_frozen_in_train_mode(self):
        model = HairNet("hairmattenet", 250, 16)
        before = model.enc["pw5"].bn.running_mean.clone()
        model.train()
        model(torch.randn(2, 3, 64, 64))
        self.assertTrue(torch.equal(before, model.enc["pw5"].bn.running_mean))
        self.assertTrue(model.dec1["pw"].training)

    def test_freezing_early_blocks(self):
        model = HairNet("hairmattenet", 250, 16)
        model.set_encoder_frozen(3)
        self.assertFalse(model.enc["pw3"].conv.weight.requires_grad)
        self.assertTrue(model.enc["dw4"].conv.weight.requires_grad)
        model.set_encoder_frozen(-1)
        self.assertTrue(all(p.requires_grad for p in model.parameters()))

    def test_probability_is_softmax_channel_one(self):
        z = torch.tensor([[[[0.0]], [[2.0]]]])
        self.assertAlmostEqual(float(hair_probability(z)), 1 / (1 + np.exp(-2.0)), places=6)


@unittest.skipUnless(os.path.exists(os.path.join(_paths.WEIGHTS_075, "model.json")),
                     _paths.shared_missing(_paths.WEIGHTS_075))
class PretrainedTest(unittest.TestCase):
    def test_075_encoder_matches_numpy_keras_forward(self):
        w = read_tfjs_weights(_paths.WEIGHTS_075)
        model = HairNet("hairmattenet", 750, 16)
        self.assertEqual(load_encoder(model, _paths.WEIGHTS_075), [])
        x = np.random.default_rng(1).uniform(-1, 1, (1, 64, 64, 3)).astype(np.float32)
        ref = keras_mobilenet_features(x.astype(np.float64), {k: v.astype(np.float64) for k, v in w.items()})
        got = model.eval().encode(torch.from_numpy(x.transpose(0, 3, 1, 2)))[13].detach().numpy()
        np.testing.assert_allclose(got.transpose(0, 2, 3, 1), ref, rtol=1e-3, atol=1e-4)

    def test_075_classifier_is_confident_on_a_photo(self):
        portraits = sorted(glob.glob(os.path.join(_paths.SHARED, "portraits", "*.jpg")))
        if not portraits:
            self.skipTest(_paths.shared_missing(os.path.join(_paths.SHARED, "portraits")))
        from PIL import Image
        model = HairNet("hairmattenet", 750, 16)
        load_encoder(model, _paths.WEIGHTS_075)
        clf = MobileNetClassifier(model.eval(), _paths.WEIGHTS_075)
        img = np.asarray(Image.open(portraits[0]).convert("RGB").resize((224, 224)), np.float32)
        with torch.no_grad():
            p = clf(torch.from_numpy(img).permute(2, 0, 1)[None] / 127.5 - 1)[0]
        self.assertGreater(float(p.max()), 0.2)  # random weights give ~0.001

    def test_100_loads_all_but_pw13(self):
        if not os.path.exists(os.path.join(_paths.WEIGHTS_100, "model.json")):
            self.skipTest(_paths.shared_missing(_paths.WEIGHTS_100))
        model = HairNet("hairsegnet", 1000, 16)
        self.assertEqual(load_encoder(model, _paths.WEIGHTS_100), ["conv_pw_13/kernel"])


if __name__ == "__main__":
    unittest.main()
