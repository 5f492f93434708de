// Force-included (-include) into the core's sources by the plain (no-SIMD) wasm build, except into
// src/kernels/*.cc and src/color/recolor_simd128.cc: every call of an optimised SIMD128 operator becomes a
// call of its `*_scalar` reference (same signature, kernels.h / recolor_formula.h), so the scalar
// references are what runs. The SIMD sources still compile (their intrinsics through SIMDe's portable
// code, no v128 instructions) and, referenced by nothing, are dropped by the linker; scripts/build-wasm.sh
// writes a symbol map and tests/node/plain-build.test.mjs checks that no SIMD function was linked.
#pragma once

// Function-like: only calls are redirected (comments and enum names such as kPointwise are untouched).
#define conv3x3s2_rgb(...) conv3x3s2_rgb_scalar(__VA_ARGS__)
#define dwconv3x3(...) dwconv3x3_scalar(__VA_ARGS__)
#define conv1x1(...) conv1x1_scalar(__VA_ARGS__)
#define conv1x1_softmax2(...) conv1x1_softmax2_scalar(__VA_ARGS__)
#define upsample2x_add(...) upsample2x_add_scalar(__VA_ARGS__)
// recolor.cc passes the row function as a pointer, so this one is a plain name.
#define recolor_row_simd128 recolor_row_scalar
