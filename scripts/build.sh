#!/usr/bin/env bash
# `npm run build`: the native build (tools, benchmarks; build/native) and the wasm modules (dist/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-native.sh
bash scripts/build-wasm.sh
