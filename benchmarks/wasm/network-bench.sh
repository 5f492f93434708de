#!/usr/bin/env bash
# Builds the per-op network profile (network_bench.cc) with emcc, single thread, and runs it in Node.
#   benchmarks/wasm/network-bench.sh [--arch hairsegnet] [--size 224] [--runs 30] [--model FILE.hmm]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/build/wasm-bench"
mkdir -p "$out"
export NODE_PATH=/usr/share/nodejs  # emcc's JS optimiser needs acorn (TOOLCHAIN.md)
sources=$(ls "$root"/src/{kernels,network,runtime,matting,image,pipeline}/*.cc)
nice -n 10 emcc -O3 -msimd128 -fno-exceptions -std=c++17 -Wall -Wextra \
  -I"$root/src" -I"$root/benchmarks/native" $sources \
  "$root/benchmarks/wasm/network_bench.cc" \
  -sALLOW_MEMORY_GROWTH -sINITIAL_MEMORY=64MB -sENVIRONMENT=node -sSINGLE_FILE -sNODERAWFS \
  -o "$out/network_bench.cjs"
# --no-liftoff: TurboFan from the start (see build-and-run.sh).
node --no-liftoff "$out/network_bench.cjs" "$@"
