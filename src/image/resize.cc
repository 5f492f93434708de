#include "image/resize.h"

#include <algorithm>
#include <cmath>

#include "image/pixel_simd128.h"

namespace hm {
namespace {

// One destination coordinate's two source taps and the weight of the second one.
struct Taps {
  size_t i0;
  size_t i1;
  float w1;
};

// Half-pixel-centre mapping (see resize.h); positions left of the first centre clamp to it.
inline Taps taps_for(size_t dst_i, float scale, size_t src_n) {
  float s = (static_cast<float>(dst_i) + 0.5f) * scale - 0.5f;
  s = std::max(s, 0.0f);
  size_t i0 = std::min(static_cast<size_t>(s), src_n - 1);
  size_t i1 = std::min(i0 + 1, src_n - 1);
  return Taps{i0, i1, s - static_cast<float>(i0)};
}

inline v128_t lerp_x4(v128_t a, v128_t b, v128_t t) { return wasm_f32x4_add(a, wasm_f32x4_mul(wasm_f32x4_sub(b, a), t)); }

}  // namespace

// The four channels of a pixel are one f32x4: lerp(lerp(row0), lerp(row1)), the same float operations in
// the same order as a channel-by-channel loop, so the result is the reference's to the bit. The column
// taps are computed once per block of kColumns destination columns, on the stack (nothing allocates).
void resize_bilinear_rgba8(const uint8_t* src, size_t src_w, size_t src_h, size_t src_stride,
                           uint8_t* dst, size_t dst_w, size_t dst_h, size_t dst_stride) {
  if (src_w == 0 || src_h == 0 || dst_w == 0 || dst_h == 0) return;
  const float sx = static_cast<float>(src_w) / static_cast<float>(dst_w);
  const float sy = static_cast<float>(src_h) / static_cast<float>(dst_h);
  constexpr size_t kColumns = 256;
  Taps column[kColumns];
  const v128_t zero = wasm_f32x4_splat(0.0f), top_value = wasm_f32x4_splat(255.0f), half = wasm_f32x4_splat(0.5f);
  for (size_t x0 = 0; x0 < dst_w; x0 += kColumns) {
    const size_t columns = std::min(kColumns, dst_w - x0);
    for (size_t k = 0; k < columns; ++k) column[k] = taps_for(x0 + k, sx, src_w);
    for (size_t y = 0; y < dst_h; ++y) {
      const Taps ty = taps_for(y, sy, src_h);
      const uint8_t* row0 = src + ty.i0 * src_stride;
      const uint8_t* row1 = src + ty.i1 * src_stride;
      const v128_t wy = wasm_f32x4_splat(ty.w1);
      uint8_t* out = dst + y * dst_stride + x0 * 4;
      for (size_t k = 0; k < columns; ++k) {
        const Taps tx = column[k];
        const v128_t wx = wasm_f32x4_splat(tx.w1);
        const v128_t top = lerp_x4(simd::load_rgba8_f32x4(row0 + tx.i0 * 4), simd::load_rgba8_f32x4(row0 + tx.i1 * 4), wx);
        const v128_t bottom =
            lerp_x4(simd::load_rgba8_f32x4(row1 + tx.i0 * 4), simd::load_rgba8_f32x4(row1 + tx.i1 * 4), wx);
        const v128_t v = wasm_f32x4_add(lerp_x4(top, bottom, wy), half);
        simd::store_f32x4_u8x4(wasm_f32x4_pmin(wasm_f32x4_pmax(v, zero), top_value), out + k * 4);
      }
    }
  }
}

}  // namespace hm
