#!/usr/bin/env bash
# `npm run bench`: the engine through its public API (segment() on 224x224, 1 and 2 threads, both
# architectures, random weights so no trained file is needed; network path only, then with the guided
# refinement), the cost of each stage beside the network on a 640x480 frame (benchmarks/pipeline, wasm in
# Node and native), then the peer comparison when present.
set -euo pipefail
cd "$(dirname "$0")/.."
# Every architecture and refinement (src/base/facts.h: kArchNames, kRefineModes, through the generated
# constants module), in the order the tables have always had: hairmattenet, hairsegnet; none, guided.
names() { node -e "import('./bindings/js/constants.mjs').then((c) => console.log(c.$1.slice().reverse().join(' ')))"; }
for arch in $(names ARCH_NAMES); do
  for refine in $(names REFINE_MODES); do
    node bin/hairmatte.mjs bench --random-weights --model "$arch" --size 224 --threads 1,2 --refine "$refine" "$@"
  done
done
bash benchmarks/pipeline/build-and-run.sh
if [ -f benchmarks/run.mjs ]; then node benchmarks/run.mjs "$@"; fi
