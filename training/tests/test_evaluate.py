import json
import os
import tempfile
import unittest

import numpy as np
import torch

import _paths
import evaluate
from test_data import write_folder, write_folder_with_split
from test_model_file import randomised
from hairmatte_train.data import list_samples
from hairmatte_train.model_file import write_model


class EvaluateTest(unittest.TestCase):
    def test_reports_every_metric_per_source_as_json(self):
        with tempfile.TemporaryDirectory() as tmp:
            data, split = write_folder_with_split(tmp, 10, 0.3)
            model = os.path.join(tmp, "m.hmm")
            write_model(model, randomised("hairsegnet"), 64, {}, "fp32")
            out = os.path.join(tmp, "eval.json")
            self.assertEqual(evaluate.main(["--model", model, "--data", data, "--split", split, "--json", out,
                                            "--threads", "1"]), 0)
            with open(out) as f:
                report = json.load(f)
            g = report["groups"]["mine"]
            self.assertEqual(g["count"], 3)
            for key in ("f1", "performance", "iou", "accuracy", "grad_consistency"):
                self.assertIn(key, g)
            self.assertTrue(0.0 <= g["accuracy"] <= 1.0)
            self.assertEqual(report["input_size"], 64)

    def test_perfect_prediction_scores_one(self):
        # a "model" whose hair probability is the mask itself gives IoU = F1 = Performance = Accuracy = 1
        with tempfile.TemporaryDirectory() as tmp:
            data = os.path.join(tmp, "mine")
            write_folder(data, 2, size=(64, 64))
            samples = list_samples(data)

            class Oracle(torch.nn.Module):
                arch = "oracle"

                def forward(self, x):  # x: normalised image; hair is where it is bright
                    z = 10 * (2 * (x.mean(1, keepdim=True) > -0.1).float() - 1)
                    return torch.cat([-z, z], 1)

            res = evaluate.evaluate(Oracle(), samples, 64)["mine"]
            for key in ("f1", "performance", "iou", "accuracy"):
                self.assertAlmostEqual(res[key], 1.0, places=6, msg=key)


if __name__ == "__main__":
    unittest.main()
