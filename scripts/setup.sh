#!/usr/bin/env bash
# Installs what hairmatte needs to build and test, and only what is missing: Debian packages through
# apt-get (checked one by one with dpkg first), then the npm devDependencies. Safe to run any number of times;
# `npm start`, `npm test` and `.ci/run` call it first. Set HM_SKIP_APT=1 to skip the apt step.
set -euo pipefail
cd "$(dirname "$0")/.."

# Build (emscripten, cmake, g++, headers), native tests (gtest, benchmark), training (torch, PIL, numpy),
# browser tests (chromium), the model reader's libFuzzer target (clang-14; -fsanitize=fuzzer needs the
# runtime in libclang-rt-14-dev, which clang-14 only recommends). python3-torch is large (~1.5 min) but
# the export/unit tests need it.
APT_PACKAGES=(
  emscripten cmake g++ make git ca-certificates clang-14 libclang-rt-14-dev
  libeigen3-dev libsimde-dev libstb-dev
  googletest libgtest-dev libbenchmark-dev
  python3 python3-torch python3-torchvision python3-pil python3-numpy
  chromium
)

log() { printf '[setup] %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_apt_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    if ! dpkg -s "$pkg" >/dev/null 2>&1; then missing+=("$pkg"); fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    log "apt: all ${#APT_PACKAGES[@]} packages present"
    return
  fi
  log "apt: installing missing packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# npm: `npm ci` with a lock file, else `npm install`; skipped when node_modules is newer than both
# package.json and the lock file (npm writes node_modules/.package-lock.json on every install).
install_npm_packages() {
  local stamp=node_modules/.package-lock.json
  if [ -f "$stamp" ] && [ "$stamp" -nt package.json ] && { [ ! -f package-lock.json ] || [ "$stamp" -nt package-lock.json ]; }; then
    log "npm: node_modules up to date"
    return
  fi
  if [ -f package-lock.json ]; then
    log "npm: npm ci"
    npm ci --no-audit --no-fund
  else
    log "npm: npm install"
    npm install --no-audit --no-fund
  fi
  touch "$stamp"  # npm can write package-lock.json after its own stamp
}

if [ "${HM_SKIP_APT:-0}" = 1 ]; then log "apt: skipped (HM_SKIP_APT=1)"; else install_apt_packages; fi
install_npm_packages
log "done"
