#!/usr/bin/env bash
# Builds the wasm SIMD128 kernel benchmark with emcc and runs it in Node.
#   benchmarks/wasm/build-and-run.sh [--scalar] [layer-name-filter]
#   benchmarks/wasm/build-and-run.sh --qs8 [--width 750] [layer-name-filter]   int8 (QS8) kernels beside fp32 (qs8_kernels_bench.cc)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/build/wasm-bench"
mkdir -p "$out"
bench=kernels_bench
if [ "${1:-}" = --qs8 ]; then
  bench=qs8_kernels_bench
  shift
fi
export NODE_PATH=/usr/share/nodejs  # emcc's JS optimiser needs acorn (TOOLCHAIN.md)
nice -n 10 emcc -O3 -msimd128 -fno-exceptions -std=c++17 -Wall -Wextra \
  -I"$root/src" "$root"/src/kernels/*.cc "$root/benchmarks/wasm/$bench.cc" \
  -sALLOW_MEMORY_GROWTH -sINITIAL_MEMORY=64MB -sENVIRONMENT=node -sSINGLE_FILE \
  -o "$out/$bench.cjs"
# SINGLE_FILE embeds the wasm: Emscripten 3.1.6 would otherwise try Node 20's fetch on a path.
# --no-liftoff: compile everything with TurboFan up front. V8 has no on-stack replacement for wasm, so a
# long loop that starts in the baseline (Liftoff) tier would stay there; a real app reaches TurboFan
# after its first frames, and that steady state is what this measures.
node --no-liftoff "$out/$bench.cjs" "$@"
