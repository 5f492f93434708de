"""Channel pruning (hairmatte_train/prune.py, training/prune.py) and distillation (--teacher)."""
import os
import tempfile
import unittest

import numpy as np
import torch

import _paths  # noqa: F401
from test_data import write_folder
from test_finetune import small_net
from hairmatte_train import architecture as A
from hairmatte_train import prune as P
from hairmatte_train.losses import distilled_loss, hair_loss
from hairmatte_train.model_file import folded_tensors, model_from_tensors, read_model, write_model
from hairmatte_train.trainer import main as train_main
from prune import main as prune_main


def header(width=500, depth=16):
    return {"arch": "hairmattenet", "width_milli": width, "depth": depth, "input_size": 64}


def dead_channel_network(seed: int, width=500, depth=16, new_width=250, new_depth=8):
    """Float tensors of a width-500 / depth-16 network in which, in every channel group, a random choice of
    the channels that pruning to (new_width, new_depth) must remove carries a constant: the producers' rows
    and the depthwise weights of those channels are zero. Returns (tensors, dead channels per group)."""
    model = small_net(seed)
    model.__init__("hairmattenet", width, depth)
    tensors = {k: v.astype(np.float64) for k, v in folded_tensors(model.eval()).items()}
    rng = np.random.default_rng(seed)
    for t in tensors.values():  # biases away from 0, so the constants are not 0 after ReLU
        if t.ndim == 1:
            t += rng.uniform(0.1, 0.6, t.shape)
    want = A.channels(new_width) + [new_depth] * 5
    dead = []
    for group, n in zip(P.channel_groups(), want):
        total = tensors[group.producers[0] + ".weight"].shape[0]
        d = np.sort(rng.choice(total, total - n, replace=False))
        for name in group.producers + group.depthwise:
            tensors[name + ".weight"][d] = 0.0
        dead.append(d)
    return {k: v.astype(np.float32) for k, v in tensors.items()}, dead


class PruneTest(unittest.TestCase):
    def test_constant_channels_are_the_ones_removed_and_the_output_is_unchanged(self):
        tensors, dead = dead_channel_network(3)
        x = torch.rand(6, 3, 64, 64) * 2 - 1
        stats = P.consumer_statistics(header(), tensors, x)
        pruned, kept = P.prune_tensors(header(), tensors, stats, 250, 8)
        for group, d, k in zip(P.channel_groups(), dead, kept):
            # the constant channels carry no variance; every removed channel is one of no importance (a
            # random net also has channels that ReLU makes constant: they may go instead of ours)
            importance = P.channel_importance(group, tensors, stats)
            self.assertLess(float(importance[d].max()), 1e-9, group.producers)
            dropped = np.setdiff1d(np.arange(importance.size), k)
            self.assertLess(float(importance[dropped].max()), 1e-9, group.producers)
        with torch.no_grad():
            want = model_from_tensors(header(), tensors)(x)
            got = model_from_tensors(header(250, 8), pruned)(x)
        # a removed constant channel's contribution moved into the consumers' biases: same logits
        torch.testing.assert_close(got, want, atol=2e-4, rtol=1e-4)

    def test_without_the_bias_compensation_the_output_would_differ(self):
        # the same cut without moving the means: proves the test above can fail
        tensors, _ = dead_channel_network(3)
        x = torch.rand(6, 3, 64, 64) * 2 - 1
        stats = P.consumer_statistics(header(), tensors, x)
        zero_means = {k: (np.zeros_like(m), v) for k, (m, v) in stats.items()}
        pruned, _ = P.prune_tensors(header(), tensors, zero_means, 250, 8)
        with torch.no_grad():
            d = model_from_tensors(header(250, 8), pruned)(x) - model_from_tensors(header(), tensors)(x)
        self.assertGreater(float(d.abs().max()), 1e-2)

    def test_importance_is_variance_times_squared_column_norm(self):
        tensors, _ = dead_channel_network(5)
        stats = P.consumer_statistics(header(), tensors, torch.rand(2, 3, 64, 64) * 2 - 1)
        group = P.channel_groups()[5]  # block 5: read by enc.pw6 (after enc.dw6) and by dec2.skip
        self.assertEqual(group.consumers, (("enc.pw6", "enc.dw6"), ("dec2.skip", "enc.pw5")))
        expected = 0.0
        for conv, stat in group.consumers:
            w = tensors[conv + ".weight"][:, :, 0, 0].astype(np.float64)
            s = np.array([stats[stat][1][j] * sum(w[i, j] ** 2 for i in range(w.shape[0]))
                          for j in range(w.shape[1])])
            expected = expected + s / s.sum()
        np.testing.assert_allclose(P.channel_importance(group, tensors, stats), expected, rtol=1e-9)

    def test_refuses_to_widen_and_other_architectures(self):
        tensors, _ = dead_channel_network(1)
        stats = P.consumer_statistics(header(), tensors, torch.rand(1, 3, 64, 64))
        with self.assertRaisesRegex(ValueError, "cannot widen"):
            P.prune_tensors(header(), tensors, stats, 750)
        with self.assertRaisesRegex(ValueError, "cannot widen"):
            P.prune_tensors(header(), tensors, stats, 250, 32)
        with self.assertRaisesRegex(ValueError, "hairmattenet"):
            P.prune_tensors(dict(header(), arch="hairsegnet"), tensors, stats, 250)

    def test_command_writes_a_narrower_model_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            data, src, out = os.path.join(tmp, "d"), os.path.join(tmp, "m.hmm"), os.path.join(tmp, "p.hmm")
            write_folder(data, 12)
            model = small_net(2)
            model.__init__("hairmattenet", 500, 16)
            write_model(src, model.eval(), 64, {"note": "kept"}, "fp32")
            self.assertEqual(prune_main(["--model", src, "--data", data, "--out", out, "--width", "250",
                                         "--depth", "8", "--calib", "2", "--split",
                                         self.split(tmp, data), "--threads", "1"]), 0)
            head, tensors = read_model(out)
            self.assertEqual((head["width_milli"], head["depth"]), (250, 8))
            self.assertEqual(head["metadata"]["note"], "kept")
            self.assertEqual(head["metadata"]["pruned"]["depth"], 8)
            self.assertEqual(tensors["enc.pw13.weight"].shape, (256, 256, 1, 1))
            for bad in (["--width", "1000"], ["--depth", "32"], ["--width", "600"]):
                with self.assertRaises(SystemExit, msg=str(bad)):
                    prune_main(["--model", src, "--data", data, "--out", out, "--split", self.split(tmp, data)]
                               + bad)

    @staticmethod
    def split(tmp, data):
        import json
        from hairmatte_train.data import list_samples, make_split
        path = os.path.join(tmp, "split.json")
        with open(path, "w") as f:
            json.dump(make_split(list_samples(data)), f)
        return path


class DistillationTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)
        self.logits = torch.randn(2, 2, 16, 16)
        self.masks = (torch.rand(2, 16, 16) > 0.5).float()
        self.images = torch.rand(2, 3, 16, 16)

    def test_alpha_zero_is_the_plain_loss(self):
        teacher = torch.softmax(torch.randn(2, 2, 16, 16), 1)
        got = distilled_loss(self.logits, self.masks, self.images, 0.5, teacher, 0.0)
        want = hair_loss(self.logits, self.masks, self.images, 0.5)
        for g, w in zip(got, want):
            torch.testing.assert_close(g, w)

    def test_a_teacher_equal_to_the_mask_is_the_plain_loss(self):
        onehot = torch.stack([1 - self.masks, self.masks], 1)
        got = distilled_loss(self.logits, self.masks, self.images, 0.5, onehot, 0.7)[0]
        torch.testing.assert_close(got, hair_loss(self.logits, self.masks, self.images, 0.5)[0])

    def test_the_soft_term_is_the_cross_entropy_against_the_teacher(self):
        teacher = torch.softmax(torch.randn(2, 2, 16, 16), 1)
        got = distilled_loss(self.logits, self.masks, self.images, 0.0, teacher, 1.0)[0]
        p = torch.softmax(self.logits, 1)
        want = -(teacher[:, 0] * torch.log(p[:, 0]) + teacher[:, 1] * torch.log(p[:, 1])).mean()
        torch.testing.assert_close(got, want)

    def test_trains_a_pruned_student_from_its_teacher(self):
        with tempfile.TemporaryDirectory() as tmp:
            data, out = os.path.join(tmp, "d"), os.path.join(tmp, "out")
            teacher, student = os.path.join(tmp, "t.hmm"), os.path.join(tmp, "s.hmm")
            write_folder(data, 12)
            model = small_net(2)
            model.__init__("hairmattenet", 500, 16)
            write_model(teacher, model.eval(), 64, {}, "fp32")
            write_model(student, small_net(4), 64, {}, "fp32")  # width 250, depth 16
            args = ["--data", data, "--arch", "hairmattenet", "--out", out, "--size", "64", "--width", "250",
                    "--depth", "16", "--init", student, "--teacher", teacher, "--distill", "0.5",
                    "--optimiser-warmup", "1", "--steps-per-epoch", "2", "--batch", "2", "--epochs", "1",
                    "--cache-dir", os.path.join(tmp, "cache"), "--threads", "1", "--val-per-source", "2"]
            self.assertEqual(train_main(args), 0)
            with open(os.path.join(out, "train.log")) as f:
                self.assertIn("distilling from", f.read())
            self.assertTrue(os.path.exists(os.path.join(out, "hairmattenet.hmm")))
            for bad in (["--teacher", "/nonexistent.hmm"], ["--distill", "1.5"]):
                with self.assertRaises(SystemExit, msg=str(bad)):
                    train_main(args + bad)


if __name__ == "__main__":
    unittest.main()
