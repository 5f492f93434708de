// Force-included (-include) into the core's sources by the plain (no-SIMD) wasm build, except into
// src/kernels/*.cc and src/color/recolor_simd128.cc: every call of an optimised SIMD128 operator becomes a
// call of its `*_scalar` reference (same signature, kernels.h / recolor_formula.h), so the scalar
// references are what runs. The SIMD sources still compile (their intrinsics through SIMDe's portable
// code, no v128 instructions) and, referenced by nothing, are dropped by the linker; scripts/build-wasm.sh
// writes a symbol map and tests/node/plain-build.test.mjs checks that no SIMD function was linked.
#pragma once

// Function-like macros, `#define conv1x1(...) conv1x1_scalar(__VA_ARGS__)` and so on for every operator
// with a `*_scalar` twin in src/kernels/kernels.h, generated at configure time (CMakeLists.txt): only calls
// are redirected (comments and enum names such as kPointwise are untouched).
#include "hm_scalar_kernels.h"

// recolor.cc passes the row function as a pointer, so this one is a plain name.
#define recolor_row_simd128 recolor_row_scalar
