#!/usr/bin/env bash
# Native build of the core, tools and tests with g++ (Release, or ASan+UBSan with --sanitize).
#   scripts/build-native.sh              -> build/native
#   scripts/build-native.sh --sanitize   -> build/native-asan (what `npm test` runs ctest in)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build/native
flags=(-DCMAKE_BUILD_TYPE=Release)
if [ "${1:-}" = --sanitize ]; then
  dir=build/native-asan
  flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DHM_SANITIZE=ON)
fi
jobs="${HM_JOBS:-2}"  # the machine's cores are shared: never more than 2
echo "[build-native] $dir"
nice -n 10 cmake -S . -B "$dir" "${flags[@]}" >/dev/null
nice -n 10 cmake --build "$dir" -j"$jobs"
