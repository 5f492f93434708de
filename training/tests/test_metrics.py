import math
import unittest

import numpy as np

import _paths  # noqa: F401
from hairmatte_train.metrics import image_metrics, mean_metrics


class MetricsTest(unittest.TestCase):
    def test_counts_by_hand(self):
        # 2x4 image: TP = 3, FP = 1, FN = 2, TN = 2
        mask = np.array([[1, 1, 1, 1], [1, 0, 0, 0]], bool)
        prob = np.array([[0.9, 0.6, 0.5, 0.2], [0.1, 0.7, 0.3, 0.0]])
        m = image_metrics(prob, mask)
        self.assertAlmostEqual(m["f1"], 6 / 9)
        self.assertAlmostEqual(m["performance"], (3 - 1) / 5)
        self.assertAlmostEqual(m["iou"], 3 / 6)
        self.assertAlmostEqual(m["accuracy"], 5 / 8)

    def test_threshold_is_inclusive_at_one_half(self):
        m = image_metrics(np.array([[0.5]]), np.array([[True]]))
        self.assertEqual(m["iou"], 1.0)

    def test_no_hair_anywhere(self):
        m = image_metrics(np.zeros((3, 3)), np.zeros((3, 3), bool))
        self.assertEqual((m["f1"], m["iou"], m["accuracy"]), (1.0, 1.0, 1.0))
        self.assertTrue(math.isnan(m["performance"]))

    def test_shape_mismatch_is_an_error(self):
        with self.assertRaises(ValueError):
            image_metrics(np.zeros((2, 3)), np.zeros((3, 2), bool))

    def test_means_skip_nan(self):
        rows = [{"iou": 1.0, "performance": math.nan}, {"iou": 0.5, "performance": 0.25}]
        m = mean_metrics(rows)
        self.assertEqual(m["count"], 2)
        self.assertAlmostEqual(m["iou"], 0.75)
        self.assertAlmostEqual(m["performance"], 0.25)


if __name__ == "__main__":
    unittest.main()
