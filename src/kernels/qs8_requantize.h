// The fp32 requantisation of int32 accumulators to int8 (qs8_kernels.h describes the arithmetic), in
// SIMD128 for the optimised QS8 kernels. Internal to src/kernels.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/qs8_kernels.h"
#include "base/simd128.h"

namespace hm {
namespace kernels_internal {

// 1.5 * 2^23: float(x) + kMagic has x rounded to nearest-even in its low mantissa bits for |x| < 2^22.
constexpr float kQs8MagicBias = 12582912.0f;

inline int32_t float_bits(float f) {
  int32_t i;
  std::memcpy(&i, &f, sizeof i);
  return i;
}

// XNNPACK's "fp32 fmagic" constants for one output: the lower clamp applied to the biased bit pattern
// (valid because positive floats order like their bit patterns; a sum that went negative has the sign
// bit set and so is below it), and the bit pattern minus the zero point to subtract afterwards.
struct Qs8RequantConstants {
  v128_t magic_bias;
  v128_t magic_min;                 // bits(kMagic + (min - zero_point)) as int32
  v128_t magic_bias_less_zero_point;  // bits(kMagic) - zero_point as int32
  v128_t out_max;                   // i8x16
  explicit Qs8RequantConstants(QS8Output out)
      : magic_bias(wasm_f32x4_splat(kQs8MagicBias)),
        magic_min(wasm_i32x4_splat(
            float_bits(kQs8MagicBias + static_cast<float>(int32_t{out.min} - int32_t{out.zero_point})))),
        magic_bias_less_zero_point(wasm_i32x4_splat(float_bits(kQs8MagicBias) - int32_t{out.zero_point})),
        out_max(wasm_i8x16_splat(out.max)) {}
};

// fp32 values (already scaled) -> int32 lanes: round to nearest-even, add the zero point, clamp below.
inline v128_t qs8_fmagic(v128_t scaled, const Qs8RequantConstants& k) {
  v128_t v = wasm_f32x4_add(scaled, k.magic_bias);
  v = wasm_i32x4_max(v, k.magic_min);
  return wasm_i32x4_sub(v, k.magic_bias_less_zero_point);
}

// Four int32x4 -> one int8x16 (lanes 0-3 from v0, ...), saturating, clamped above by out_max.
inline v128_t qs8_pack16(v128_t v0, v128_t v1, v128_t v2, v128_t v3, const Qs8RequantConstants& k) {
  const v128_t lo = wasm_i16x8_narrow_i32x4(v0, v1);
  const v128_t hi = wasm_i16x8_narrow_i32x4(v2, v3);
  return wasm_i8x16_min(wasm_i8x16_narrow_i16x8(lo, hi), k.out_max);
}

// The first nc (1..4) bytes of v (its low 32 bits) at c: one row of a GEMM tile's requantised output. A
// tile's other rows are moved to lane 0 first (lane-store indices must be constants).
inline void qs8_store_row4(int8_t* c, size_t nc, v128_t v) {
  if (nc == 4) {
    wasm_v128_store32_lane(c, v, 0);
    return;
  }
  if (nc & 2) {
    wasm_v128_store16_lane(c, v, 0);
    v = wasm_u32x4_shr(v, 16);
    c += 2;
  }
  if (nc & 1) wasm_v128_store8_lane(c, v, 0);
}

}  // namespace kernels_internal
}  // namespace hm
