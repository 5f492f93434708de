#!/usr/bin/env bash
# Every test suite, in order of speed of feedback: native (ASan+UBSan, ctest), Python, Node.
# Expects dist/ to be built (scripts/build-wasm.sh) for the Node tests; the native code is built here,
# with sanitizers (the Release native build of `npm run build` is not needed by any test).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "[test] native tests under ASan+UBSan"
bash scripts/build-native.sh --sanitize
ctest --test-dir build/native-asan --output-on-failure -j2

# A fixed number of iterations (seed 1) of the model reader's libFuzzer target (clang-14, ASan+UBSan).
echo "[test] model reader libFuzzer target (tests/fuzz/native)"
bash tests/fuzz/native/run.sh

if [ -d training/tests ]; then
  echo "[test] python unit tests (training/tests)"
  # training/ on the path so the tests import hairmatte_train however their folder is laid out.
  PYTHONPATH="$PWD/training${PYTHONPATH:+:$PYTHONPATH}" /usr/bin/python3 -m unittest discover -s training/tests
else
  echo "[test] python unit tests: training/tests absent, skipped"
fi

# Node 20's runner: a folder argument runs the *.test.mjs files under it.
echo "[test] node tests: API, CLI, server (tests/node)"
node --test tests/node/
# The fuzz suite (seeded: JS API, demo server, CLI) and the soak test (the bundled model, RSS after gc());
# tests/bundlers: the packed package through Vite, webpack, Rollup and esbuild in Chromium (~40 s).
for suite in tests/fuzz tests/soak benchmarks evaluation tests/browser tests/bundlers; do
  if [ -d "$suite" ] && [ -n "$(find "$suite" -name '*.test.mjs' -print -quit)" ]; then
    echo "[test] node tests ($suite)"
    node --test "$suite/"
  fi
done
