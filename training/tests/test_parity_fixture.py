import json
import os
import unittest

import numpy as np

import _paths
import make_parity_fixture as fixture


class ParityFixtureTest(unittest.TestCase):
    """The committed engine-parity fixtures must be what PyTorch computes today."""

    def test_fixtures_match_pytorch(self):
        for arch in ("hairmattenet", "hairsegnet"):
            blob, rgb, prob = fixture.build(arch)
            base = os.path.join(_paths.TRAINING, "fixtures", f"parity_{arch}")
            with open(base + ".hmm", "rb") as f:
                self.assertEqual(f.read(), blob, f"{base}.hmm is stale: rerun training/make_parity_fixture.py")
            with open(base + ".json") as f:
                saved = json.load(f)
            np.testing.assert_array_equal(np.array(saved["rgb"], np.uint8), rgb.reshape(-1))
            np.testing.assert_allclose(np.array(saved["probability"]), prob.reshape(-1), atol=1e-6)
            self.assertGreater(prob.max() - prob.min(), 0.5, "probabilities should span a useful range")


if __name__ == "__main__":
    unittest.main()
