// int8 (QS8) 3x3 depthwise convolution, NHWC, stride 1 or 2, dilation 1, 2 or 4 (qs8_kernels.h).
//
// Geometry as the fp32 dwconv3x3: out = ceil(in / stride); input row of output row oy, tap ky:
//   iy = oy * stride - pad + ky * dilation, pad = dilation for stride 1 and 0 for stride 2.
// Taps outside the image read the input zero point (the real value 0): the packed biases hold
// -in_zp * sum(weights), which such a tap cancels exactly, as in XNNPACK's zero buffer.
//
// Packed weights: ceil(c / 8) blocks of 8 channels = 8 int32 biases, 9 taps x 8 int8 weights
// ([ky*3+kx][8]), 8 fp32 requantisation scales (136 bytes); channels past c are zero.
//
// The SIMD kernel uses XNNPACK's "mul16 + add16" arithmetic: per block of 8 channels the products of pairs
// of taps are formed with i16x8.mul and added in int16 (|x * w| <= 128 * 127, so two of them fit int16)
// before being widened into two i32x4 accumulators. Interior pixels of a row run block by block along the
// row with the block's 9 weights in registers (like the fp32 kernel's row tiles); border pixels and the last
// c % 8 channels take a per-pixel path with 9 tap pointers (8 bytes of the zero point for a tap outside).
#include <algorithm>
#include <cstring>

#include "kernels/qs8_dwconv_block.h"
#include "kernels/qs8_kernels.h"
#include "base/simd128.h"

namespace hm {
namespace {

using kernels_internal::qs8_dw_pad_before;
using kernels_internal::qs8_dw_tap_coordinate;
constexpr size_t kBlock = kernels_internal::kQs8DwBlock;
constexpr size_t kBlockBytes = kernels_internal::kQs8DwBlockBytes;
constexpr size_t kWeightsAt = kernels_internal::kQs8DwWeightsAt;
constexpr size_t kScalesAt = kernels_internal::kQs8DwScalesAt;

// One output pixel, channels [ch_begin, c): the 9-tap path of border pixels and of every pixel's last c % 8.
void qs8_dwconv_pixel(const int8_t* in, size_t in_w, size_t c, size_t stride, size_t dilation,
                      const ptrdiff_t* iy, size_t ox, size_t ch_begin, const uint8_t* packed,
                      const int8_t* zero_point, int8_t* o, const kernels_internal::Qs8RequantConstants& kq) {
  ptrdiff_t ix[3];
  for (size_t kx = 0; kx < 3; ++kx) ix[kx] = qs8_dw_tap_coordinate(ox, kx, in_w, stride, dilation);
  kernels_internal::qs8_dwconv_pixel(in, in_w, c, iy, ix, ch_begin, packed, zero_point, o, kq);
}

// Interior pixels [ox_begin, ox_end) of one output row (every column tap inside), one block of 8 channels:
// the block's 9 weights stay in registers along the row, and each tap is a constant offset from one
// pixel pointer per kernel row (a kernel row outside the image reads the zero point).
void qs8_dwconv_row_block(const int8_t* const* rows, size_t c, size_t stride, size_t dilation, size_t ox_begin,
                          size_t ox_end, const uint8_t* block, v128_t vzp, int8_t* o,
                          const kernels_internal::Qs8RequantConstants& kq) {
  const auto* w = reinterpret_cast<const int8_t*>(block + kWeightsAt);
  v128_t wk[9];
  for (size_t t = 0; t < 9; ++t) wk[t] = wasm_i16x8_load8x8(w + t * kBlock);
  const v128_t bias_lo = wasm_v128_load(block), bias_hi = wasm_v128_load(block + 16);
  const v128_t scale_lo = wasm_v128_load(block + kScalesAt), scale_hi = wasm_v128_load(block + kScalesAt + 16);
  const size_t dc = dilation * c, sc = stride * c;
  for (size_t ox = ox_begin; ox < ox_end; ++ox) {
    const size_t off = (ox - ox_begin) * sc;
    v128_t v[9];
    for (size_t ky = 0; ky < 3; ++ky) {
      if (rows[ky] != nullptr) {
        v[ky * 3] = wasm_i16x8_load8x8(rows[ky] + off);
        v[ky * 3 + 1] = wasm_i16x8_load8x8(rows[ky] + off + dc);
        v[ky * 3 + 2] = wasm_i16x8_load8x8(rows[ky] + off + 2 * dc);
      } else {
        v[ky * 3] = v[ky * 3 + 1] = v[ky * 3 + 2] = vzp;
      }
    }
    // Pairs of int8 x int8 products add in int16 (|x * w| <= 128 * 127), then widen.
    v128_t lo = bias_lo, hi = bias_hi;
    for (size_t t = 0; t < 8; t += 2) {
      const v128_t p = wasm_i16x8_add(wasm_i16x8_mul(v[t], wk[t]), wasm_i16x8_mul(v[t + 1], wk[t + 1]));
      lo = wasm_i32x4_add(lo, wasm_i32x4_extend_low_i16x8(p));
      hi = wasm_i32x4_add(hi, wasm_i32x4_extend_high_i16x8(p));
    }
    const v128_t p = wasm_i16x8_mul(v[8], wk[8]);
    lo = wasm_i32x4_add(lo, wasm_i32x4_extend_low_i16x8(p));
    hi = wasm_i32x4_add(hi, wasm_i32x4_extend_high_i16x8(p));
    lo = kernels_internal::qs8_fmagic(wasm_f32x4_mul(wasm_f32x4_convert_i32x4(lo), scale_lo), kq);
    hi = kernels_internal::qs8_fmagic(wasm_f32x4_mul(wasm_f32x4_convert_i32x4(hi), scale_hi), kq);
    wasm_v128_store64_lane(o + ox * c, kernels_internal::qs8_pack16(lo, hi, lo, hi, kq), 0);
  }
}

}  // namespace

void qs8_dwconv3x3_minmax_fp32__wasmsimd(const int8_t* in, size_t in_h, size_t in_w, size_t c, size_t stride,
                                         size_t dilation, const void* packed, int8_t in_zero_point, int8_t* out,
                                         QS8Output params, size_t y0, size_t y1) {
  const auto* bytes = static_cast<const uint8_t*>(packed);
  const size_t out_w = (in_w + stride - 1) / stride;
  const kernels_internal::Qs8RequantConstants kq(params);
  int8_t zero_point[kBlock];
  std::memset(zero_point, in_zero_point, sizeof zero_point);
  const v128_t vzp = wasm_i16x8_splat(in_zero_point);
  // Output columns whose three column taps are all inside: ox * stride - pad >= 0 and
  // ox * stride - pad + 2 * dilation <= in_w - 1.
  const size_t pad = qs8_dw_pad_before(stride, dilation);
  const size_t ox_begin = std::min(out_w, (pad + stride - 1) / stride);
  const size_t ox_end = in_w + pad >= 1 + 2 * dilation
                            ? std::max(ox_begin, std::min(out_w, (in_w + pad - 1 - 2 * dilation) / stride + 1))
                            : ox_begin;
  const size_t full = c / kBlock * kBlock;
  for (size_t oy = y0; oy < y1; ++oy) {
    ptrdiff_t iy[3];
    for (size_t ky = 0; ky < 3; ++ky) iy[ky] = qs8_dw_tap_coordinate(oy, ky, in_h, stride, dilation);
    int8_t* o_row = out + oy * out_w * c;
    for (size_t ox = 0; ox < ox_begin; ++ox)
      qs8_dwconv_pixel(in, in_w, c, stride, dilation, iy, ox, 0, bytes, zero_point, o_row + ox * c, kq);
    for (size_t ch = 0; ox_begin < ox_end && ch < full; ch += kBlock) {
      const int8_t* rows[3];
      for (size_t ky = 0; ky < 3; ++ky)
        rows[ky] = iy[ky] < 0 ? nullptr
                              : in + (static_cast<size_t>(iy[ky]) * in_w + ox_begin * stride - pad) * c + ch;
      qs8_dwconv_row_block(rows, c, stride, dilation, ox_begin, ox_end, bytes + ch / kBlock * kBlockBytes, vzp,
                           o_row + ch, kq);
    }
    if (full < c)
      for (size_t ox = ox_begin; ox < ox_end; ++ox)
        qs8_dwconv_pixel(in, in_w, c, stride, dilation, iy, ox, full, bytes, zero_point, o_row + ox * c, kq);
    for (size_t ox = ox_end; ox < out_w; ++ox)
      qs8_dwconv_pixel(in, in_w, c, stride, dilation, iy, ox, 0, bytes, zero_point, o_row + ox * c, kq);
  }
}

}  // namespace hm
