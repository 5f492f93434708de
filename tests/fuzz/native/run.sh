#!/usr/bin/env bash
# Builds the model-reader libFuzzer target with Debian's clang-14 (-fsanitize=fuzzer,address,undefined;
# the fuzzer runtime is in libclang-rt-14-dev) and runs it for a fixed number of iterations with a fixed
# seed, from seed files (small HairSegNet/HairMatteNet models, float32 and float16) written by the
# benchmarks' JS model writer, and int8 ones (plain and codebook-packed) by tests/fuzz/native/int8_seeds.py.
# Exit 0 when no input crashed it. Usage:
#   bash tests/fuzz/native/run.sh [RUNS]   (default 5000, ~90 s on 2 busy cores; HM_FUZZ_RUNS overrides)
set -euo pipefail
cd "$(dirname "$0")/../../.."
runs="${1:-${HM_FUZZ_RUNS:-5000}}"
out=build/fuzz
# corpus/ is emptied first: every run starts from the same seeds, so a run is reproducible.
rm -rf "$out/corpus"
mkdir -p "$out/objects" "$out/seeds" "$out/corpus"

cxx=clang++-14
if ! command -v "$cxx" >/dev/null; then
  echo "[fuzz-native] $cxx is missing: apt-get install clang-14 libclang-rt-14-dev (scripts/setup.sh)" >&2
  exit 1
fi
simde=$(dirname "$(dirname "$(find /usr/include -path '*simde/wasm/simd128.h' -print -quit)")")
flags=(-std=c++17 -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
       -Isrc "-I$(dirname "$simde")")
# The reader and what a loaded model reaches: src/network, src/runtime, src/kernels (compiled once each,
# in parallel two at a time, and only when the source is newer than its object).
objects=()
stale=()
for source in src/network/*.cc src/runtime/*.cc src/kernels/*.cc; do
  object="$out/objects/$(echo "${source%.cc}" | tr / _).o"
  objects+=("$object")
  if [ ! -f "$object" ] || [ "$source" -nt "$object" ] || [ -n "$(find src -name '*.h' -newer "$object" -print -quit)" ]; then
    stale+=("$source" "$object")
  fi
done
if [ "${#stale[@]}" -gt 0 ]; then
  printf '%s\n' "${stale[@]}" | xargs -r -P 2 -n 2 sh -c 'nice '"$cxx"' '"${flags[*]}"' -c "$0" -o "$1"'
fi
nice "$cxx" "${flags[@]}" -fsanitize=fuzzer tests/fuzz/native/model_reader_fuzzer.cc "${objects[@]}" \
  -lpthread -o "$out/model_reader_fuzzer"

# Seeds: a flag byte (1 = rewrite the CRC) + a valid small model file.
node --input-type=module -e "
  import fs from 'node:fs';
  const { randomModelFile } = await import('./benchmarks/peers/random-weights.mjs');
  const { archFromName } = await import('./benchmarks/peers/architecture.mjs');
  const { readModelFile, writeModelFile } = await import('./benchmarks/peers/model-file.mjs');
  for (const arch of ['hairsegnet', 'hairmattenet']) {
    const bytes = randomModelFile({ arch: archFromName(arch), decoderDepth: 1, widthPermille: 250, inputSize: 32 }, 3);
    const half = writeModelFile(readModelFile(bytes), { f16: true });
    for (const [name, file] of [[arch + '-f32', bytes], [arch + '-f16', half]]) {
      fs.writeFileSync('$out/seeds/' + name, Buffer.concat([Buffer.from([1]), Buffer.from(file)]));
    }
  }"
# Quantised seeds (version 2, and version 3 with codebook-packed weights) from the training package's writer.
int8_status=0
/usr/bin/python3 tests/fuzz/native/int8_seeds.py "$out/seeds" || int8_status=$?
if [ "$int8_status" -eq 3 ]; then echo "[fuzz-native] no numpy/torch: float seeds only"; elif [ "$int8_status" -ne 0 ]; then exit 1; fi
max_len=$(( $(stat -c %s "$out"/seeds/* | sort -n | tail -1) + 64 ))
echo "[fuzz-native] $runs runs of model_reader_fuzzer (seed 1, inputs up to $max_len bytes)"
start=$(date +%s)
# Leaks are reported too (ASan's leak check is on by default).
status=0
"$out/model_reader_fuzzer" -runs="$runs" -seed=1 -max_len="$max_len" -timeout=20 -rss_limit_mb=2048 \
  -artifact_prefix="$out/" -print_final_stats=1 "$out/corpus" "$out/seeds" > "$out/last-run.log" 2>&1 || status=$?
grep -E '^#[0-9]+ +DONE|^Done|stat::number_of_executed_units|ERROR|SUMMARY|artifact|deadly' "$out/last-run.log" || true
if [ "$status" -ne 0 ]; then tail -40 "$out/last-run.log"; fi
echo "[fuzz-native] exit $status after $(( $(date +%s) - start )) s"
exit "$status"
