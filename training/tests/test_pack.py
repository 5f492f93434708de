"""pack_data.py: a data folder as a compact pack that the trainer reads like the original."""
import csv
import json
import os
import tempfile
import unittest

import numpy as np
from PIL import Image

import _paths  # noqa: F401
from pack_data import main as pack_main
from test_data import write_folder
from hairmatte_train.data import list_samples, load_or_create_split, preload
from hairmatte_train.trainer import main as train_main


def write_manifest_set(root):
    """The shared set's layout: manifest.csv + <source>/images/<id>.jpg + <source>/masks/<id>.png, photos of
    different sizes and aspect ratios, masks with soft (anti-aliased) values."""
    rng = np.random.default_rng(1)
    rows = []
    for source, n, (w, h) in (("alpha", 5, (120, 90)), ("beta", 4, (70, 100))):
        os.makedirs(os.path.join(root, source, "images"))
        os.makedirs(os.path.join(root, source, "masks"))
        for i in range(n):
            yy, xx = np.mgrid[0:h, 0:w]
            img = np.stack([xx * 2 % 256, yy * 2 % 256, (xx + yy + 40 * i) % 256], -1).astype(np.uint8)
            img = np.clip(img + rng.integers(0, 30, img.shape), 0, 255).astype(np.uint8)
            mask = np.clip((60 - np.hypot(xx - w / 2, yy - h / 3)) * 40, 0, 255).astype(np.uint8)
            sid = f"{source[0]}{i:02d}"
            Image.fromarray(img).save(os.path.join(root, source, "images", sid + ".jpg"), quality=95)
            Image.fromarray(mask).save(os.path.join(root, source, "masks", sid + ".png"))
            rows.append({"source": source, "id": sid, "width": w, "height": h, "note": f"n{i % 2}"})
    with open(os.path.join(root, "manifest.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["source", "id", "width", "height", "note"])
        writer.writeheader()
        writer.writerows(rows)


class PackTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = os.path.join(self.tmp.name, "set")
        write_manifest_set(self.root)

    def tearDown(self):
        self.tmp.cleanup()

    def test_pack_lists_and_preloads_like_the_original(self):
        pack = os.path.join(self.tmp.name, "pack")
        self.assertEqual(pack_main([self.root, pack, "--size", "64", "--quality", "90"]), 0)
        before, after = list_samples(self.root), list_samples(pack)
        self.assertEqual([(s.source, s.id, s.note) for s in after], [(s.source, s.id, s.note) for s in before])
        self.assertTrue(all(s.image_path.endswith(".webp") and s.mask_path.endswith(".webp") for s in after))
        with Image.open(after[0].image_path) as im:
            self.assertEqual((im.format, im.size), ("WEBP", (64, 64)))
        with open(os.path.join(pack, "pack.json")) as f:
            info = json.load(f)
        self.assertEqual((info["count"], info["size"], info["layout"]), (9, 64, "manifest"))
        # The trainer's preload of the pack: the masks are the original's preload thresholded at 128 (where
        # training thresholds them), exactly; the photos differ only by the WebP coding.
        img_a, mask_a = preload(before, 64)
        img_b, mask_b = preload(after, 64)
        np.testing.assert_array_equal(mask_b, np.where(mask_a >= 128, 255, 0))
        self.assertGreater(int((mask_a % 255 != 0).sum()), 0)  # the original's preload had soft edges
        err = np.abs(img_a.astype(int) - img_b.astype(int))
        self.assertLess(err.mean(), 3.0)
        self.assertGreater(err.mean(), 0.0)  # really re-coded, not a copy
        # the same split file applies to both
        split = load_or_create_split(before, os.path.join(self.tmp.name, "split.json"), 0.25)
        self.assertEqual(load_or_create_split(after, os.path.join(self.tmp.name, "split.json")), split)

    def test_trainer_reads_a_pack(self):
        pack = os.path.join(self.tmp.name, "mine")
        folder = os.path.join(self.tmp.name, "orig", "mine")
        write_folder(folder, 8)
        self.assertEqual(pack_main([folder, pack, "--size", "64"]), 0)
        self.assertEqual(sorted(os.listdir(pack)), ["images", "masks", "pack.json"])
        out = os.path.join(self.tmp.name, "out")
        self.assertEqual(train_main(["--data", pack, "--arch", "hairsegnet", "--out", out, "--size", "64",
                                     "--width", "250", "--depth", "16", "--weights", "none", "--batch", "2",
                                     "--epochs", "1", "--steps-per-epoch", "1", "--threads", "1",
                                     "--cache-dir", os.path.join(self.tmp.name, "cache")]), 0)
        self.assertTrue(os.path.exists(os.path.join(out, "hairsegnet.hmm")))

    def test_bad_arguments_are_clear_errors(self):
        pack = os.path.join(self.tmp.name, "pack")
        os.makedirs(pack)
        for argv in ([self.root, pack], [self.root, pack + "2", "--quality", "0"],
                     [self.root, pack + "3", "--size", "100"], [os.path.join(self.tmp.name, "nope"), pack + "4"]):
            with self.subTest(argv=argv[1:]), self.assertRaises(SystemExit) as e:
                pack_main(argv)
            self.assertEqual(e.exception.code, 2)
        self.assertFalse(os.path.exists(pack + "2") or os.path.exists(pack + "3") or os.path.exists(pack + "4"))


if __name__ == "__main__":
    unittest.main()
