import os
import tempfile
import unittest

import torch

import _paths  # noqa: F401
from export import main as export_main
from test_data import write_folder
from hairmatte_train.checkpoint import load_checkpoint
from hairmatte_train.augment import normalise, resize_batch
from hairmatte_train.losses import hair_loss
from hairmatte_train.model_file import model_from_tensors, read_model
from hairmatte_train.models import HairNet
from hairmatte_train.trainer import main, param_groups


class RecipeTest(unittest.TestCase):
    def test_l2_only_on_full_convolution_weights(self):
        model = HairNet("hairmattenet", 250, 16)
        names = {id(p): n for n, p in model.named_parameters()}
        decay, no_decay = param_groups(model, 2e-5)
        decayed = sorted(names[id(p)] for p in decay["params"])
        self.assertEqual(decay["weight_decay"], 2e-5)
        self.assertEqual(no_decay["weight_decay"], 0.0)
        self.assertIn("enc.conv0.conv.weight", decayed)
        self.assertIn("enc.pw13.conv.weight", decayed)
        self.assertIn("dec1.skip.weight", decayed)
        self.assertIn("dec5.pw.weight", decayed)
        for n in decayed:
            self.assertFalse(".dw" in n or n.startswith("head") or n.endswith("bias") or ".bn." in n, n)
        self.assertEqual(len(decayed), 1 + 13 + 4 + 5)

    def test_two_adadelta_steps_lower_the_loss(self):
        torch.manual_seed(0)
        model = HairNet("hairmattenet", 250, 16).train()
        opt = torch.optim.Adadelta(param_groups(model, 2e-5), lr=1.0, rho=0.95, eps=1e-7)
        images = torch.rand(4, 3, 64, 64) * 60
        masks = torch.zeros(4, 64, 64)
        masks[:, :, :24] = 1
        images[:, :, :, :24] += 150
        losses = []
        for _ in range(3):
            loss, _, _ = hair_loss(model(normalise(images)), masks, images, 0.5)
            losses.append(float(loss))
            opt.zero_grad()
            loss.backward()
            opt.step()
        self.assertLess(losses[2], losses[0])


class TrainCommandTest(unittest.TestCase):
    def test_trains_resumes_and_exports_on_a_folder(self):
        with tempfile.TemporaryDirectory() as tmp:
            data, out = os.path.join(tmp, "mine"), os.path.join(tmp, "out")
            write_folder(data, 12)
            common = ["--data", data, "--arch", "hairsegnet", "--out", out, "--size", "64", "--width", "250",
                      "--depth", "16", "--weights", "none", "--steps-per-epoch", "2", "--batch", "2",
                      "--cache-dir", os.path.join(tmp, "cache"), "--threads", "1"]
            self.assertEqual(main(common + ["--epochs", "1"]), 0)
            header, _ = read_model(os.path.join(out, "hairsegnet.hmm"))
            self.assertEqual((header["arch"], header["input_size"], header["depth"]), ("hairsegnet", 64, 16))
            self.assertTrue(os.path.exists(os.path.join(out, "split.json")))
            ck = load_checkpoint(os.path.join(out, "checkpoint.pt"))
            self.assertEqual((ck["state"]["epoch"], ck["state"]["global_step"]), (1, 2))
            self.assertEqual(main(common + ["--epochs", "2"]), 0)  # resumes: one more epoch only
            ck = load_checkpoint(os.path.join(out, "checkpoint.pt"))
            self.assertEqual((ck["state"]["epoch"], ck["state"]["global_step"]), (2, 4))
            with open(os.path.join(out, "train.log")) as f:
                log = f.read()
            self.assertIn("resumed from", log)
            self.assertIn("val mean IoU", log)
            self.check_export_of_an_epoch(out)

    def check_export_of_an_epoch(self, out):
        # export.py on the last checkpoint: the weights are the checkpoint's, the metadata names its epoch
        # and that epoch's validation value from the history
        ck = load_checkpoint(os.path.join(out, "checkpoint.pt"))
        picked = os.path.join(out, "picked.hmm")
        export_main([os.path.join(out, "checkpoint.pt"), picked, "--dtype", "fp32", "--selected-by", "a test"])
        header, tensors = read_model(picked)
        meta = header["metadata"]
        self.assertEqual((meta["best_epoch"], meta["global_step"], meta["selected_by"]), (2, 4, "a test"))
        self.assertEqual(meta["best_val_mean_iou"], ck["state"]["history"][-1]["val"]["mean_iou"])
        self.assertEqual(meta["recipe"]["epochs"], 2)
        model = HairNet("hairsegnet", 250, 16)
        model.load_state_dict(ck["model"])
        x = torch.rand(1, 3, 64, 64) * 2 - 1
        with torch.no_grad():
            torch.testing.assert_close(model_from_tensors(header, tensors)(x), model.eval()(x),
                                       atol=1e-4, rtol=1e-4)
        with self.assertRaises(SystemExit):  # not a checkpoint
            export_main([picked, os.path.join(out, "bad.hmm")])

    def test_bad_size_is_rejected(self):
        with self.assertRaises(SystemExit):
            main(["--data", "x", "--arch", "hairmattenet", "--out", "y", "--size", "100"])


if __name__ == "__main__":
    unittest.main()
