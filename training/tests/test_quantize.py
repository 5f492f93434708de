"""The int8 quantiser and the simulated int8 network (hairmatte_train/quantize.py), against independent
plain-Python references of the QS8 kernels' arithmetic (docs/int8-kernels.md)."""
import contextlib
import io
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import numpy as np
import torch
import torch.nn.functional as F

import _paths  # noqa: F401
import quantize as quantize_cli
from test_data import write_folder_with_split
from test_model_file import randomised
from hairmatte_train import architecture as A
from hairmatte_train import quantize as Q
from hairmatte_train.int8_file import encode_int8_model, quantized_model_from_tensors
from hairmatte_train.model_file import decode_model, folded_tensors, read_model, write_model

torch.set_num_threads(1)


def brute_force_round_half_even(x: float) -> int:
    """Python's round() on a float rounds halves to even."""
    return int(round(x))


class ActivationQuantTest(unittest.TestCase):
    def test_every_int8_value_survives_dequantise_quantise(self):
        for lo, hi in [(0.0, 6.0), (-3.7, 11.2), (-0.01, 250.0), (-40.0, -1.0), (2.0, 3.0)]:
            aq = Q.act_quant_from_range(lo, hi)
            q = torch.arange(-128, 128, dtype=torch.float64)
            self.assertTrue(torch.equal(Q.quantize_act(Q.dequantize_act(q, aq), aq), q), (lo, hi))
            self.assertEqual(float(Q.dequantize_act(torch.tensor([float(aq.zero_point)]), aq)), 0.0)

    def test_range_maps_to_the_int8_ends_and_errors_are_half_a_step(self):
        aq = Q.act_quant_from_range(-3.7, 11.2)
        self.assertEqual(aq.scale, float(np.float32(14.9 / 255)))
        q = Q.quantize_act(torch.tensor([-3.7, 11.2, -100.0, 100.0]), aq)
        self.assertLessEqual(abs(q[0].item() + 128), 1)
        self.assertLessEqual(abs(q[1].item() - 127), 1)
        self.assertEqual(q[2:].tolist(), [-128.0, 127.0])  # saturation
        x = torch.linspace(-3.6, 11.1, 1001, dtype=torch.float64)
        err = (Q.dequantize_act(Q.quantize_act(x, aq), aq) - x).abs().max().item()
        self.assertLessEqual(err, aq.scale / 2 + 1e-12)

    def test_a_range_above_zero_still_contains_zero(self):
        aq = Q.act_quant_from_range(2.0, 3.0)  # widened to [0, 3]
        self.assertEqual(aq.zero_point, -128)
        self.assertAlmostEqual(aq.scale, 3.0 / 255, places=7)

    def test_quantisation_rounds_halves_to_even(self):
        aq = Q.ActQuant(1.0, 0)
        q = Q.quantize_act(torch.tensor([0.5, 1.5, 2.5, -0.5, -1.5, 126.5]), aq)
        self.assertEqual(q.tolist(), [0.0, 2.0, 2.0, 0.0, -2.0, 126.0])


class WeightQuantTest(unittest.TestCase):
    def test_per_channel_scales_and_values_match_a_brute_force_search(self):
        rng = np.random.default_rng(3)
        w = rng.normal(0, 1, (6, 3, 3, 3)).astype(np.float32) * rng.uniform(0.01, 5, (6, 1, 1, 1)).astype(np.float32)
        w[4] = 0.0  # an all-zero channel
        w[5, 0, 0, 0] = -(np.abs(w[5]).max() + 1.0)  # the largest magnitude, negative: -127, never -128
        scales = Q.weight_scales(w)
        q = Q.quantize_weights(w, scales)
        for n in range(w.shape[0]):
            values = [float(v) for v in w[n].ravel()]
            m = max(abs(v) for v in values)
            self.assertEqual(scales[n], np.float32(m / 127) if m > 0 else np.float32(1.0))
            s = float(scales[n])
            for v, got in zip(values, q[n].ravel()):
                # the nearest of all int8 weight levels, ties to the even level
                best = min(range(-127, 128), key=lambda k: (abs(k * s - v), k % 2))
                self.assertEqual(int(got), best, (n, v))
        self.assertEqual(int(q[5, 0, 0, 0]), -127)
        self.assertEqual(int(np.abs(q).max()), 127)
        self.assertTrue(np.all(q[4] == 0))

    def test_bias_units_and_requant_scales(self):
        ws = np.array([0.01, 0.002], np.float32)
        b = Q.quantize_bias(np.array([1.0, -0.5], np.float32), 0.05, ws)
        self.assertEqual(b.tolist(), [round(1.0 / (0.05 * float(ws[0]))), round(-0.5 / (0.05 * float(ws[1])))])
        r = Q.requant_scales(0.05, ws, 0.1)
        self.assertEqual(r.dtype, np.float32)
        self.assertEqual(r[1], np.float32(0.05 * float(ws[1]) / 0.1))
        with self.assertRaises(ValueError):
            Q.quantize_bias(np.array([1e9], np.float32), 1e-3, np.array([1e-3], np.float32))


class BiasCorrectionTest(unittest.TestCase):
    def test_removes_the_mean_output_error_of_rounded_weights(self):
        rng = np.random.default_rng(11)
        for depthwise in (False, True):
            cin = 6
            cout = cin if depthwise else 4
            w = rng.normal(0, 3, (cout, 1 if depthwise else cin, 3, 3))
            s = Q.weight_scales(w)
            wq = Q.quantize_weights(w, s)
            x = rng.uniform(0, 6, (200, cin, 3, 3))  # input patches; their channel means
            mu = x.mean(axis=(0, 2, 3))
            wd = wq.astype(np.float64) * s.astype(np.float64)[:, None, None, None]
            if depthwise:
                err = np.einsum("nkl,pnkl->pn", (wd - w)[:, 0], x)
            else:
                err = np.einsum("nckl,pckl->pn", wd - w, x)
            corr = Q.bias_correction(w, wq, s, mu, depthwise)
            # the spatial taps share a mean here only on average, so compare with the mean over patches
            expected = -np.einsum("nckl,c->n", (wd - w), mu) if not depthwise else -(wd - w)[:, 0].sum((1, 2)) * mu
            np.testing.assert_allclose(corr, expected, rtol=1e-12)
            self.assertGreater(np.abs(err.mean(0)).max(), 1e-3)  # rounding did shift the mean
            self.assertLess(np.abs(err.mean(0) + corr).max(), np.abs(err.mean(0)).max())


class RequantizeTest(unittest.TestCase):
    def literal(self, acc: int, scale: np.float32, out: Q.QOut) -> int:
        x = float(np.float32(np.float32(acc) * scale))  # int32 -> fp32, one fp32 multiply
        q = brute_force_round_half_even(x) + out.zero_point
        return min(max(q, out.min), out.max)

    def test_matches_the_plain_formula_on_random_and_tie_cases(self):
        rng = np.random.default_rng(5)
        accs = rng.integers(-2 ** 31, 2 ** 31 - 1, 2000).tolist() + rng.integers(-5000, 5000, 2000).tolist()
        scales = rng.uniform(1e-6, 0.05, 8).astype(np.float32)
        for out in [Q.QOut(-5, -128, 127), Q.QOut(-128, -128, 127), Q.QOut(10, 10, 60)]:
            for ch, s in enumerate(scales):
                acc = torch.tensor(accs, dtype=torch.int64).reshape(1, 1, -1, 1)
                got = Q.requantize(acc, torch.tensor([s]), out).reshape(-1).long().tolist()
                self.assertEqual(got, [self.literal(a, s, out) for a in accs], (out, ch))
        # ties: acc * 0.5 lands on k + 0.5 for every odd acc; they must go to the even neighbour
        acc = torch.arange(-21, 22, dtype=torch.int64).reshape(1, 1, -1, 1)
        got = Q.requantize(acc, torch.tensor([0.5]), Q.QOut(0, -128, 127)).reshape(-1).long().tolist()
        self.assertEqual(got, [int(round(a / 2)) for a in range(-21, 22)])
        self.assertEqual(got[:5], [-10, -10, -10, -9, -8])  # -10.5, -10, -9.5, -9, -8.5: halves to even
        # the clamps are the activation: ReLU6 in the quantised domain
        relu6 = Q.output_clamp(Q.ActQuant(6.0 / 200, -128), "relu6")
        self.assertEqual((relu6.min, relu6.max), (-128, 72))


class AddTest(unittest.TestCase):
    def test_params_follow_qs8_add_params(self):
        a, b, out = Q.ActQuant(0.2, 3), Q.ActQuant(0.1, -7), Q.ActQuant(0.4, -20)
        p = Q.add_params(a, b, out)
        # ratios 0.5 and 0.25: the larger in [2^-1, 2^0) -> shift 14, multipliers 2^13 and 2^12
        ra = float(np.float32(0.2)) / float(np.float32(0.4))
        self.assertEqual(p["shift"], 14)
        self.assertEqual(p["a_mul"], int(np.floor(ra * 2 ** 14 + 0.5)))
        self.assertEqual(p["bias"], -(3 * p["a_mul"] - 7 * p["b_mul"]) + 2 ** 13)
        with self.assertRaises(ValueError):
            Q.add_params(Q.ActQuant(1000.0, 0), b, Q.ActQuant(1.0, 0))  # ratio 1000 >= 2^8

    def test_integer_add_matches_a_literal_python_sum_and_the_real_sum(self):
        a, b, out = Q.ActQuant(0.2, 3), Q.ActQuant(0.13, -7), Q.ActQuant(0.37, -20)
        p = Q.add_params(a, b, out)
        oq = Q.QOut(out.zero_point, -128, 127)
        qa = torch.arange(-128, 128, dtype=torch.float64).repeat_interleave(256)
        qb = torch.arange(-128, 128, dtype=torch.float64).repeat(256)
        got = Q.qadd(qa, qb, p, oq)
        lit = [min(127, max(-128, ((p["bias"] + int(x) * p["a_mul"] + int(y) * p["b_mul"]) >> p["shift"])
                            + out.zero_point)) for x, y in zip(qa[::97], qb[::97])]
        self.assertEqual(got[::97].long().tolist(), lit)
        real = (qa - 3) * 0.2 + (qb + 7) * 0.13
        ideal = torch.clamp(torch.round(real / 0.37) - 20, -128, 127)
        self.assertLessEqual((got - ideal).abs().max().item(), 1)


class ConvTest(unittest.TestCase):
    def test_integer_convolution_matches_a_literal_loop_with_zero_point_padding(self):
        rng = np.random.default_rng(9)
        for spec in [A.ConvSpec("dw", 3, 3, 3, stride=2, depthwise=True), A.ConvSpec("dw", 3, 3, 3, dilation=2,
                     depthwise=True), A.ConvSpec("c", 3, 4, 3, stride=2), A.ConvSpec("pw", 5, 4, 1)]:
            h = w = 6
            q = rng.integers(-128, 128, (1, spec.cin, h, w)).astype(np.float64)
            wq = rng.integers(-127, 128, spec.weight_shape).astype(np.int8)
            bias = rng.integers(-1000, 1000, spec.cout).astype(np.int32)
            zp = 17
            c = Q.QConv(wq, np.ones(spec.cout, np.float32), bias, np.ones(spec.cout, np.float32), None)
            acc = Q.qconv(torch.from_numpy(q), zp, c, spec)[0].numpy()
            k, s, d = spec.kernel, spec.stride, spec.dilation
            pad = 0 if (s == 2) else (k - 1) // 2 * d  # TF "same": stride 2 pads only after
            oh = acc.shape[1]
            self.assertEqual(oh, h // s)
            for n in range(spec.cout):
                for oy in range(oh):
                    for ox in range(oh):
                        total = int(bias[n])
                        for ci in ([n] if spec.depthwise else range(spec.cin)):
                            for ky in range(k):
                                for kx in range(k):
                                    y, x = oy * s + ky * d - pad, ox * s + kx * d - pad
                                    v = int(q[0, ci, y, x]) if 0 <= y < h and 0 <= x < w else zp
                                    wv = wq[n, 0 if spec.depthwise else ci, ky, kx]
                                    total += int(wv) * (v - zp)
                        self.assertEqual(int(acc[n, oy, ox]), total)


class NetworkTest(unittest.TestCase):
    def setUp(self):
        model = randomised("hairmattenet", 250, 16, seed=1)
        self.header = {"arch": "hairmattenet", "width_milli": 250, "depth": 16, "input_size": 64}
        self.tensors = folded_tensors(model)
        self.model = model
        g = torch.Generator().manual_seed(0)
        # smooth random "photos" (blocks of colour with noise): pixel values 0..255
        base = torch.rand(6, 3, 8, 8, generator=g) * 255
        self.pixels = torch.clamp(F.interpolate(base, size=(64, 64), mode="bilinear", align_corners=False)
                                  + torch.randn(6, 3, 64, 64, generator=g) * 8, 0, 255).round()

    def test_float_graph_is_the_trained_network(self):
        graph = Q.build_graph("hairmattenet", 250, 16)
        with torch.no_grad():
            x = self.pixels / 127.5 - 1
            self.assertLess((Q.float_forward(graph, self.tensors, x) - self.model(x)).abs().max().item(), 1e-3)

    def test_simulated_int8_network_is_close_to_the_float_network(self):
        graph = Q.build_graph("hairmattenet", 250, 16)
        obs = Q.RangeObserver(per_image=512)
        with torch.no_grad():
            x = self.pixels / 127.5 - 1
            for i in range(4):  # calibrate on 4, test on 2 others
                Q.float_forward(graph, self.tensors, x[i:i + 1], obs)
            qm = Q.quantize_model(self.header, self.tensors, obs.ranges("minmax"))
            keep = {}
            li = Q.int8_forward(qm, Q.input_to_q(self.pixels[4:]), keep)
            lf = Q.float_forward(graph, self.tensors, x[4:])
        for name, v in keep.items():  # every intermediate is on the int8 grid
            if name != "head":
                self.assertTrue(torch.equal(v, v.round()) and v.min() >= -128 and v.max() <= 127, name)
        rel = ((li - lf).norm() / lf.norm()).item()
        self.assertLess(rel, 0.1, f"int8 logits differ from float by {rel:.3f} (relative L2)")
        pi, pf = Q.hair_probability_from_logits(li), Q.hair_probability_from_logits(lf)
        self.assertLess((pi - pf).abs().mean().item(), 0.05)
        # not vacuous: a model with the head's weights negated disagrees far more than that
        bad = dict(self.tensors)
        bad["head.weight"] = -bad["head.weight"]
        qb = Q.quantize_model(self.header, bad, obs.ranges("minmax"))
        pb = Q.hair_probability_from_logits(Q.int8_forward(qb, Q.input_to_q(self.pixels[4:])))
        self.assertGreater((pb - pf).abs().mean().item(), 0.2)

    def test_command_line_writes_the_parameters_and_the_int8_model_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            data, split = write_folder_with_split(tmp, 8, 0.25)
            model = os.path.join(tmp, "m.hmm")
            write_model(model, self.model, 64, {}, "fp16")
            out, js = os.path.join(tmp, "q.npz"), os.path.join(tmp, "q.json")
            args = ["--model", model, "--data", data, "--split", split, "--calib", "4", "--study", "0", "--json", js]
            quiet = io.StringIO()
            with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
                self.assertEqual(quantize_cli.main(args + ["--out", out]), 0)
            with np.load(out) as z:
                self.assertEqual(z["enc.conv0/weight"].dtype, np.int8)
                self.assertEqual(z["dec5.pw/bias"].dtype, np.int32)
                self.assertIn("dec1.add/params", z)
            with open(js) as f:
                report = json.load(f)
            self.assertEqual(set(report["study"]), {"fp16", "int8 percentile:99.99+bc"})  # the default rule
            # --out x.hmm: the int8 model file (version 2), which reads back as the same quantised network
            hmm = os.path.join(tmp, "q.hmm")
            with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
                self.assertEqual(quantize_cli.main(args + ["--out", hmm]), 0)
            header, tensors = read_model(hmm)
            self.assertEqual(header["precision"], "int8")
            self.assertEqual(header["metadata"]["quantization"]["calibration_split"], "train")
            self.assertEqual(tensors["enc.conv0.weight"].dtype, np.int8)
            with np.load(out) as z:
                np.testing.assert_array_equal(tensors["dec5.pw.bias"], z["dec5.pw/bias"])
                np.testing.assert_array_equal(tensors["enc.pw7.weight"], z["enc.pw7/weight"])
            with self.assertRaises(SystemExit), contextlib.redirect_stderr(quiet):
                quantize_cli.main(args + ["--out", os.path.join(tmp, "q.bin")])
            self.assertIn("--out must end in .hmm", quiet.getvalue())


class CalibrationDrawTest(unittest.TestCase):
    def test_draws_are_per_source_subsets_seeded_and_distinct(self):
        from types import SimpleNamespace
        samples = [SimpleNamespace(source=src, image_path=f"{src}/{i:03d}.jpg") for src in ("a", "b") for i in range(50)]
        even = quantize_cli.per_source(samples, 8)
        self.assertEqual([s.image_path for s in even if s.source == "a"], [f"a/{int(i * 50 / 8):03d}.jpg" for i in range(8)])
        one, again, two = (quantize_cli.per_source(samples, 8, d) for d in (1, 1, 2))
        self.assertEqual([s.image_path for s in one], [s.image_path for s in again])  # seeded: reproducible
        for drawn in (one, two):
            for src in ("a", "b"):
                paths = [s.image_path for s in drawn if s.source == src]
                self.assertEqual(len(paths), 8)
                self.assertEqual(len(set(paths)), 8)
                self.assertEqual(paths, sorted(paths))
        self.assertNotEqual([s.image_path for s in one], [s.image_path for s in two])
        self.assertNotEqual([s.image_path for s in one], [s.image_path for s in even])
        self.assertEqual(len(quantize_cli.per_source(samples, 0, 3)), 100)  # 0 = all, whatever the draw


class Int8FileTest(unittest.TestCase):
    """The version-2 .hmm file: what reads back is the same quantised network, derived parameters and all."""

    def test_the_file_reads_back_as_the_same_int8_network(self):
        for arch in ("hairmattenet", "hairsegnet"):
            model = randomised(arch, 250, 16, seed=4)
            header = {"arch": arch, "width_milli": 250, "depth": 16, "input_size": 64}
            tensors = folded_tensors(model)
            graph = Q.build_graph(arch, 250, 16)
            obs = Q.RangeObserver()
            x = torch.rand(3, 3, 64, 64, generator=torch.Generator().manual_seed(5)) * 255
            with torch.no_grad():
                Q.float_forward(graph, tensors, x.round() / 127.5 - 1.0, obs)
                qm = Q.quantize_model(header, tensors, obs.ranges("percentile:99.9"), obs.channel_means())
                back_header, back = decode_model(encode_int8_model(qm, 64, {"k": 1}))
                self.assertEqual((back_header["precision"], back_header["metadata"]), ("int8", {"k": 1}))
                qb = quantized_model_from_tensors(back_header, back)
                self.assertEqual(qb.act, qm.act)
                self.assertEqual((qb.adds, qb.add_out), (qm.adds, qm.add_out))
                for name, c in qm.convs.items():
                    b = qb.convs[name]
                    for field in ("weight", "w_scale", "bias", "requant"):
                        np.testing.assert_array_equal(getattr(b, field), getattr(c, field), err_msg=f"{name}.{field}")
                    self.assertEqual(b.out, c.out, name)
                q = Q.input_to_q(x)
                self.assertTrue(torch.equal(Q.int8_forward(qb, q), Q.int8_forward(qm, q)), arch)

    def test_the_reader_refuses_a_wrong_dtype(self):
        model = randomised("hairsegnet", 250, 16, seed=2)
        header = {"arch": "hairsegnet", "width_milli": 250, "depth": 16, "input_size": 64}
        tensors = folded_tensors(model)
        obs = Q.RangeObserver()
        with torch.no_grad():
            Q.float_forward(Q.build_graph("hairsegnet", 250, 16), tensors, torch.zeros(1, 3, 64, 64), obs)
        qm = Q.quantize_model(header, tensors, obs.ranges("minmax"))
        qm.convs["enc.pw1"].bias = qm.convs["enc.pw1"].bias.astype(np.float32)  # written as int32 anyway
        blob = bytearray(encode_int8_model(qm, 64, {}))
        name = b"enc.pw1.bias"
        at = blob.index(len(name).to_bytes(2, "little") + name) + 2 + len(name)
        blob[at] = 1  # dtype int32 -> float32, CRC fixed
        blob[-4:] = (__import__("zlib").crc32(bytes(blob[:-4])) & 0xFFFFFFFF).to_bytes(4, "little")
        with self.assertRaisesRegex(ValueError, "enc.pw1.bias"):
            decode_model(bytes(blob))


# Both variants of each operator the driver runs (qs8_op__scalar.cc and __wasmsimd.cc), their packing and helpers.
KERNELS = [f"qs8_{op}__{isa}.cc" for op in ("conv1x1_minmax_fp32", "dwconv3x3_minmax_fp32", "upsample2x_add_minmax",
                                             "upsample2x_dwconv3x3_minmax_fp32") for isa in ("scalar", "wasmsimd")]
# Every GEMM micro-kernel file (the 1x1 convolution picks one by K), the requantisation and the packing.
KERNELS += sorted(f for f in os.listdir(os.path.join(_paths.REPO, "src", "kernels")) if f.startswith("qs8_gemm_")
                  and f.endswith(".cc"))
KERNELS += ["qs8_requantize_fp32__scalar.cc", "qs8_packing.cc"]


class EngineKernelsTest(unittest.TestCase):
    """The simulation against the engine's own QS8 kernels (scalar and SIMD128 through SIMDe), compiled
    natively from src/kernels with tests/native/qs8_driver.cc: the outputs must be equal byte for byte."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cxx = shutil.which("g++") or shutil.which("c++")
        src = os.path.join(_paths.REPO, "src")
        if cxx is None or not os.path.exists("/usr/include/simde/wasm/simd128.h"):
            raise unittest.SkipTest("needs a C++ compiler and SIMDe (/usr/include/simde) to build the QS8 kernels")
        cls.exe = os.path.join(cls.tmp.name, "qs8_driver")
        cmd = [cxx, "-O1", "-std=c++17", "-I", src, "-o", cls.exe,
               os.path.join(os.path.dirname(__file__), "native", "qs8_driver.cc")]
        subprocess.run(cmd + [os.path.join(src, "kernels", k) for k in KERNELS], check=True)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def run_kernel(self, args, files):
        d = tempfile.mkdtemp(dir=self.tmp.name)
        for name, arr in files.items():
            arr.tofile(os.path.join(d, name))
        subprocess.run([self.exe, args[0], d] + [str(a) for a in args[1:]], check=True)
        scalar = np.fromfile(os.path.join(d, "out_scalar.bin"), np.int8)
        simd = np.fromfile(os.path.join(d, "out_simd.bin"), np.int8)
        np.testing.assert_array_equal(scalar, simd)
        return scalar, d

    def random_conv(self, rng, spec, in_zp, acc_scale):
        wq = rng.integers(-127, 128, spec.weight_shape).astype(np.int8)
        bias = rng.integers(-3000, 3000, spec.cout).astype(np.int32)
        scale = (rng.uniform(0.5, 2.0, spec.cout) * acc_scale).astype(np.float32)
        return wq, bias, scale

    def test_convolutions_equal_the_kernels(self):
        rng = np.random.default_rng(21)
        cases = [("conv1x1", 5, 7, 37, 13, 1, 1), ("conv1x1", 3, 4, 64, 16, 1, 1), ("dw", 9, 8, 19, 19, 1, 1),
                 ("dw", 8, 10, 16, 16, 2, 1), ("dw", 7, 9, 24, 24, 1, 2), ("dw", 9, 9, 11, 11, 1, 4),
                 ("updw", 4, 5, 21, 21, 1, 1), ("updw", 3, 3, 64, 64, 1, 1)]
        for mode, h, w, cin, cout, stride, dil in cases:
            spec = A.ConvSpec("x", cin, cout, 1 if mode == "conv1x1" else 3, stride, dil, depthwise=mode != "conv1x1")
            in_zp = int(rng.integers(-128, 128))
            q = rng.integers(-128, 128, (h, w, cin)).astype(np.int8)
            wq, bias, scale = self.random_conv(rng, spec, in_zp, 1.0 / (60 * cin if mode == "conv1x1" else 600))
            for out in [Q.QOut(-3, -128, 127), Q.QOut(-128, -128, 127), Q.QOut(-128, -128, 60)]:
                files = {"in.bin": q, "w.bin": wq, "b.bin": bias, "s.bin": scale}
                geo = [h, w, cin, cout] if mode == "conv1x1" else [h, w, cin, stride, dil]
                got, _ = self.run_kernel([mode] + geo + [in_zp, out.zero_point, out.min, out.max] +
                                         ([0] if mode != "conv1x1" else []), files)
                c = Q.QConv(wq, np.ones(cout, np.float32), bias, scale, out)
                x = torch.from_numpy(q.astype(np.float64)).permute(2, 0, 1)[None]
                if mode == "updw":  # the decoder's dec5: nearest 2x upsampling, then the depthwise conv
                    x = Q.up2(x)
                sim = Q.requantize(Q.qconv(x, in_zp, c, spec), torch.from_numpy(scale), out)
                sim = sim[0].permute(1, 2, 0).numpy().astype(np.int8).ravel()
                np.testing.assert_array_equal(got, sim, f"{mode} {h}x{w}x{cin} stride {stride} dil {dil} {out}")
                self.assertGreater(len(np.unique(got)), 20)  # not all saturated

    def test_upsample_add_equals_the_kernel(self):
        rng = np.random.default_rng(22)
        for h, w, c, sa, sb, so in [(3, 4, 19, 0.21, 0.25, 0.43), (2, 2, 64, 0.05, 0.4, 0.3), (4, 3, 8, 1.1, 0.02, 0.9)]:
            a, b, o = Q.ActQuant(float(np.float32(sa)), -7), Q.ActQuant(float(np.float32(sb)), 20), \
                Q.ActQuant(float(np.float32(so)), -60)
            out = Q.QOut(o.zero_point, -128, 127)
            qa = rng.integers(-128, 128, (h, w, c)).astype(np.int8)
            qb = rng.integers(-128, 128, (2 * h, 2 * w, c)).astype(np.int8)
            got, d = self.run_kernel(["add", h, w, c, f"{a.scale:.9g}", a.zero_point, f"{b.scale:.9g}", b.zero_point,
                                      f"{o.scale:.9g}", o.zero_point, out.min, out.max], {"in.bin": qa, "skip.bin": qb})
            p = Q.add_params(a, b, o)
            with open(os.path.join(d, "add.txt")) as f:
                self.assertEqual([int(v) for v in f.read().split()], [p["bias"], p["a_mul"], p["b_mul"], p["shift"]])
            ta = torch.from_numpy(qa.astype(np.float64)).permute(2, 0, 1)[None]
            tb = torch.from_numpy(qb.astype(np.float64)).permute(2, 0, 1)[None]
            sim = Q.qadd(Q.up2(ta), tb, p, out)[0].permute(1, 2, 0).numpy().astype(np.int8).ravel()
            np.testing.assert_array_equal(got, sim)


if __name__ == "__main__":
    unittest.main()
