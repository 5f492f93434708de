// 1x1 convolution as a GEMM: C[M x N] = A[M x K] * B[K x N] + bias, clamped, with M = pixels (NHWC rows
// are contiguous A rows, so A needs no packing), K = in_c, N = out_c.
//
// Packed weights (pack_conv1x1): ceil(N / 8) panels of 8 output channels, each panel = 8 bias values
// followed by K rows of 8 weights ([k][8]); channels past N are zero. The micro-kernel streams one
// panel linearly and keeps a 4x8 tile of C in 8 f32x4 accumulators (6x8 is slower in V8: it runs out of
// the 16 xmm registers with 12 accumulators).
#include <algorithm>
#include <cstring>

#include "kernels/kernels.h"
#include "kernels/simd128.h"

namespace hm {
namespace {

constexpr size_t kNr = 8;  // output channels per panel
constexpr size_t kMr = 4;  // pixels per micro-kernel tile

size_t panel_floats(size_t in_c) { return kNr * (in_c + 1); }

// Stores the first nc (1..8) lanes of the 8-wide row (v0, v1) at c.
inline void store_row_partial(float* c, size_t nc, v128_t v0, v128_t v1) {
  if (nc & 4) {
    wasm_v128_store(c, v0);
    v0 = v1;
    c += 4;
  }
  if (nc & 2) {
    wasm_v128_store64_lane(c, v0, 0);
    v0 = wasm_i64x2_shuffle(v0, v0, 1, 1);
    c += 2;
  }
  if (nc & 1) wasm_v128_store32_lane(c, v0, 0);
}

// One 4x8 tile: rows a0..a3 (mr valid, rows past mr alias the last valid one, so their loads and
// stores write identical values twice), panel w (bias then [kc][8]), nc valid output channels.
// The k loop takes 4 k at a time: one contiguous load per A row, then each lane is splatted.
void f32_gemm_minmax_4x8__wasmsimd_splat(size_t mr, size_t nc, size_t kc, const float* a,
                                         size_t a_stride, const float* w, float* c, size_t c_stride,
                                         Clamp clamp) {
  const float* a0 = a;
  float* c0 = c;
  const float* a1 = mr > 1 ? a0 + a_stride : a0;
  float* c1 = mr > 1 ? c0 + c_stride : c0;
  const float* a2 = mr > 2 ? a1 + a_stride : a1;
  float* c2 = mr > 2 ? c1 + c_stride : c1;
  const float* a3 = mr > 3 ? a2 + a_stride : a2;
  float* c3 = mr > 3 ? c2 + c_stride : c2;

  v128_t acc0x0 = wasm_v128_load(w);
  v128_t acc0x1 = wasm_v128_load(w + 4);
  w += 8;
  v128_t acc1x0 = acc0x0, acc1x1 = acc0x1;
  v128_t acc2x0 = acc0x0, acc2x1 = acc0x1;
  v128_t acc3x0 = acc0x0, acc3x1 = acc0x1;

  size_t k = kc;
#define HM_GEMM_STEP(L)                                                   \
  {                                                                       \
    const v128_t b0 = wasm_v128_load(w + 8 * (L));                        \
    const v128_t b1 = wasm_v128_load(w + 8 * (L) + 4);                    \
    const v128_t s0 = wasm_i32x4_shuffle(va0, va0, L, L, L, L);           \
    const v128_t s1 = wasm_i32x4_shuffle(va1, va1, L, L, L, L);           \
    const v128_t s2 = wasm_i32x4_shuffle(va2, va2, L, L, L, L);           \
    const v128_t s3 = wasm_i32x4_shuffle(va3, va3, L, L, L, L);           \
    acc0x0 = wasm_f32x4_add(acc0x0, wasm_f32x4_mul(s0, b0));              \
    acc0x1 = wasm_f32x4_add(acc0x1, wasm_f32x4_mul(s0, b1));              \
    acc1x0 = wasm_f32x4_add(acc1x0, wasm_f32x4_mul(s1, b0));              \
    acc1x1 = wasm_f32x4_add(acc1x1, wasm_f32x4_mul(s1, b1));              \
    acc2x0 = wasm_f32x4_add(acc2x0, wasm_f32x4_mul(s2, b0));              \
    acc2x1 = wasm_f32x4_add(acc2x1, wasm_f32x4_mul(s2, b1));              \
    acc3x0 = wasm_f32x4_add(acc3x0, wasm_f32x4_mul(s3, b0));              \
    acc3x1 = wasm_f32x4_add(acc3x1, wasm_f32x4_mul(s3, b1));              \
  }
  for (; k >= 4; k -= 4) {
    const v128_t va0 = wasm_v128_load(a0);
    const v128_t va1 = wasm_v128_load(a1);
    const v128_t va2 = wasm_v128_load(a2);
    const v128_t va3 = wasm_v128_load(a3);
    a0 += 4;
    a1 += 4;
    a2 += 4;
    a3 += 4;
    HM_GEMM_STEP(0)
    HM_GEMM_STEP(1)
    HM_GEMM_STEP(2)
    HM_GEMM_STEP(3)
    w += 32;
  }
#undef HM_GEMM_STEP
  for (; k != 0; --k) {
    const v128_t b0 = wasm_v128_load(w);
    const v128_t b1 = wasm_v128_load(w + 4);
    w += 8;
    const v128_t s0 = wasm_v128_load32_splat(a0++);
    const v128_t s1 = wasm_v128_load32_splat(a1++);
    const v128_t s2 = wasm_v128_load32_splat(a2++);
    const v128_t s3 = wasm_v128_load32_splat(a3++);
    acc0x0 = wasm_f32x4_add(acc0x0, wasm_f32x4_mul(s0, b0));
    acc0x1 = wasm_f32x4_add(acc0x1, wasm_f32x4_mul(s0, b1));
    acc1x0 = wasm_f32x4_add(acc1x0, wasm_f32x4_mul(s1, b0));
    acc1x1 = wasm_f32x4_add(acc1x1, wasm_f32x4_mul(s1, b1));
    acc2x0 = wasm_f32x4_add(acc2x0, wasm_f32x4_mul(s2, b0));
    acc2x1 = wasm_f32x4_add(acc2x1, wasm_f32x4_mul(s2, b1));
    acc3x0 = wasm_f32x4_add(acc3x0, wasm_f32x4_mul(s3, b0));
    acc3x1 = wasm_f32x4_add(acc3x1, wasm_f32x4_mul(s3, b1));
  }

  // pmax/pmin are single x86 instructions in V8 (max/min need NaN fix-ups); clamp is min <= max.
  const v128_t vmin = wasm_f32x4_splat(clamp.min);
  const v128_t vmax = wasm_f32x4_splat(clamp.max);
  acc0x0 = wasm_f32x4_pmin(vmax, wasm_f32x4_pmax(vmin, acc0x0));
  acc0x1 = wasm_f32x4_pmin(vmax, wasm_f32x4_pmax(vmin, acc0x1));
  acc1x0 = wasm_f32x4_pmin(vmax, wasm_f32x4_pmax(vmin, acc1x0));
  acc1x1 = wasm_f32x4_pmin(vmax, wasm_f32x4_pmax(vmin, acc1x1));
  acc2x0 = wasm_f32x4_pmin(vmax, wasm_f32x4_pmax(vmin, acc2x0));
  acc2x1 = wasm_f32x4_pmin(vmax, wasm_f32x4_pmax(vmin, acc2x1));
  acc3x0 = wasm_f32x4_pmin(vmax, wasm_f32x4_pmax(vmin, acc3x0));
  acc3x1 = wasm_f32x4_pmin(vmax, wasm_f32x4_pmax(vmin, acc3x1));

  if (nc == kNr) {
    wasm_v128_store(c3, acc3x0);
    wasm_v128_store(c3 + 4, acc3x1);
    wasm_v128_store(c2, acc2x0);
    wasm_v128_store(c2 + 4, acc2x1);
    wasm_v128_store(c1, acc1x0);
    wasm_v128_store(c1 + 4, acc1x1);
    wasm_v128_store(c0, acc0x0);
    wasm_v128_store(c0 + 4, acc0x1);
  } else {
    store_row_partial(c3, nc, acc3x0, acc3x1);
    store_row_partial(c2, nc, acc2x0, acc2x1);
    store_row_partial(c1, nc, acc1x0, acc1x1);
    store_row_partial(c0, nc, acc0x0, acc0x1);
  }
}

}  // namespace

size_t packed_conv1x1_size(size_t in_c, size_t out_c) {
  return (out_c + kNr - 1) / kNr * panel_floats(in_c);
}

void pack_conv1x1(size_t in_c, size_t out_c, const float* weight, const float* bias, float* packed) {
  const size_t panels = (out_c + kNr - 1) / kNr;
  std::memset(packed, 0, panels * panel_floats(in_c) * sizeof(float));
  for (size_t p = 0; p < panels; ++p) {
    float* panel = packed + p * panel_floats(in_c);
    for (size_t j = 0; j < kNr && p * kNr + j < out_c; ++j) {
      const size_t n = p * kNr + j;
      panel[j] = bias != nullptr ? bias[n] : 0.0f;
      for (size_t k = 0; k < in_c; ++k) panel[kNr + k * kNr + j] = weight[n * in_c + k];
    }
  }
}

void conv1x1_scalar(const float* in, size_t w, size_t in_c, const float* packed, size_t out_c,
                    float* out, Clamp clamp, size_t y0, size_t y1) {
  for (size_t m = y0 * w; m < y1 * w; ++m) {
    const float* a = in + m * in_c;
    for (size_t n = 0; n < out_c; ++n) {
      const float* panel = packed + n / kNr * panel_floats(in_c);
      const size_t j = n % kNr;
      float acc = panel[j];
      for (size_t k = 0; k < in_c; ++k) acc += a[k] * panel[kNr + k * kNr + j];
      out[m * out_c + n] = std::min(std::max(acc, clamp.min), clamp.max);
    }
  }
}

void conv1x1(const float* in, size_t w, size_t in_c, const float* packed, size_t out_c, float* out,
             Clamp clamp, size_t y0, size_t y1) {
  const size_t m_begin = y0 * w, m_end = y1 * w;
  const size_t panel_size = panel_floats(in_c);
  // Block rows so that a block of A (reused across every panel) stays in L2 while each panel
  // (<= 32 KiB for K = 1024) stays in L1 across the block's tiles.
  const size_t block_rows =
      std::max<size_t>(kMr, (64 * 1024 / sizeof(float)) / std::max<size_t>(in_c, 1) / kMr * kMr);
  for (size_t mb = m_begin; mb < m_end; mb += block_rows) {
    const size_t mb_end = std::min(m_end, mb + block_rows);
    for (size_t n = 0; n < out_c; n += kNr) {
      const float* panel = packed + n / kNr * panel_size;
      const size_t nc = std::min(kNr, out_c - n);
      for (size_t m = mb; m < mb_end; m += kMr) {
        const size_t mr = std::min(kMr, mb_end - m);
        f32_gemm_minmax_4x8__wasmsimd_splat(mr, nc, in_c, in + m * in_c, in_c, panel,
                                            out + m * out_c + n, out_c, clamp);
      }
    }
  }
}

}  // namespace hm
