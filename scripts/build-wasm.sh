#!/usr/bin/env bash
# Builds the wasm modules into dist/ from one source, with Debian's Emscripten 3.1.6:
#   dist/hairmatte-simd.{mjs,wasm}                       SIMD128, single thread (works without COOP/COEP)
#   dist/hairmatte-simd-threads.{mjs,wasm,worker.js}     SIMD128 + pthreads (-DHM_THREADS=ON)
#   dist/hairmatte-plain.{mjs,wasm}                      no SIMD128, single thread (-DHM_SIMD=OFF): the
#                                                        scalar reference kernels, for engines without SIMD
# Those are built for browsers (hm_wasm_web: `web,worker` only, no image codec), the glue naming its files
# with `new URL('./file', import.meta.url)` so that bundlers emit them; Node runs them too. dist/node/
# holds what only Node needs: the pthread build's glue and worker (hm_wasm: worker_threads) and the
# JPEG/PNG codec of the CLI (hm_codec: hairmatte-codec.{mjs,wasm}). The bundled models (models/*.hmm)
# are copied to dist/models/, where bindings/js/bundled-models.mjs names them.
# Fixes from ../shared/TOOLCHAIN.md: NODE_PATH for emcc's acorn, the CTest emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs
jobs="${HM_JOBS:-2}"  # the machine's cores are shared: never more than 2

# Header-only libraries on the include path (Eigen is the native tests' only, so none of its fixes are needed).
stub_dir=build/wasm-include
mkdir -p "$stub_dir"
rm -f "$stub_dir/mmintrin.h"  # (an Eigen stub of older builds)
# stb (libstb-dev) is header-only C on top of libc: expose only /usr/include/stb, never all of /usr/include.
ln -sfn /usr/include/stb "$stub_dir/stb"
# SIMDe, for the plain build only: there the one-variant per-pixel passes (src/image, src/matting) compile
# through its portable code (the kernels' __wasmsimd files are not compiled: CMakeLists.txt).
ln -sfn /usr/include/simde "$stub_dir/simde"
cxx_flags="-isystem $PWD/$stub_dir"

build_variant() {  # name threads(ON/OFF) simd(ON/OFF)
  local name=$1 threads=$2 simd=$3 dir=build/wasm-$1
  echo "[build-wasm] $name (HM_THREADS=$threads HM_SIMD=$simd) in $dir"
  nice -n 10 emcmake cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DHM_THREADS="$threads" -DHM_SIMD="$simd" \
    -DHM_WASM_NAME="hairmatte-$name" -DCMAKE_CXX_FLAGS="$cxx_flags" \
    -DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node >/dev/null
  # Every build for browsers (hm_wasm_web), which Node runs too; the pthread build's glue also for Node
  # (hm_wasm: worker_threads); the image codec (hm_codec) once, with the SIMD build.
  local targets=hm_wasm_web
  [ "$name" != simd-threads ] || targets="$targets hm_wasm"
  [ "$name" != simd ] || targets="$targets hm_codec"
  nice -n 10 cmake --build "$dir" -j"$jobs" --target $targets
  # Browsers: Emscripten writes new URL("file", import.meta.url); webpack reads a name without ./ as a
  # package, so make every such reference explicitly relative.
  local web="$dir/bindings/web"
  sed -E 's#new URL\("(hairmatte-[a-z-]+\.(wasm|worker\.js))",import\.meta\.url\)#new URL("./\1",import.meta.url)#g' \
    "$web/hairmatte-$name.mjs" > "dist/hairmatte-$name.mjs"
  grep -q "new URL(\"./hairmatte-$name.wasm\",import.meta.url)" "dist/hairmatte-$name.mjs" ||
    { echo "[build-wasm] dist/hairmatte-$name.mjs does not name its wasm by new URL (Emscripten changed?)" >&2; exit 1; }
  cp "$web/hairmatte-$name.wasm" dist/
  if [ -f "$web/hairmatte-$name.worker.js" ]; then
    cp "$web/hairmatte-$name.worker.js" dist/
  fi
  if [ "$name" = simd-threads ]; then
    # Node's glue (with the shim of scripts/wasm-node-prelude.js in front) and worker script; the wasm is
    # the browsers' (the environment changes only the JavaScript): checked, not copied.
    cmp -s "$dir/bindings/hairmatte-$name.wasm" "$web/hairmatte-$name.wasm" ||
      { echo "[build-wasm] Node's and the browsers' hairmatte-$name.wasm differ" >&2; exit 1; }
    cat scripts/wasm-node-prelude.js "$dir/bindings/hairmatte-$name.mjs" > "dist/node/hairmatte-$name.mjs"
    cp "$dir/bindings/hairmatte-$name.worker.js" dist/node/
  fi
  if [ "$name" = simd ]; then
    cp "$dir/bindings/codec/hairmatte-codec.mjs" "$dir/bindings/codec/hairmatte-codec.wasm" dist/node/
  fi
}

mkdir -p dist/node
# (Older builds put Node's CommonJS marker and Node's own wasm builds elsewhere.)
rm -f dist/package.json dist/node/hairmatte-simd.* dist/node/hairmatte-plain.* dist/node/hairmatte-simd-threads.wasm
# Node's pthread worker script is CommonJS (require, __filename); the package is "type": "module".
echo '{ "type": "commonjs" }' > dist/node/package.json
variants="${HM_WASM_VARIANTS:-simd simd-threads plain}"  # e.g. HM_WASM_VARIANTS=plain rebuilds only that one
for variant in $variants; do
  case "$variant" in
    simd) build_variant simd OFF ON ;;
    simd-threads) build_variant simd-threads ON ON ;;
    plain) build_variant plain OFF OFF ;;
    *) echo "[build-wasm] unknown variant '$variant' (simd, simd-threads, plain)" >&2; exit 2 ;;
  esac
done

mkdir -p dist/models
for model in models/*.hmm; do
  [ -e "$model" ] || continue
  cp "$model" dist/models/
  # The model card travels with the weights: it carries the training data's licence terms.
  card="${model%.hmm}.md"
  if [ -e "$card" ]; then cp "$card" dist/models/; fi
  echo "[build-wasm] bundled $(basename "$model")"
done
ls -l dist | sed 's/^/[build-wasm] /'
