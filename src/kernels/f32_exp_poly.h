// exp(x) in fp32 without libm, for the networks' 2-way softmax heads: a SIMD128 version for 4 lanes and a
// scalar twin that performs the same IEEE operations in the same order, so that a scalar reference and
// its SIMD kernel give bit-identical probabilities (the int8 head's tests compare them with equality).
//
// x = n ln2 + r with |r| <= ln2 / 2, exp(r) by its degree-6 Taylor polynomial (relative error < 2e-7),
// 2^n built in the exponent bits. x is clamped to [-87, 88] (finite, normal result). No fused
// multiply-add anywhere: wasm SIMD128 has none, and the native build (x86-64-v2) cannot contract.
#pragma once
#include <cstdint>
#include <cstring>

#include "base/simd128.h"

namespace hm {
namespace kernels_internal {

constexpr float kExpMin = -87.0f, kExpMax = 88.0f;
constexpr float kExpRound = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer (ties to even)
constexpr float kExpLog2e = 1.44269504f;
constexpr float kExpLn2Hi = 0.693145752f;  // ln 2 split in a part exact in float and a correction
constexpr float kExpLn2Lo = 1.42860677e-6f;

inline v128_t f32x4_exp(v128_t x) {
  x = wasm_f32x4_pmin(wasm_f32x4_splat(kExpMax), wasm_f32x4_pmax(wasm_f32x4_splat(kExpMin), x));
  const v128_t magic = wasm_f32x4_splat(kExpRound);
  const v128_t n = wasm_f32x4_sub(wasm_f32x4_add(wasm_f32x4_mul(x, wasm_f32x4_splat(kExpLog2e)), magic), magic);
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(n, wasm_f32x4_splat(kExpLn2Hi)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, wasm_f32x4_splat(kExpLn2Lo)));
  v128_t p = wasm_f32x4_splat(1.0f / 720.0f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 120.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 24.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 6.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(0.5f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
  // 2^n: n + 127 in the exponent field (n in [-126, 127] after the clamp).
  const v128_t scale = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(p, scale);
}

// The scalar twin of f32x4_exp: one lane of it, operation for operation (pmax/pmin are `<` selects).
inline float f32_exp_poly(float x) {
  x = x < kExpMin ? kExpMin : x;
  x = kExpMax < x ? kExpMax : x;
  const float n = (x * kExpLog2e + kExpRound) - kExpRound;  // kept as written: no -ffast-math anywhere
  float r = x - n * kExpLn2Hi;
  r = r - n * kExpLn2Lo;
  float p = 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const uint32_t bits = static_cast<uint32_t>(static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

}  // namespace kernels_internal
}  // namespace hm
