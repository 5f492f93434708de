import json
import os
import tempfile
import unittest

import numpy as np
import torch
from PIL import Image

import _paths
from hairmatte_train.augment import PRESETS, AugmentConfig, augment_batch, resize_batch
from hairmatte_train.data import list_samples, load_or_create_split, make_split, preload, select


def write_folder(root, n, size=(40, 30)):
    """A synthetic images/ + masks/ folder: hair = the bright left part of each image."""
    os.makedirs(os.path.join(root, "images"))
    os.makedirs(os.path.join(root, "masks"))
    rng = np.random.default_rng(0)
    for i in range(n):
        img = rng.integers(0, 80, (size[1], size[0], 3), dtype=np.uint8)
        mask = np.zeros((size[1], size[0]), np.uint8)
        mask[:, : 10 + i % 10] = 255
        img[mask > 0] += 150
        Image.fromarray(img).save(os.path.join(root, "images", f"img{i:03d}.jpg"), quality=95)
        Image.fromarray(mask).save(os.path.join(root, "masks", f"img{i:03d}.png"))



def write_folder_with_split(tmp, n, val_fraction):
    """write_folder(tmp/mine, n) and a split file for it (seed 1): (data folder, split path)."""
    data = os.path.join(tmp, "mine")
    write_folder(data, n)
    split = os.path.join(tmp, "split.json")
    with open(split, "w") as f:
        json.dump(make_split(list_samples(data), val_fraction, seed=1), f)
    return data, split

class FolderDataTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = os.path.join(self.tmp.name, "mine")
        write_folder(self.root, 20)

    def tearDown(self):
        self.tmp.cleanup()

    def test_lists_pairs_sorted_with_folder_as_source(self):
        s = list_samples(self.root)
        self.assertEqual(len(s), 20)
        self.assertEqual({x.source for x in s}, {"mine"})
        self.assertEqual([x.id for x in s], sorted(x.id for x in s))

    def test_missing_mask_is_a_clear_error(self):
        os.remove(os.path.join(self.root, "masks", "img003.png"))
        with self.assertRaisesRegex(FileNotFoundError, "img003"):
            list_samples(self.root)

    def test_missing_folder_is_a_clear_error(self):
        with self.assertRaisesRegex(FileNotFoundError, "does not exist"):
            list_samples(os.path.join(self.tmp.name, "nope"))

    def test_split_is_deterministic_disjoint_and_sized(self):
        s = list_samples(self.root)
        a, b = make_split(s, 0.15, seed=7), make_split(s, 0.15, seed=7)
        self.assertEqual(a, b)
        part = a["sources"]["mine"]
        self.assertEqual(len(part["val"]), 3)  # round(0.15 * 20)
        self.assertFalse(set(part["val"]) & set(part["train"]))
        self.assertEqual(sorted(part["val"] + part["train"]), [x.id for x in s])
        self.assertNotEqual(make_split(s, 0.15, seed=8)["sources"]["mine"]["val"], part["val"])

    def test_split_file_is_written_then_reused(self):
        s = list_samples(self.root)
        path = os.path.join(self.tmp.name, "split.json")
        first = load_or_create_split(s, path, 0.2, seed=3)
        with open(path) as f:
            self.assertEqual(json.load(f), first)
        self.assertEqual(load_or_create_split(s, path, 0.5, seed=99), first)  # the file wins
        self.assertEqual(len(select(s, first, "val")), 4)
        self.assertEqual(len(select(s, first, "train")), 16)

    def test_preload_stretches_and_keeps_labels(self):
        s = list_samples(self.root)[:3]
        cache = os.path.join(self.tmp.name, "cache.npz")
        images, masks = preload(s, 32, cache)
        self.assertEqual(images.shape, (3, 3, 32, 32))
        self.assertEqual(masks.shape, (3, 32, 32))
        # img000's hair covers the left 10 of 40 columns -> the left 8 of 32 after stretching
        self.assertTrue((masks[0][:, :7] >= 128).all() and (masks[0][:, 9:] < 128).all())
        again = preload(s, 32, cache)  # from the cache
        np.testing.assert_array_equal(again[0], images)


    def test_processes_writing_one_cache_at_once_all_succeed(self):
        # runs started side by side (no --preload-only pass first) each write the same cache file: with
        # one shared temporary name the loser's os.replace raised FileNotFoundError (GPU run, 2026-12-04)
        import multiprocessing
        s = list_samples(self.root)
        cache = os.path.join(self.tmp.name, "shared-cache.npz")
        ctx = multiprocessing.get_context("fork")
        procs = [ctx.Process(target=preload, args=(s, 256, cache)) for _ in range(8)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        self.assertEqual([p.exitcode for p in procs], [0] * 8)
        self.assertEqual(preload(s, 256, cache)[0].shape, (20, 3, 256, 256))
        self.assertEqual([f for f in os.listdir(self.tmp.name) if "tmp" in f], [])

class AugmentTest(unittest.TestCase):
    def batch(self):
        torch.manual_seed(0)
        img = (torch.rand(3, 3, 32, 32) * 255).to(torch.uint8)
        mask = ((torch.arange(32)[None, None, :] < 12).expand(3, 32, 32) * 255).to(torch.uint8)
        return img, mask

    def test_identity_config_is_a_plain_resize(self):
        img, mask = self.batch()
        cfg = AugmentConfig(flip=0.0, scale=(1.0, 1.0), rotate_deg=0.0, translate=0.0,
                            brightness=0.0, contrast=0.0, saturation=0.0)
        a_img, a_mask = augment_batch(img, mask, 32, torch.Generator().manual_seed(1), cfg)
        r_img, r_mask = resize_batch(img, mask, 32)
        torch.testing.assert_close(a_img, r_img, atol=1e-3, rtol=0)
        torch.testing.assert_close(a_mask, r_mask)

    def test_flip_only_mirrors_image_and_mask_together(self):
        img, mask = self.batch()
        cfg = AugmentConfig(flip=1.0, scale=(1.0, 1.0), rotate_deg=0.0, translate=0.0,
                            brightness=0.0, contrast=0.0, saturation=0.0)
        a_img, a_mask = augment_batch(img, mask, 32, torch.Generator().manual_seed(1), cfg)
        torch.testing.assert_close(a_img, img.float().flip(-1), atol=1e-3, rtol=0)
        torch.testing.assert_close(a_mask, (mask.float() / 255).flip(-1))

    def test_geometry_moves_mask_with_image(self):
        # image red channel == mask: after any warp (colour jitter off) the mask still marks red pixels
        mask = torch.zeros(4, 64, 64, dtype=torch.uint8)
        mask[:, 10:40, 5:30] = 255
        img = torch.zeros(4, 3, 64, 64, dtype=torch.uint8)
        img[:, 0] = mask
        cfg = AugmentConfig(brightness=0.0, contrast=0.0, saturation=0.0)
        a_img, a_mask = augment_batch(img, mask, 64, torch.Generator().manual_seed(5), cfg)
        agree = ((a_img[:, 0] >= 127.5).float() == a_mask).float().mean()
        self.assertGreater(float(agree), 0.99)
        self.assertFalse(torch.equal(a_mask, mask.float() / 255))  # it did move

    def test_same_generator_seed_same_batch(self):
        img, mask = self.batch()
        a = augment_batch(img, mask, 32, torch.Generator().manual_seed(3))
        b = augment_batch(img, mask, 32, torch.Generator().manual_seed(3))
        torch.testing.assert_close(a[0], b[0])

    def test_flip_preset_is_the_resized_batch_or_its_mirror(self):
        img, mask = self.batch()
        a_img, a_mask = augment_batch(img, mask, 32, torch.Generator().manual_seed(2), PRESETS["flip"])
        r_img, r_mask = resize_batch(img, mask, 32)
        mirrored = 0
        for k in range(img.shape[0]):
            same = torch.allclose(a_img[k], r_img[k], atol=1e-3, rtol=0)
            flipped = torch.allclose(a_img[k], r_img[k].flip(-1), atol=1e-3, rtol=0)
            self.assertTrue(same or flipped, k)
            torch.testing.assert_close(a_mask[k], r_mask[k].flip(-1) if flipped and not same else r_mask[k])
            mirrored += int(flipped and not same)
        self.assertTrue(0 < mirrored < img.shape[0])  # the flip is random, not always or never

    def test_light_preset_lies_within_full(self):
        light, full = PRESETS["light"], PRESETS["full"]
        self.assertEqual(PRESETS["full"], AugmentConfig())
        self.assertEqual(light.flip, full.flip)
        self.assertTrue(full.scale[0] < light.scale[0] <= 1.0 <= light.scale[1] < full.scale[1])
        for field in ("rotate_deg", "translate", "brightness", "contrast", "saturation"):
            self.assertTrue(0 < getattr(light, field) < getattr(full, field), field)


@unittest.skipUnless(os.path.exists(os.path.join(_paths.HAIR_DATA, "manifest.csv")),
                     _paths.shared_missing(_paths.HAIR_DATA))
class SharedHairDataTest(unittest.TestCase):
    def test_committed_split_covers_the_shared_set(self):
        samples = list_samples(_paths.HAIR_DATA)
        with open(os.path.join(_paths.TRAINING, "splits", "hair_split.json")) as f:
            split = json.load(f)
        self.assertEqual(sorted(split["sources"]), ["celebamask", "figaro1k", "lfw-parts"])
        self.assertEqual(split, make_split(samples, split["val_fraction"], split["seed"]))
        for src, part in split["sources"].items():
            frac = len(part["val"]) / (len(part["val"]) + len(part["train"]))
            self.assertTrue(0.10 <= frac <= 0.15, (src, frac))


if __name__ == "__main__":
    unittest.main()
