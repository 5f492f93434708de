// The 9-tap int8 depthwise block shared by the __wasmsimd variants of qs8_dwconv3x3 and
// qs8_upsample2x_dwconv3x3 (qs8_kernels.h): the SIMD128 block of 8 channels (layout: qs8_layout.h).
// Internal to src/kernels.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/qs8_kernels.h"
#include "kernels/qs8_layout.h"
#include "kernels/qs8_requantize.h"
#include "base/simd128.h"

namespace hm {
namespace kernels_internal {

// (a0, b0, a1, b1, a2, b2, a3, b3) and (a4, b4, ..., a7, b7) of two i16x8: channel-wise pairs for
// i32x4.dot_i16x8_s, which then sums two taps (or two merged weights) per channel into int32.
inline v128_t qs8_interleave_low_i16(v128_t a, v128_t b) {
  return wasm_i16x8_shuffle(a, b, 0, 8, 1, 9, 2, 10, 3, 11);
}
inline v128_t qs8_interleave_high_i16(v128_t a, v128_t b) {
  return wasm_i16x8_shuffle(a, b, 4, 12, 5, 13, 6, 14, 7, 15);
}

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

// Channels [ch_begin, c) (ch_begin a multiple of 8) of one output pixel whose taps read input rows iy[ky]
// and columns ix[kx] (-1: outside the image, where the tap reads the zero point's 8 bytes, advanced by 0;
// in: in_w pixels of c channels per row) into o (the pixel's output, channel 0). The last c % 8 channels go
// through 8-byte buffers so that no load runs past the tensor. The border path of the depthwise kernels.
inline void qs8_dwconv_pixel(const int8_t* in, size_t in_w, size_t c, const ptrdiff_t* iy, const ptrdiff_t* ix,
                             size_t ch_begin, const uint8_t* packed, const int8_t* zero_point, int8_t* o,
                             const Qs8RequantConstants& kq) {
  const int8_t* x[9];
  size_t step[9];
  for (size_t ky = 0; ky < 3; ++ky)
    for (size_t kx = 0; kx < 3; ++kx) {
      const bool inside = iy[ky] >= 0 && ix[kx] >= 0;
      x[ky * 3 + kx] = inside ? in + (static_cast<size_t>(iy[ky]) * in_w + static_cast<size_t>(ix[kx])) * c + ch_begin
                              : zero_point;
      step[ky * 3 + kx] = inside ? kQs8DwBlock : 0;
    }
  const uint8_t* block = packed + ch_begin / kQs8DwBlock * kQs8DwBlockBytes;
  size_t ch = ch_begin;
  for (; ch + kQs8DwBlock <= c; ch += kQs8DwBlock, block += kQs8DwBlockBytes) {
    wasm_v128_store64_lane(o + ch, qs8_dwconv_block9(x, block, kq), 0);
    for (size_t t = 0; t < 9; ++t) x[t] += step[t];
  }
  if (ch < c) {
    const size_t rest = c - ch;
    int8_t tail[9][kQs8DwBlock] = {};
    const int8_t* xt[9];
    for (size_t t = 0; t < 9; ++t) {
      std::memcpy(tail[t], x[t], rest);
      xt[t] = tail[t];
    }
    int8_t result[16];
    wasm_v128_store(result, qs8_dwconv_block9(xt, block, kq));
    std::memcpy(o + ch, result, rest);
  }
}

}  // namespace kernels_internal
}  // namespace hm
