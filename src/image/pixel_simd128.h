// Small wasm SIMD128 helpers shared by the per-pixel loops of src/image, src/matting and src/color
// (SIMDe natively, through base/simd128.h, so the same source runs in native tests and in wasm).
#pragma once
#include <cstdint>
#include <cstring>

#include "base/simd128.h"

namespace hm {
namespace simd {

// One RGBA8 pixel -> its four channels as floats.
inline v128_t load_rgba8_f32x4(const uint8_t* p) {
  const v128_t bytes = wasm_v128_load32_zero(p);
  return wasm_f32x4_convert_i32x4(wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(bytes)));
}

// Four floats already in [0, 255] (rounding offset added) -> four bytes, truncated like a static_cast.
inline void store_f32x4_u8x4(v128_t v, uint8_t* out) {
  const v128_t i = wasm_i32x4_trunc_sat_f32x4(v);
  const v128_t b = wasm_u8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(i, i), wasm_i16x8_narrow_i32x4(i, i));
  wasm_v128_store32_lane(out, b, 0);
}

// Sixteen floats already in [0, 255] (rounding offset added), as four vectors -> sixteen bytes.
inline void store_16_f32_u8x16(v128_t a, v128_t b, v128_t c, v128_t d, uint8_t* out) {
  const v128_t ab = wasm_i16x8_narrow_i32x4(wasm_i32x4_trunc_sat_f32x4(a), wasm_i32x4_trunc_sat_f32x4(b));
  const v128_t cd = wasm_i16x8_narrow_i32x4(wasm_i32x4_trunc_sat_f32x4(c), wasm_i32x4_trunc_sat_f32x4(d));
  wasm_v128_store(out, wasm_u8x16_narrow_i16x8(ab, cd));
}

// unit_to_byte (matting/unit_to_byte.h) per lane, without the final cast: clamp to [0, 1] (NaN -> 0,
// because pmax(0, NaN) is 0), scale, add the rounding half.
inline v128_t unit_to_byte_f32x4(v128_t v) {
  const v128_t c = wasm_f32x4_pmin(wasm_f32x4_pmax(wasm_f32x4_splat(0.0f), v), wasm_f32x4_splat(1.0f));
  return wasm_f32x4_add(wasm_f32x4_mul(c, wasm_f32x4_splat(255.0f)), wasm_f32x4_splat(0.5f));
}

// Four RGBA8 pixels (16 bytes) -> R, G, B as floats in 0..255.
inline void load_4_rgba8_planar(const uint8_t* p, v128_t* r, v128_t* g, v128_t* b) {
  const v128_t px = wasm_v128_load(p);
  const v128_t mask = wasm_i32x4_splat(0xff);
  *r = wasm_f32x4_convert_i32x4(wasm_v128_and(px, mask));
  *g = wasm_f32x4_convert_i32x4(wasm_v128_and(wasm_u32x4_shr(px, 8), mask));
  *b = wasm_f32x4_convert_i32x4(wasm_v128_and(wasm_u32x4_shr(px, 16), mask));
}

}  // namespace simd
}  // namespace hm
