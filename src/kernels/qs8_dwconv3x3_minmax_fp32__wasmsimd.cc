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
// Interior pixels of a row run block by block along the row (qs8_dwconv_row_block): two taps per
// i32x4.dot_i16x8_s of inputs interleaved per channel, against weights interleaved once per row and block,
// which gives the int32 sums without widening. Border pixels and the last c % 8 channels take a per-pixel
// path with 9 tap pointers (8 bytes of the zero point for a tap outside) and XNNPACK's "mul16 + add16"
// block (qs8_dwconv_block.h). Both are exact integer sums, so they equal the scalar reference.
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

// Eight taps as 4 pairs for i32x4.dot_i16x8_s, {tap a, tap b}: each kernel row's columns 0 and 1, and
// column 2 of rows 0 and 1. Tap 8 (row 2, column 2) goes alone.
constexpr size_t kPairs[4][2] = {{0, 1}, {3, 4}, {6, 7}, {2, 5}};

// One packed block's weights, biases and scales as the row loop uses them, built once per row and block:
// pair[p][half] holds (w_a, w_b) of pair p as interleaved int16 for channels 0-3 (half 0) or 4-7 (half 1).
struct Qs8DwRowWeights {
  v128_t pair[4][2];
  v128_t w8;  // tap 8, sign-extended to int16
  v128_t bias[2], scale[2];
  explicit Qs8DwRowWeights(const uint8_t* block) {
    const auto* w = reinterpret_cast<const int8_t*>(block + kWeightsAt);
    for (size_t p = 0; p < 4; ++p) {
      const v128_t a = wasm_i16x8_load8x8(w + kPairs[p][0] * kBlock);
      const v128_t b = wasm_i16x8_load8x8(w + kPairs[p][1] * kBlock);
      pair[p][0] = kernels_internal::qs8_interleave_low_i16(a, b);
      pair[p][1] = kernels_internal::qs8_interleave_high_i16(a, b);
    }
    w8 = wasm_i16x8_load8x8(w + 8 * kBlock);
    bias[0] = wasm_v128_load(block);
    bias[1] = wasm_v128_load(block + 16);
    scale[0] = wasm_v128_load(block + kScalesAt);
    scale[1] = wasm_v128_load(block + kScalesAt + 16);
  }
};

// Interior pixels [ox_begin, ox_end) of one output row (every column tap inside), one block of 8 channels,
// count pixels: kernel row ky of the first pixel starts at rows[ky], its columns dc[ky] bytes apart, pixels
// sc[ky] bytes apart (a row outside the image: 8 bytes of the zero point, both steps 0). The block's weights stay live along the row
// (like the fp32 kernel's row tiles). Per pixel, each pair of taps is sign-extended by its two loads,
// interleaved per channel into int16 pairs (x_a, x_b) and dotted with (w_a, w_b): the int32 sums directly,
// no widening. Tap 8's int16 product (|x w| <= 128 * 127) is widened on its own.
void qs8_dwconv_row_block(const int8_t* const* rows, const size_t* dc, const size_t* sc, size_t count,
                          const uint8_t* block,
                          int8_t* o, size_t c, const kernels_internal::Qs8RequantConstants& kq) {
  const Qs8DwRowWeights k(block);
  const int8_t* r0 = rows[0];
  const int8_t* r1 = rows[1];
  const int8_t* r2 = rows[2];
  const size_t dc0 = dc[0], dc1 = dc[1], dc2 = dc[2], sc0 = sc[0], sc1 = sc[1], sc2 = sc[2];
  for (size_t i = 0; i < count; ++i, r0 += sc0, r1 += sc1, r2 += sc2, o += c) {
    const int8_t* r[3] = {r0, r1, r2};
    const size_t d[3] = {dc0, dc1, dc2};
    const v128_t p8 = wasm_i16x8_mul(wasm_i16x8_load8x8(r2 + 2 * dc2), k.w8);
    v128_t lo = wasm_i32x4_add(k.bias[0], wasm_i32x4_extend_low_i16x8(p8));
    v128_t hi = wasm_i32x4_add(k.bias[1], wasm_i32x4_extend_high_i16x8(p8));
    for (size_t p = 0; p < 4; ++p) {
      const size_t ta = kPairs[p][0], tb = kPairs[p][1];
      const v128_t a = wasm_i16x8_load8x8(r[ta / 3] + ta % 3 * d[ta / 3]);
      const v128_t b = wasm_i16x8_load8x8(r[tb / 3] + tb % 3 * d[tb / 3]);
      lo = wasm_i32x4_add(lo, wasm_i32x4_dot_i16x8(kernels_internal::qs8_interleave_low_i16(a, b), k.pair[p][0]));
      hi = wasm_i32x4_add(hi, wasm_i32x4_dot_i16x8(kernels_internal::qs8_interleave_high_i16(a, b), k.pair[p][1]));
    }
    lo = kernels_internal::qs8_fmagic(wasm_f32x4_mul(wasm_f32x4_convert_i32x4(lo), k.scale[0]), kq);
    hi = kernels_internal::qs8_fmagic(wasm_f32x4_mul(wasm_f32x4_convert_i32x4(hi), k.scale[1]), kq);
    wasm_v128_store64_lane(o, kernels_internal::qs8_pack16(lo, hi, lo, hi, kq), 0);
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
    if (ox_begin < ox_end && full > 0) {
      // Kernel row ky of the first interior pixel; a row outside reads the zero point's 8 bytes, advanced by 0.
      size_t dc[3], sc[3];
      for (size_t ky = 0; ky < 3; ++ky) {
        dc[ky] = iy[ky] < 0 ? 0 : dilation * c;
        sc[ky] = iy[ky] < 0 ? 0 : stride * c;
      }
      for (size_t ch = 0; ch < full; ch += kBlock) {
        const int8_t* rows[3];
        for (size_t ky = 0; ky < 3; ++ky)
          rows[ky] = iy[ky] < 0 ? zero_point
                                : in + (static_cast<size_t>(iy[ky]) * in_w + ox_begin * stride - pad) * c + ch;
        qs8_dwconv_row_block(rows, dc, sc, ox_end - ox_begin, bytes + ch / kBlock * kBlockBytes,
                             o_row + ox_begin * c + ch, c, kq);
      }
    }
    if (full < c)
      for (size_t ox = ox_begin; ox < ox_end; ++ox)
        qs8_dwconv_pixel(in, in_w, c, stride, dilation, iy, ox, full, bytes, zero_point, o_row + ox * c, kq);
    for (size_t ox = ox_end; ox < out_w; ++ox)
      qs8_dwconv_pixel(in, in_w, c, stride, dilation, iy, ox, 0, bytes, zero_point, o_row + ox * c, kq);
  }
}

}  // namespace hm
