#!/usr/bin/env bash
# Builds the int8-vs-fp32 wasm SIMD128 kernel benchmark (qs8_kernels_bench.cc) with emcc and runs it in Node.
#   benchmarks/wasm/qs8-build-and-run.sh [layer-name-filter]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/build/wasm-bench"
mkdir -p "$out"
export NODE_PATH=/usr/share/nodejs  # emcc's JS optimiser needs acorn (TOOLCHAIN.md)
nice -n 10 emcc -O3 -msimd128 -fno-exceptions -std=c++17 -Wall -Wextra \
  -I"$root/src" "$root"/src/kernels/*.cc "$root/benchmarks/wasm/qs8_kernels_bench.cc" \
  -sALLOW_MEMORY_GROWTH -sINITIAL_MEMORY=64MB -sENVIRONMENT=node -sSINGLE_FILE \
  -o "$out/qs8_kernels_bench.cjs"
# --no-liftoff: everything in TurboFan from the start (see build-and-run.sh).
node --no-liftoff "$out/qs8_kernels_bench.cjs" "$@"
