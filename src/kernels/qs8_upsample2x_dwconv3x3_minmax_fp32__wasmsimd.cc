// int8 (QS8) nearest 2x upsampling followed by the 3x3 depthwise convolution (stride 1, dilation 1),
// without the upsampled tensor (qs8_kernels.h; the decoder's last stage, which has no skip).
//
// Output (oy, ox) of the 2h x 2w result, tap (ky, kx): upsampled coordinate (oy - 1 + ky, ox - 1 + kx),
// which reads input pixel (uy / 2, ux / 2), or the input zero point outside [0, 2h) x [0, 2w).
// The SIMD kernel, like the fp32 one, sums the weights of taps that read the same input pixel, so each
// output is 4 multiply-adds of a 2x2 input patch instead of 9 (the merged weights need int16 and the
// products int32: two taps per i32x4.dot_i16x8_s). Exact: a merged tap is outside the image exactly when each of its
// taps is, and the zero point times the merged weight is the sum of the zero point times each.
// The two border columns on each side and the last c % 8 channels run the 9-tap depthwise block
// (kernels/qs8_dwconv_block.h) per pixel.
#include <algorithm>
#include <cstring>

#include "kernels/qs8_dwconv_block.h"
#include "kernels/qs8_kernels.h"
#include "kernels/qs8_layout.h"
#include "base/simd128.h"

namespace hm {
namespace {

using kernels_internal::qs8_up_tap;
constexpr size_t kBlock = kernels_internal::kQs8DwBlock;
constexpr size_t kBlockBytes = kernels_internal::kQs8DwBlockBytes;

// One output pixel, channels [ch_begin, c): the 9-tap path of border columns and the last c % 8 channels.
void up_dw_pixel(const int8_t* in, size_t w, size_t c, const ptrdiff_t* iy, size_t ox, size_t ch_begin,
                 const uint8_t* packed, const int8_t* zero_point, int8_t* o,
                 const kernels_internal::Qs8RequantConstants& kq) {
  ptrdiff_t ix[3];
  for (size_t kx = 0; kx < 3; ++kx) ix[kx] = qs8_up_tap(ox, kx, w);
  kernels_internal::qs8_dwconv_pixel(in, w, c, iy, ix, ch_begin, packed, zero_point, o, kq);
}

// The kernel rows (py = output row parity, a = 0/1 the two input rows it reads) and columns likewise whose
// weights act on the same input pixel: rows {0} and {1, 2} for an even output, {0, 1} and {2} for an odd.
constexpr unsigned kMerged[2][2] = {{0b001, 0b110}, {0b011, 0b100}};

// Interior input columns x in [1, w - 1) of one output row, one block of 8 channels: the two outputs
// 2x, 2x + 1 each read a 2x2 patch of input pixels with the merged weights (sums of up to 4 int8 weights,
// so int16): 4 taps instead of 9. The two input rows of a column are interleaved per channel into i16 pairs
// (row 0, row 1), once per column, and each output multiplies-adds two such columns with
// i32x4.dot_i16x8_s against the interleaved merged weights (|pair sum| <= 2 * 128 * 508, exact): 4 dots per
// 8 outputs. Row k of the input is at rows[k] + column * steps[k] (step 0 on a row of zero points outside).
void up_dw_row_block(const int8_t* const* rows, const size_t* steps, size_t w, size_t py, const uint8_t* block,
                     int8_t* o, size_t c, const kernels_internal::Qs8RequantConstants& kq) {
  const auto* wt = reinterpret_cast<const int8_t*>(block + kernels_internal::kQs8DwWeightsAt);
  v128_t wk[9];
  for (size_t t = 0; t < 9; ++t) wk[t] = wasm_i16x8_load8x8(wt + t * kBlock);
  // dot weights [px][b][half]: channels 0-3 / 4-7 of (merged[px][row 0][col b], merged[px][row 1][col b]).
  v128_t wd[2][2][2];
  for (size_t px = 0; px < 2; ++px)
    for (size_t b = 0; b < 2; ++b) {
      v128_t m[2];
      for (size_t a = 0; a < 2; ++a) {
        m[a] = wasm_i16x8_splat(0);
        for (size_t ky = 0; ky < 3; ++ky)
          for (size_t kx = 0; kx < 3; ++kx)
            if ((kMerged[py][a] >> ky & 1) && (kMerged[px][b] >> kx & 1)) m[a] = wasm_i16x8_add(m[a], wk[ky * 3 + kx]);
      }
      wd[px][b][0] = kernels_internal::qs8_interleave_low_i16(m[0], m[1]);
      wd[px][b][1] = kernels_internal::qs8_interleave_high_i16(m[0], m[1]);
    }
  const v128_t bias_lo = wasm_v128_load(block), bias_hi = wasm_v128_load(block + 16);
  const v128_t scale_lo = wasm_v128_load(block + kernels_internal::kQs8DwScalesAt);
  const v128_t scale_hi = wasm_v128_load(block + kernels_internal::kQs8DwScalesAt + 16);
  const int8_t* r0 = rows[0];
  const int8_t* r1 = rows[1];
  const size_t s0 = steps[0], s1 = steps[1];
  // Column j's 8 channels of both rows as i16 pairs: channels 0-3 in *lo, 4-7 in *hi.
  auto column = [&](size_t j, v128_t* lo, v128_t* hi) {
    const v128_t pairs = wasm_i8x16_shuffle(wasm_v128_load64_zero(r0 + j * s0), wasm_v128_load64_zero(r1 + j * s1),
                                            0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    *lo = wasm_i16x8_extend_low_i8x16(pairs);
    *hi = wasm_i16x8_extend_high_i8x16(pairs);
  };
  auto output = [&](v128_t c0_lo, v128_t c0_hi, v128_t c1_lo, v128_t c1_hi, const v128_t (*wpx)[2], int8_t* out) {
    v128_t lo = wasm_i32x4_add(wasm_i32x4_add(bias_lo, wasm_i32x4_dot_i16x8(c0_lo, wpx[0][0])),
                               wasm_i32x4_dot_i16x8(c1_lo, wpx[1][0]));
    v128_t hi = wasm_i32x4_add(wasm_i32x4_add(bias_hi, wasm_i32x4_dot_i16x8(c0_hi, wpx[0][1])),
                               wasm_i32x4_dot_i16x8(c1_hi, wpx[1][1]));
    lo = kernels_internal::qs8_fmagic(wasm_f32x4_mul(wasm_f32x4_convert_i32x4(lo), scale_lo), kq);
    hi = kernels_internal::qs8_fmagic(wasm_f32x4_mul(wasm_f32x4_convert_i32x4(hi), scale_hi), kq);
    wasm_v128_store64_lane(out, kernels_internal::qs8_pack16(lo, hi, lo, hi, kq), 0);
  };
  v128_t p0_lo, p0_hi, p1_lo, p1_hi;
  column(0, &p0_lo, &p0_hi);
  column(1, &p1_lo, &p1_hi);
  for (size_t x = 1; x + 1 < w; ++x) {
    v128_t p2_lo, p2_hi;
    column(x + 1, &p2_lo, &p2_hi);
    output(p0_lo, p0_hi, p1_lo, p1_hi, wd[0], o + 2 * x * c);
    output(p1_lo, p1_hi, p2_lo, p2_hi, wd[1], o + (2 * x + 1) * c);
    p0_lo = p1_lo;
    p0_hi = p1_hi;
    p1_lo = p2_lo;
    p1_hi = p2_hi;
  }
}

}  // namespace

void qs8_upsample2x_dwconv3x3_minmax_fp32__wasmsimd(const int8_t* in, size_t h, size_t w, size_t c, const void* packed,
                                                    int8_t in_zero_point, int8_t* out, QS8Output params, size_t y0,
                                                    size_t y1) {
  const auto* bytes = static_cast<const uint8_t*>(packed);
  const kernels_internal::Qs8RequantConstants kq(params);
  int8_t zero_point[kBlock];
  std::memset(zero_point, in_zero_point, sizeof zero_point);
  const size_t full = c / kBlock * kBlock;
  for (size_t oy = y0; oy < y1; ++oy) {
    ptrdiff_t iy[3];
    for (size_t ky = 0; ky < 3; ++ky) iy[ky] = qs8_up_tap(oy, ky, h);
    int8_t* o_row = out + (oy - y0) * 2 * w * c;
    // Border columns (x = 0 and x = w - 1: outputs 0, 1, 2w - 2, 2w - 1) per pixel; with w <= 2 all are.
    const size_t interior_end = w > 2 ? 2 * (w - 1) : 2;
    for (size_t ox = 0; ox < std::min<size_t>(2, 2 * w); ++ox)
      up_dw_pixel(in, w, c, iy, ox, 0, bytes, zero_point, o_row + ox * c, kq);
    for (size_t ox = interior_end; ox < 2 * w; ++ox)
      up_dw_pixel(in, w, c, iy, ox, 0, bytes, zero_point, o_row + ox * c, kq);
    if (w <= 2) continue;
    // The two input rows an output row reads: y - 1 and y for an even one, y and y + 1 for an odd one.
    const size_t py = oy % 2;
    const ptrdiff_t ra = static_cast<ptrdiff_t>(oy / 2) - 1 + static_cast<ptrdiff_t>(py);
    for (size_t ch = 0; ch < full; ch += kBlock) {
      const int8_t* rows[2];
      size_t steps[2];
      for (size_t a = 0; a < 2; ++a) {
        const ptrdiff_t r = ra + static_cast<ptrdiff_t>(a);
        const bool inside = r >= 0 && r < static_cast<ptrdiff_t>(h);
        rows[a] = inside ? in + static_cast<size_t>(r) * w * c + ch : zero_point;
        steps[a] = inside ? c : 0;
      }
      up_dw_row_block(rows, steps, w, py, bytes + ch / kBlock * kBlockBytes, o_row + ch, c, kq);
    }
    if (full < c)
      for (size_t ox = 2; ox < interior_end; ++ox)
        up_dw_pixel(in, w, c, iy, ox, full, bytes, zero_point, o_row + ox * c, kq);
  }
}

}  // namespace hm
