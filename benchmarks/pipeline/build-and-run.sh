#!/usr/bin/env bash
# Builds the per-stage pipeline benchmark (stages_bench.cc) natively and with emcc, and runs both:
# a table per build of the cost of each stage beside the network on a 640x480 frame.
#   benchmarks/pipeline/build-and-run.sh [--native-only | --wasm-only] [--rounds 60] [--warmup 5]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/build/pipeline-bench"
mkdir -p "$out"
which=both
if [ "${1:-}" = --native-only ]; then which=native; shift; fi
if [ "${1:-}" = --wasm-only ]; then which=wasm; shift; fi
sources=("$root"/src/matting/*.cc "$root"/src/image/*.cc "$root"/src/color/*.cc "$root/benchmarks/pipeline/stages_bench.cc")
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$which" != wasm ]; then
  # The flags of the native Release build (CMakeLists.txt): -O3, x86-64-v2, SIMDe for the SIMD128 code.
  nice -n 5 g++ -O3 -DNDEBUG -march=x86-64-v2 -std=c++17 -Wall -Wextra -I"$root/src" "${sources[@]}" \
    -o "$out/stages_bench"
  "$out/stages_bench" "$@"
  echo
fi
if [ "$which" != native ]; then
  export NODE_PATH=/usr/share/nodejs  # emcc's JS optimiser needs acorn (TOOLCHAIN.md)
  # The flags of the shipped wasm (CMakeLists.txt): -O3 -msimd128 -fno-exceptions.
  nice -n 5 emcc -O3 -DNDEBUG -msimd128 -fno-exceptions -std=c++17 -Wall -Wextra -I"$root/src" "${sources[@]}" \
    -sALLOW_MEMORY_GROWTH -sENVIRONMENT=node -sSINGLE_FILE -o "$out/stages_bench.cjs"
  # --no-liftoff: straight to TurboFan, the tier a running page reaches after its first frames.
  node --no-liftoff "$out/stages_bench.cjs" "$@"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
