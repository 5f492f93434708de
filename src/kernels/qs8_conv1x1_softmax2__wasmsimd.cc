// The int8 network's head (qs8_io_kernels.h): two int32 dot products per pixel (int8 inputs widened to
// int16, i32x4.dot_i16x8_s with the int16 weights), dequantised with the two fp32 scales, then the
// 2-way softmax P(hair) = 1 / (1 + exp(z0 - z1)). The two logits have different scales, so unlike the
// fp32 head (f32_conv1x1_softmax2__wasmsimd.cc) the weights cannot be differenced before the dot products. The SIMD
// kernel does 4 pixels at a time and their exp in one f32x4_exp; the __scalar variant uses its scalar
// twin (kernels/f32_exp_poly.h), so both give the same bits.
#include <cstring>

#include "base/simd128.h"
#include "kernels/f32_exp_poly.h"
#include "kernels/qs8_io_kernels.h"
#include "kernels/qs8_layout.h"

namespace hm {
namespace {

using kernels_internal::Qs8HeadParams;

// kernels_internal::qs8_head_probability on 4 lanes, the same operations, so that equal accumulators give
// equal probabilities.

inline v128_t probability4(v128_t acc0, v128_t acc1, const Qs8HeadParams& p) {
  const v128_t z0 = wasm_f32x4_mul(wasm_f32x4_convert_i32x4(acc0), wasm_f32x4_splat(p.scale[0]));
  const v128_t z1 = wasm_f32x4_mul(wasm_f32x4_convert_i32x4(acc1), wasm_f32x4_splat(p.scale[1]));
  const v128_t one = wasm_f32x4_splat(1.0f);
  return wasm_f32x4_div(one, wasm_f32x4_add(one, kernels_internal::f32x4_exp(wasm_f32x4_sub(z0, z1))));
}

inline int32_t horizontal_sum(v128_t v) {
  v = wasm_i32x4_add(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  v = wasm_i32x4_add(v, wasm_i32x4_shuffle(v, v, 1, 0, 3, 2));
  return wasm_i32x4_extract_lane(v, 0);
}

// The two logits' partial sums of one pixel (4 lanes each, summed later).
inline void dot_pixel(const int8_t* x, size_t c, const Qs8HeadParams& p, v128_t* acc0, v128_t* acc1) {
  const size_t full = c / 8 * 8;
  v128_t a0 = wasm_i32x4_splat(0), a1 = wasm_i32x4_splat(0);
  for (size_t k = 0; k < full; k += 8) {
    const v128_t v = wasm_i16x8_load8x8(x + k);
    a0 = wasm_i32x4_add(a0, wasm_i32x4_dot_i16x8(v, wasm_v128_load(p.weight[0] + k)));
    a1 = wasm_i32x4_add(a1, wasm_i32x4_dot_i16x8(v, wasm_v128_load(p.weight[1] + k)));
  }
  if (full < c) {  // the last c % 8 inputs through a zeroed block: no read past the pixel's end
    int8_t tail[8] = {0};
    std::memcpy(tail, x + full, c - full);
    const v128_t v = wasm_i16x8_load8x8(tail);
    a0 = wasm_i32x4_add(a0, wasm_i32x4_dot_i16x8(v, wasm_v128_load(p.weight[0] + full)));
    a1 = wasm_i32x4_add(a1, wasm_i32x4_dot_i16x8(v, wasm_v128_load(p.weight[1] + full)));
  }
  *acc0 = a0;
  *acc1 = a1;
}

// Lane p = the sum of the 4 lanes of v[p]: a 4x4 transpose folded into the additions.
inline v128_t sum4(const v128_t* v) {
  const v128_t t01 = wasm_i32x4_add(wasm_i32x4_shuffle(v[0], v[1], 0, 4, 1, 5), wasm_i32x4_shuffle(v[0], v[1], 2, 6, 3, 7));
  const v128_t t23 = wasm_i32x4_add(wasm_i32x4_shuffle(v[2], v[3], 0, 4, 1, 5), wasm_i32x4_shuffle(v[2], v[3], 2, 6, 3, 7));
  return wasm_i32x4_add(wasm_i64x2_shuffle(t01, t23, 0, 2), wasm_i64x2_shuffle(t01, t23, 1, 3));
}

}  // namespace

void qs8_conv1x1_softmax2__wasmsimd(const int8_t* in, size_t w, size_t c, const void* packed, float* out, size_t y0,
                                    size_t y1) {
  const Qs8HeadParams p = kernels_internal::qs8_head_unpack(packed, c);
  size_t m = y0 * w;
  const size_t m_end = y1 * w;
  for (; m + 4 <= m_end; m += 4) {
    v128_t acc0[4], acc1[4];
    for (size_t i = 0; i < 4; ++i) dot_pixel(in + (m + i) * c, c, p, &acc0[i], &acc1[i]);
    const v128_t b0 = wasm_i32x4_splat(p.bias[0]), b1 = wasm_i32x4_splat(p.bias[1]);
    wasm_v128_store(out + m, probability4(wasm_i32x4_add(b0, sum4(acc0)), wasm_i32x4_add(b1, sum4(acc1)), p));
  }
  for (; m < m_end; ++m) {
    v128_t acc0, acc1;
    dot_pixel(in + m * c, c, p, &acc0, &acc1);
    out[m] =
        kernels_internal::qs8_head_probability(p.bias[0] + horizontal_sum(acc0), p.bias[1] + horizontal_sum(acc1), p);
  }
}

}  // namespace hm
