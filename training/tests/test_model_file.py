import os
import struct
import tempfile
import unittest
import zlib

import numpy as np
import torch

import _paths  # noqa: F401
from hairmatte_train import architecture as A
from hairmatte_train.model_file import (decode_model, encode_model, folded_tensors, model_from_tensors,
                                        read_model, write_model)
from hairmatte_train.models import HairNet


def randomised(arch, width=250, depth=16, seed=0):
    """A model with non-trivial BatchNorm statistics and a head that gives large logits."""
    torch.manual_seed(seed)
    m = HairNet(arch, width, depth)
    with torch.no_grad():
        for layer in m.enc.values():
            layer.bn.running_mean.normal_(0, 0.2)
            layer.bn.running_var.uniform_(0.5, 2.0)
            layer.bn.weight.uniform_(0.5, 1.5)
            layer.bn.bias.normal_(0, 0.2)
        m.head.weight.normal_(0, 30.0)
        m.head.bias.normal_(0, 0.5)
    return m.eval()


class ModelFileTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def test_round_trip_fp32_is_exact(self):
        for arch in A.ARCH_IDS:
            m = randomised(arch)
            path = os.path.join(self.tmp.name, arch + ".hmm")
            write_model(path, m, 224, {"note": "test"}, "fp32")
            header, tensors = read_model(path)
            self.assertEqual((header["arch"], header["width_milli"], header["depth"], header["input_size"]),
                             (arch, 250, 16, 224))
            self.assertEqual(header["metadata"], {"note": "test"})
            for name, value in folded_tensors(m).items():
                np.testing.assert_array_equal(tensors[name], value, name)

    def test_round_trip_fp16_rounds_to_half(self):
        m = randomised("hairmattenet")
        _, tensors = decode_model(encode_model("hairmattenet", 250, 16, 224, folded_tensors(m), {}, "fp16"))
        for name, value in folded_tensors(m).items():
            np.testing.assert_array_equal(tensors[name], value.astype(np.float16).astype(np.float32), name)

    def test_bn_folding_preserves_outputs(self):
        x = torch.rand(2, 3, 64, 96) * 2 - 1
        for arch in A.ARCH_IDS:
            m = randomised(arch, seed=3)
            header, tensors = decode_model(encode_model(arch, 250, 16, 224, folded_tensors(m), {}, "fp32"))
            folded = model_from_tensors(header, tensors)
            with torch.no_grad():
                a = torch.softmax(m(x), 1)
                b = torch.softmax(folded(x), 1)
            self.assertGreater(float(a.std()), 0.05)  # the outputs are not trivially constant
            self.assertLess(float((a - b).abs().max()), 1e-5, arch)

    def test_layout_matches_the_format_doc(self):
        m = randomised("hairsegnet")
        blob = encode_model("hairsegnet", 250, 16, 224, folded_tensors(m), {"a": 1}, "fp16")
        self.assertEqual(blob[:8], b"HAIRMATT")
        version, arch, depth, width, size, count, meta_len = struct.unpack_from("<7I", blob, 8)
        self.assertEqual((version, arch, depth, width, size), (1, 0, 16, 250, 224))
        self.assertEqual(count, len(A.expected_tensors("hairsegnet", 250, 16)))
        self.assertEqual(blob[36:36 + meta_len], b'{"a": 1}')
        self.assertEqual(struct.unpack_from("<I", blob, len(blob) - 4)[0], zlib.crc32(blob[:-4]))
        # first record: name, dtype, rank, dims, then data at a multiple of 4
        pos = 36 + meta_len
        (n,) = struct.unpack_from("<H", blob, pos)
        self.assertEqual(blob[pos + 2:pos + 2 + n], b"enc.conv0.weight")
        dtype, rank = blob[pos + 2 + n], blob[pos + 3 + n]
        self.assertEqual((dtype, rank), (2, 4))
        self.assertEqual(struct.unpack_from("<4I", blob, pos + 4 + n), (8, 3, 3, 3))
        data = pos + 4 + n + 16
        data += -data % 4
        first = np.frombuffer(blob, "<f2", 8 * 27, data).reshape(8, 3, 3, 3)
        np.testing.assert_array_equal(first, folded_tensors(m)["enc.conv0.weight"].astype(np.float16))

    def test_corruption_and_truncation_are_detected(self):
        blob = encode_model("hairsegnet", 250, 16, 224, folded_tensors(randomised("hairsegnet")), {}, "fp16")
        bad = bytearray(blob)
        bad[len(bad) // 2] ^= 0x40
        with self.assertRaisesRegex(ValueError, "CRC"):
            decode_model(bytes(bad))
        with self.assertRaisesRegex(ValueError, "CRC|truncated"):
            decode_model(blob[:-100])
        with self.assertRaisesRegex(ValueError, "magic"):
            decode_model(b"HAIRMATX" + blob[8:])

    def test_writer_rejects_wrong_tensors(self):
        t = folded_tensors(randomised("hairmattenet"))
        wrong = dict(t)
        wrong["dec2.pw.weight"] = np.zeros((16, 8, 1, 1), np.float32)
        with self.assertRaisesRegex(ValueError, "dec2.pw.weight"):
            encode_model("hairmattenet", 250, 16, 224, wrong, {}, "fp16")
        missing = dict(t)
        del missing["head.bias"]
        with self.assertRaisesRegex(ValueError, "head.bias"):
            encode_model("hairmattenet", 250, 16, 224, missing, {}, "fp16")
        nan = dict(t)
        nan["head.bias"] = np.array([np.nan, 0], np.float32)
        with self.assertRaisesRegex(ValueError, "NaN"):
            encode_model("hairmattenet", 250, 16, 224, nan, {}, "fp16")
        with self.assertRaisesRegex(ValueError, "multiple of 32"):
            encode_model("hairmattenet", 250, 16, 200, t, {}, "fp16")
        with self.assertRaisesRegex(ValueError, "hairsegnet|missing|unknown"):
            encode_model("hairsegnet", 250, 16, 224, t, {}, "fp16")


if __name__ == "__main__":
    unittest.main()
