"""What the PyTorch references of tests/node/ share: torch and NumPy, or exit 3 (the node tests skip on
that exit code when torch is absent), and training/ on the import path (hairmatte_train).

  import torch_env  # first, before numpy/torch (exits 3 without them); torch_env.REPO is the repository
"""
import os
import sys

try:
    import numpy  # noqa: F401
    import torch  # noqa: F401
except ImportError as e:
    print(f"torch/numpy unavailable: {e}", file=sys.stderr)
    sys.exit(3)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "training"))
