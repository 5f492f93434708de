"""Codebook-packed int8 weights in the .hmm file (version 3, docs/model-format.md): written automatically by
int8_file.encode_int8_model for weights of at most 16 values, read back by model_file.decode_model as the
exact int8 arrays; files without such weights stay version 2, byte for byte; malformed records are refused
naming the tensor. Byte layouts are checked against hand-built bytes, not only through the writer."""
import os
import struct
import unittest
import zlib

import numpy as np
import torch

import _paths  # noqa: F401
from packed_fixture import make_fixture, snap_to_levels
from test_model_file import randomised
from hairmatte_train import quantize as Q
from hairmatte_train.int8_file import (encode_int8_model, pack_codebook, packed_data_bytes,
                                       quantized_model_from_tensors, unpack_codebook)
from hairmatte_train.model_file import decode_model, folded_tensors

torch.set_num_threads(1)
REAL_INT8 = os.path.join(_paths.REPO, "models", "hairmattenet-int8.hmm")
SNAPPED = ("enc.conv0", "enc.pw5", "enc.pw13", "dec1.skip", "dec2.dw", "head")  # file order


def small_qm(arch="hairmattenet", seed=4):
    model = randomised(arch, 250, 16, seed=seed)
    header = {"arch": arch, "width_milli": 250, "depth": 16, "input_size": 64}
    tensors = folded_tensors(model)
    obs = Q.RangeObserver()
    x = torch.rand(2, 3, 64, 64, generator=torch.Generator().manual_seed(5)) * 255
    with torch.no_grad():
        Q.float_forward(Q.build_graph(arch, 250, 16), tensors, x.round() / 127.5 - 1.0, obs)
        return Q.quantize_model(header, tensors, obs.ranges("percentile:99.9"), obs.channel_means())


def snapped_qm():
    qm = small_qm()
    for name in SNAPPED:
        qm.convs[name].weight = snap_to_levels(qm.convs[name].weight)
    return qm


def record_data(blob: bytes, name: str) -> int:
    """Offset of tensor `name`'s data (after its name, dtype, rank, dims and padding)."""
    raw = name.encode("ascii")
    at = blob.index(struct.pack("<H", len(raw)) + raw)
    rank = blob[at + 3 + len(raw)]
    end = at + 4 + len(raw) + 4 * rank
    return end + (-end % 4)


def with_crc(blob: bytearray) -> bytes:
    blob[-4:] = struct.pack("<I", zlib.crc32(bytes(blob[:-4])) & 0xFFFFFFFF)
    return bytes(blob)


class PackedWeightsTest(unittest.TestCase):
    def test_round_trip_gives_the_same_int8_network_and_packs_only_what_saves_bytes(self):
        qm = snapped_qm()
        packed, plain = encode_int8_model(qm, 64, {"k": 1}), encode_int8_model(qm, 64, {"k": 1}, pack="never")
        self.assertEqual(struct.unpack_from("<I", packed, 8)[0], 3)
        self.assertEqual(struct.unpack_from("<I", plain, 8)[0], 2)
        header, back = decode_model(packed)
        # head [2, 16, 1, 1] = 32 weights: packed it would take 24 + 16 bytes, more than 32, so stays plain.
        self.assertEqual(header["packed"], [n + ".weight" for n in SNAPPED if n != "head"])
        _, back_plain = decode_model(plain)
        self.assertEqual(sorted(back), sorted(back_plain))
        for name in back:
            self.assertEqual(back[name].dtype, back_plain[name].dtype, name)
            np.testing.assert_array_equal(back[name], back_plain[name], err_msg=name)
        qb = quantized_model_from_tensors(header, back)
        self.assertEqual((qb.act, qb.adds, qb.add_out), (qm.act, qm.adds, qm.add_out))
        for name, c in qm.convs.items():
            for field in ("weight", "w_scale", "bias", "requant"):
                np.testing.assert_array_equal(getattr(qb.convs[name], field), getattr(c, field), f"{name}.{field}")
            self.assertEqual(qb.convs[name].out, c.out, name)
        # Size: a packed weight of n values takes 24 + ceil(n / 2) data bytes instead of n.
        saved = sum(qm.convs[n].weight.size - packed_data_bytes(qm.convs[n].weight.size) for n in SNAPPED[:-1])
        self.assertEqual(len(plain) - len(packed), saved)

    def test_a_file_with_nothing_to_pack_is_the_version_2_file_byte_for_byte(self):
        qm = small_qm("hairsegnet", seed=3)
        blob = encode_int8_model(qm, 64, {"a": [1, 2]})
        self.assertEqual(blob, encode_int8_model(qm, 64, {"a": [1, 2]}, pack="never"))
        self.assertEqual(struct.unpack_from("<I", blob, 8)[0], 2)
        self.assertEqual(decode_model(blob)[0]["packed"], [])

    @unittest.skipUnless(os.path.exists(REAL_INT8), f"{REAL_INT8} is absent")
    def test_the_shipped_int8_model_re_encodes_to_its_own_bytes(self):
        with open(REAL_INT8, "rb") as f:
            blob = f.read()
        header, tensors = decode_model(blob)
        # Packed: exactly the layers the quantiser restricted to a 16-level codebook (none for a plain model).
        codebook = header["metadata"].get("quantization", {}).get("codebook", {}).get("layers", [])
        self.assertEqual(sorted(header["packed"]), sorted(n + ".weight" for n in codebook))
        for name in header["packed"]:
            self.assertLessEqual(len(np.unique(tensors[name])), 16, name)
        qm = quantized_model_from_tensors(header, tensors)
        self.assertEqual(encode_int8_model(qm, header["input_size"], header["metadata"]), blob)

    @unittest.skipUnless(os.path.exists(REAL_INT8), f"{REAL_INT8} is absent")
    def test_the_real_model_fixture_packs_to_the_size_formula(self):
        plain, packed, snapped, names = make_fixture(REAL_INT8, "2")
        _, a = decode_model(plain)
        h, b = decode_model(packed)
        self.assertEqual(h["packed"], names)
        self.assertTrue(set(snapped) <= set(names), (snapped, names))
        self.assertEqual(names, [n for n in a if n.endswith(".weight") and 24 + (a[n].size + 1) // 2 < a[n].size and len(np.unique(a[n])) <= 16])
        for name in a:
            np.testing.assert_array_equal(a[name], b[name], err_msg=name)
        self.assertLessEqual(max(len(np.unique(a[n])) for n in names), 16)
        self.assertEqual(len(plain) - len(packed), sum(a[n].size - (24 + (a[n].size + 1) // 2) for n in names))

    def test_byte_layout_levels_ascending_then_low_nibble_first(self):
        w = np.array([[5, -7], [127, 5], [0, -127], [5, 5], [-7, 9]], np.int8)  # 10 values, 6 distinct
        data = pack_codebook(w)
        levels = [-127, -7, 0, 5, 9, 127] + [0] * 10
        index = [3, 1, 5, 3, 2, 0, 3, 3, 1, 4]
        nibbles = bytes(index[i] | index[i + 1] << 4 for i in range(0, 10, 2))
        self.assertEqual(data, struct.pack("<I", 16) + np.array(levels, np.int8).tobytes() +
                         struct.pack("<I", 5) + nibbles)
        back, used = unpack_codebook(data, 0, len(data), "w", w.shape)
        self.assertEqual(used, len(data))
        np.testing.assert_array_equal(back, w)
        odd = np.array([1, 2, 3], np.int8)  # an odd count: the last high nibble is zero
        self.assertEqual(pack_codebook(odd)[-2:], bytes([0 | 1 << 4, 2]))
        np.testing.assert_array_equal(unpack_codebook(pack_codebook(odd), 0, 99, "o", (3,))[0], odd)

    def test_the_packer_refuses_what_it_cannot_store(self):
        with self.assertRaisesRegex(ValueError, "17 distinct values"):
            pack_codebook(np.arange(17, dtype=np.int8))
        with self.assertRaisesRegex(ValueError, "-128"):
            pack_codebook(np.array([-128, 1], np.int8))
        with self.assertRaisesRegex(ValueError, "pack must be one of"):
            encode_int8_model(small_qm(), 64, {}, pack="always")


class PackedWeightsErrorsTest(unittest.TestCase):
    def setUp(self):
        self.blob = encode_int8_model(snapped_qm(), 64, {})

    def edited(self, name, offset, raw):
        blob = bytearray(self.blob)
        at = record_data(self.blob, name) + offset if name else offset
        blob[at:at + len(raw)] = raw
        return with_crc(blob)

    def test_malformed_records_are_named(self):
        cases = [
            (self.edited("enc.pw13.weight", 0, struct.pack("<I", 8)),
             "tensor enc.pw13.weight: packed int8 codebook length 8, the format's is 16"),
            (self.edited("dec1.skip.weight", 20, struct.pack("<I", 127)),
             r"tensor dec1.skip.weight: packed int8 index data is 127 bytes but its \d+ weights"),
            (self.edited("dec2.dw.weight", 4 + 3, b"\x80"), "tensor dec2.dw.weight: codebook level -128 at entry 3"),
            (self.edited(None, 8, struct.pack("<I", 2)),
             "tensor enc.conv0.weight: dtype 5 \\(codebook-packed int8\\) needs a version 3 file, this is version 2"),
            (self.edited(None, 8, struct.pack("<I", 1)), "tensor enc.conv0.weight: unknown dtype 5"),
            (self.edited(None, 8, struct.pack("<I", 4)), "unsupported version 4"),
        ]
        for blob, message in cases:
            with self.assertRaisesRegex(ValueError, message):
                decode_model(blob)

    def test_values_the_engine_refuses_are_refused_here_too(self):
        # The same rules as src/network/int8_quantization.cc, one case each, on a plain (version 2) file whose
        # records are edited in place; the untouched file decodes.
        blob = encode_int8_model(small_qm(), 64, {}, pack="never")
        decode_model(blob)
        header, tensors = decode_model(blob)
        w = tensors["enc.pw1.weight"]
        limit_bias = 2**31 - 1 - 256 * int(np.abs(w[0].astype(np.int64)).sum())

        def edited(name, raw, offset=0):
            out = bytearray(blob)
            at = record_data(blob, name) + offset
            out[at:at + len(raw)] = raw
            return with_crc(out)

        cases = [
            (edited("enc.pw1.weight", b"\x80", 5), r"tensor enc.pw1.weight: -128 at element 5"),
            (edited("enc.pw1.weight_scale", struct.pack("<f", 0.0), 8), r"tensor enc.pw1.weight_scale: the scale 0.0 at element 2"),
            (edited("enc.dw1.output_scale", struct.pack("<f", float("nan"))), r"tensor enc.dw1.output_scale: the scale nan"),
            (edited("enc.dw1.output_zero_point", struct.pack("<i", 128)), r"tensor enc.dw1.output_zero_point: 128, outside"),
            (edited("enc.pw1.bias", struct.pack("<i", limit_bias + 1)),
             r"tensor enc.pw1.bias: %d at element 0: with its weights .* could overflow" % (limit_bias + 1)),
        ]
        for data, message in cases:
            with self.assertRaisesRegex(ValueError, message):
                decode_model(data)
        decode_model(edited("enc.pw1.bias", struct.pack("<i", limit_bias)))  # exactly at the bound: accepted

    def test_packed_storage_on_a_tensor_that_is_not_a_weight(self):
        # Re-store enc.pw1.bias (int32 [8]) as a packed record of its values' low bytes, by hand.
        header, tensors = decode_model(self.blob)
        name = b"enc.pw1.bias"
        at = self.blob.index(struct.pack("<H", len(name)) + name)
        start = record_data(self.blob, "enc.pw1.bias")
        values = tensors["enc.pw1.bias"]
        record = struct.pack("<H", len(name)) + name + struct.pack("<BBI", 5, 1, values.size)
        record += b"\0" * (-(at + len(record)) % 4)
        record += pack_codebook(np.clip(values, -8, 7).astype(np.int8))
        blob = bytearray(self.blob[:at] + record + self.blob[start + 4 * values.size:])
        with self.assertRaisesRegex(ValueError, "tensor enc.pw1.bias: stored codebook-packed"):
            decode_model(with_crc(blob))

    def test_odd_count_with_a_set_unused_nibble(self):
        data = bytearray(pack_codebook(np.array([1, 2, 3], np.int8)))
        data[-1] |= 0x50
        with self.assertRaisesRegex(ValueError, "tensor t: odd weight count 3 and a non-zero unused high nibble"):
            unpack_codebook(bytes(data), 0, len(data), "t", (3,))

    def test_a_cut_record_is_truncated(self):
        at = record_data(self.blob, "enc.pw13.weight")
        with self.assertRaisesRegex(ValueError, "truncated"):
            unpack_codebook(self.blob, at, at + 10, "enc.pw13.weight", (256, 256, 1, 1))


if __name__ == "__main__":
    unittest.main()
