"""Test helpers: the package on sys.path, and where ../shared is (tests needing it skip without it)."""
import os
import sys

TRAINING = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
REPO = os.path.dirname(TRAINING)
SHARED = os.path.join(REPO, "..", "shared")
HAIR_DATA = os.path.join(SHARED, "data", "hair")
WEIGHTS_075 = os.path.join(SHARED, "weights", "mobilenet_v1_0.75_224_imagenet")
WEIGHTS_100 = os.path.join(SHARED, "weights", "mobilenet_v1_1.0_224_imagenet")
if TRAINING not in sys.path:
    sys.path.insert(0, TRAINING)


def shared_missing(path: str) -> str:
    return f"needs {os.path.normpath(path)} (the shared data/weights folder beside the repo); absent here"
