// The 9-tap int8 depthwise block shared by qs8_dwconv3x3 and qs8_upsample2x_dwconv3x3 (qs8_kernels.h):
// the packed layout of pack_qs8_dwconv3x3 and the SIMD128 block of 8 channels. Internal to src/kernels.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/qs8_kernels.h"
#include "kernels/qs8_requantize.h"
#include "kernels/simd128.h"

namespace hm {
namespace kernels_internal {

// Packed: ceil(c / 8) blocks of 8 int32 biases, 9 taps x 8 int8 weights ([ky*3+kx][8]), 8 fp32 scales.
constexpr size_t kQs8DwBlock = 8;
constexpr size_t kQs8DwBlockBytes = kQs8DwBlock * sizeof(int32_t) + 9 * kQs8DwBlock + kQs8DwBlock * sizeof(float);
constexpr size_t kQs8DwWeightsAt = kQs8DwBlock * sizeof(int32_t);
constexpr size_t kQs8DwScalesAt = kQs8DwWeightsAt + 9 * kQs8DwBlock;

// Adds x0 * w0 + x1 * w1 (8 int8 lanes each, sign-extended) to the two i32x4 halves of a block.
inline void qs8_dw_mac_pair(const int8_t* x0, const int8_t* w0, const int8_t* x1, const int8_t* w1, v128_t* lo,
                     v128_t* hi) {
  const v128_t p = wasm_i16x8_add(wasm_i16x8_mul(wasm_i16x8_load8x8(x0), wasm_i16x8_load8x8(w0)),
                                  wasm_i16x8_mul(wasm_i16x8_load8x8(x1), wasm_i16x8_load8x8(w1)));
  *lo = wasm_i32x4_add(*lo, wasm_i32x4_extend_low_i16x8(p));
  *hi = wasm_i32x4_add(*hi, wasm_i32x4_extend_high_i16x8(p));
}

// One block of 8 channels: the 9 taps' inputs at x[t] (8 bytes each), the block's packed weights.
// Returns the 8 requantised outputs in the low 8 bytes.
inline v128_t qs8_dwconv_block9(const int8_t* const* x, const uint8_t* block,
                                const Qs8RequantConstants& kq) {
  const auto* w = reinterpret_cast<const int8_t*>(block + kQs8DwWeightsAt);
  v128_t lo = wasm_v128_load(block), hi = wasm_v128_load(block + 16);
  qs8_dw_mac_pair(x[0], w, x[1], w + 8, &lo, &hi);
  qs8_dw_mac_pair(x[2], w + 16, x[3], w + 24, &lo, &hi);
  qs8_dw_mac_pair(x[4], w + 32, x[5], w + 40, &lo, &hi);
  qs8_dw_mac_pair(x[6], w + 48, x[7], w + 56, &lo, &hi);
  const v128_t p = wasm_i16x8_mul(wasm_i16x8_load8x8(x[8]), wasm_i16x8_load8x8(w + 64));
  lo = wasm_i32x4_add(lo, wasm_i32x4_extend_low_i16x8(p));
  hi = wasm_i32x4_add(hi, wasm_i32x4_extend_high_i16x8(p));
  lo = qs8_fmagic(
      wasm_f32x4_mul(wasm_f32x4_convert_i32x4(lo), wasm_v128_load(block + kQs8DwScalesAt)), kq);
  hi = qs8_fmagic(
      wasm_f32x4_mul(wasm_f32x4_convert_i32x4(hi), wasm_v128_load(block + kQs8DwScalesAt + 16)), kq);
  return qs8_pack16(lo, hi, lo, hi, kq);
}

}  // namespace kernels_internal
}  // namespace hm
