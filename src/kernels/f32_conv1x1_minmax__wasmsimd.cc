// 1x1 convolution as a GEMM, wasm SIMD128: C[M x N] = A[M x K] * B[K x N] + bias, clamped, with
// M = pixels (NHWC rows are contiguous A rows, so A needs no packing), K = in_c, N = out_c.
//
// Packed weights (pack_conv1x1, f32_layout.h): ceil(N / 16) panels of 16 output channels, each panel =
// 16 bias values followed by K rows of 16 weights ([k][16]); channels past N are zero. The micro-kernel
// streams one panel linearly and keeps a 2x16 tile of C in 8 f32x4 accumulators.
//
// Why 2x16 and one k per iteration (measured in Node 20 / V8 TurboFan on this machine, see
// benchmarks/wasm): per k it issues 4 B loads + 2 broadcast loads (v128.load32_splat is a pure load,
// vbroadcastss) for 16 mul + 16 add, and only 2 A pointers to advance. That ran at ~96% of the measured
// f32x4 mul+add peak, against ~77% for 4x8 with broadcast loads (4 A pointers: V8 spends an integer op
// per pointer bump and zero-extension) and ~60% for 4x8 with shuffle splats or any 2x-unrolled k loop
// (clang hoists the second step's loads and V8 spills).
// The micro-kernel is defined here, beside its main caller, so that the compiler may inline it into the
// loop below (there is no link-time optimisation); the first convolution's variant calls it too.
#include <algorithm>

#include "kernels/f32_layout.h"
#include "kernels/gemm_microkernel.h"
#include "kernels/kernels.h"
#include "base/simd128.h"

namespace hm {
namespace {

using kernels_internal::f32_gemm_minmax_2x16__wasmsimd_loadsplat;
using kernels_internal::gemm_panel_floats;
constexpr size_t kNr = kernels_internal::kGemmNr;  // output channels per panel
constexpr size_t kMr = 2;   // pixels per micro-kernel tile (conv1x1_block_pixels is a multiple of it)

inline v128_t clamp4(v128_t v, v128_t vmin, v128_t vmax) {
  // pmax/pmin are single x86 instructions in V8 (max/min need NaN fix-ups); clamp is min <= max.
  return wasm_f32x4_pmin(vmax, wasm_f32x4_pmax(vmin, v));
}

// Stores the first nc (1..16) lanes of the 16-wide row (v0..v3) at c.
inline void store_row_partial(float* c, size_t nc, v128_t v0, v128_t v1, v128_t v2, v128_t v3) {
  if (nc & 8) {
    wasm_v128_store(c, v0);
    wasm_v128_store(c + 4, v1);
    v0 = v2;
    v1 = v3;
    c += 8;
  }
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

}  // namespace

namespace kernels_internal {

// One 2x16 tile: rows a0, a1 (when mr == 1 the second row aliases the first, so it computes and
// stores identical values twice), panel w (bias then [kc][16]), nc valid output channels.
void f32_gemm_minmax_2x16__wasmsimd_loadsplat(size_t mr, size_t nc, size_t kc, const float* a,
                                              size_t a_stride, const float* w, float* c,
                                              size_t c_stride, Clamp clamp) {
  const float* a0 = a;
  const float* a1 = mr > 1 ? a0 + a_stride : a0;
  float* c0 = c;
  float* c1 = mr > 1 ? c0 + c_stride : c0;

  v128_t acc0x0 = wasm_v128_load(w);
  v128_t acc0x1 = wasm_v128_load(w + 4);
  v128_t acc0x2 = wasm_v128_load(w + 8);
  v128_t acc0x3 = wasm_v128_load(w + 12);
  w += kNr;
  v128_t acc1x0 = acc0x0, acc1x1 = acc0x1, acc1x2 = acc0x2, acc1x3 = acc0x3;

  for (size_t k = kc; k != 0; --k) {
    const v128_t b0 = wasm_v128_load(w);
    const v128_t b1 = wasm_v128_load(w + 4);
    const v128_t b2 = wasm_v128_load(w + 8);
    const v128_t b3 = wasm_v128_load(w + 12);
    w += kNr;
    const v128_t s0 = wasm_v128_load32_splat(a0++);
    const v128_t s1 = wasm_v128_load32_splat(a1++);
    acc0x0 = wasm_f32x4_add(acc0x0, wasm_f32x4_mul(s0, b0));
    acc0x1 = wasm_f32x4_add(acc0x1, wasm_f32x4_mul(s0, b1));
    acc0x2 = wasm_f32x4_add(acc0x2, wasm_f32x4_mul(s0, b2));
    acc0x3 = wasm_f32x4_add(acc0x3, wasm_f32x4_mul(s0, b3));
    acc1x0 = wasm_f32x4_add(acc1x0, wasm_f32x4_mul(s1, b0));
    acc1x1 = wasm_f32x4_add(acc1x1, wasm_f32x4_mul(s1, b1));
    acc1x2 = wasm_f32x4_add(acc1x2, wasm_f32x4_mul(s1, b2));
    acc1x3 = wasm_f32x4_add(acc1x3, wasm_f32x4_mul(s1, b3));
  }

  const v128_t vmin = wasm_f32x4_splat(clamp.min);
  const v128_t vmax = wasm_f32x4_splat(clamp.max);
  acc0x0 = clamp4(acc0x0, vmin, vmax);
  acc0x1 = clamp4(acc0x1, vmin, vmax);
  acc0x2 = clamp4(acc0x2, vmin, vmax);
  acc0x3 = clamp4(acc0x3, vmin, vmax);
  acc1x0 = clamp4(acc1x0, vmin, vmax);
  acc1x1 = clamp4(acc1x1, vmin, vmax);
  acc1x2 = clamp4(acc1x2, vmin, vmax);
  acc1x3 = clamp4(acc1x3, vmin, vmax);

  if (nc == kNr) {
    wasm_v128_store(c1, acc1x0);
    wasm_v128_store(c1 + 4, acc1x1);
    wasm_v128_store(c1 + 8, acc1x2);
    wasm_v128_store(c1 + 12, acc1x3);
    wasm_v128_store(c0, acc0x0);
    wasm_v128_store(c0 + 4, acc0x1);
    wasm_v128_store(c0 + 8, acc0x2);
    wasm_v128_store(c0 + 12, acc0x3);
  } else {
    store_row_partial(c1, nc, acc1x0, acc1x1, acc1x2, acc1x3);
    store_row_partial(c0, nc, acc0x0, acc0x1, acc0x2, acc0x3);
  }
}

}  // namespace kernels_internal

void f32_conv1x1_minmax__wasmsimd(const float* in, size_t w, size_t in_c, const float* packed, size_t out_c,
                                  float* out, Clamp clamp, size_t y0, size_t y1) {
  const size_t m_begin = y0 * w, m_end = y1 * w;
  const size_t panel_size = gemm_panel_floats(in_c);
  const size_t block_rows = conv1x1_block_pixels(in_c);
  for (size_t mb = m_begin; mb < m_end; mb += block_rows) {
    const size_t mb_end = std::min(m_end, mb + block_rows);
    for (size_t n = 0; n < out_c; n += kNr) {
      const float* panel = packed + n / kNr * panel_size;
      const size_t nc = std::min(kNr, out_c - n);
      for (size_t m = mb; m < mb_end; m += kMr) {
        const size_t mr = std::min(kMr, mb_end - m);
        f32_gemm_minmax_2x16__wasmsimd_loadsplat(mr, nc, in_c, in + m * in_c, in_c, panel,
                                                 out + m * out_c + n, out_c, clamp);
      }
    }
  }
}

}  // namespace hm
