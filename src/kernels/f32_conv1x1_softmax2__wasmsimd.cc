// Network head, wasm SIMD128: 1x1 convolution to two logits (z0 = not hair, z1 = hair) with the 2-way
// softmax fused.
// Only the difference matters: P(hair) = softmax(z)[1] = 1 / (1 + exp(z0 - z1)), and
//   z0 - z1 = sum_k (w0[k] - w1[k]) x[k] + (b0 - b1),
// so the packing stores the weight differences and the kernel computes one dot product per pixel.
//
// Packed (pack_conv1x1_softmax2, f32_layout.h): round_up(c, 4) weight differences (zero past c), then the
// bias difference in 4 floats (lane 0; the others 0).
#include "kernels/f32_exp_poly.h"
#include "kernels/f32_layout.h"
#include "kernels/kernels.h"
#include "base/simd128.h"

namespace hm {
namespace {

using kernels_internal::f32x4_exp;
using kernels_internal::softmax2_padded_c;

// Dot product of one pixel with the packed differences, 4 partial sums in one vector.
inline v128_t dot4(const float* x, const float* d, size_t c) {
  v128_t acc = wasm_f32x4_splat(0.0f);
  size_t k = 0;
  for (; k + 4 <= c; k += 4)
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(x + k), wasm_v128_load(d + k)));
  float tail = 0.0f;
  for (; k < c; ++k) tail += x[k] * d[k];
  return wasm_f32x4_add(acc, wasm_f32x4_make(tail, 0.0f, 0.0f, 0.0f));
}

// 4 pixels: 4 dot products, reduced with a transpose so that lane p holds pixel p's z0 - z1.
void f32_conv1x1_softmax2_4p__wasmsimd(const float* x, size_t c, const float* packed, float* out) {
  const float* d = packed;
  const v128_t a0 = dot4(x, d, c), a1 = dot4(x + c, d, c);
  const v128_t a2 = dot4(x + 2 * c, d, c), a3 = dot4(x + 3 * c, d, c);
  // [a0.0 a1.0 a0.1 a1.1] + [a0.2 a1.2 a0.3 a1.3] -> pairs summed, then once more.
  const v128_t t01 = wasm_f32x4_add(wasm_i32x4_shuffle(a0, a1, 0, 4, 1, 5), wasm_i32x4_shuffle(a0, a1, 2, 6, 3, 7));
  const v128_t t23 = wasm_f32x4_add(wasm_i32x4_shuffle(a2, a3, 0, 4, 1, 5), wasm_i32x4_shuffle(a2, a3, 2, 6, 3, 7));
  v128_t z = wasm_f32x4_add(wasm_i64x2_shuffle(t01, t23, 0, 2), wasm_i64x2_shuffle(t01, t23, 1, 3));
  z = wasm_f32x4_add(z, wasm_v128_load32_splat(packed + softmax2_padded_c(c)));
  const v128_t one = wasm_f32x4_splat(1.0f);
  wasm_v128_store(out, wasm_f32x4_div(one, wasm_f32x4_add(one, f32x4_exp(z))));
}

}  // namespace

void f32_conv1x1_softmax2__wasmsimd(const float* in, size_t w, size_t c, const float* packed, float* out,
                                    size_t y0, size_t y1) {
  const float bias = packed[softmax2_padded_c(c)];
  size_t m = y0 * w;
  const size_t m_end = y1 * w;
  for (; m + 4 <= m_end; m += 4) f32_conv1x1_softmax2_4p__wasmsimd(in + m * c, c, packed, out + m);
  for (; m < m_end; ++m) {
    const v128_t z = dot4(in + m * c, packed, c);
    const float zs = wasm_f32x4_extract_lane(z, 0) + wasm_f32x4_extract_lane(z, 1) +
                     wasm_f32x4_extract_lane(z, 2) + wasm_f32x4_extract_lane(z, 3) + bias;
    const v128_t e = f32x4_exp(wasm_f32x4_splat(zs));
    out[m] = 1.0f / (1.0f + wasm_f32x4_extract_lane(e, 0));
  }
}

}  // namespace hm
