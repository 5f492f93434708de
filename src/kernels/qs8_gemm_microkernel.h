// The int8 GEMM micro-kernels behind qs8_conv1x1_minmax_fp32__wasmsimd and qs8_conv1x1_acc32__wasmsimd
// (qs8_kernels.h). Internal to src/kernels.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/qs8_kernels.h"

namespace hm {
namespace kernels_internal {

// Which micro-kernel (and so which block order) a 1x1 layer with kc inputs uses. The 2x4c8 tile needs no
// shuffles in its loop but sums its accumulators across lanes once per tile: 1.15-1.25x the 4x4c2s4 tile
// for K >= 128, 0.9x at K = 64, where the per-tile sums weigh more (measured in wasm, Node 20, Zen 3).
constexpr size_t kQs8GemmC8MinKc = 65;
inline bool qs8_gemm_uses_c8(size_t kc) { return kc >= kQs8GemmC8MinKc; }

// Output channels per packed panel and input channels per packed block (qs8_kernels.h: 4 int32 biases,
// ceil(kc / 8) blocks of 32 weights in the "c2s4" or "c8" order (qs8_layout.h), 4 fp32 scales). The 4x4c2s4
// tile's weights are stored sign-extended to int16 (it loads them with v128.load instead of widening 4
// vectors per 8 k: 1.06-1.08x at K <= 64); the 2x4c8 tile's stay int8 (int16 gained nothing there).
constexpr size_t kQs8GemmNr = 4;
constexpr size_t kQs8GemmKBlock = 8;
inline size_t qs8_gemm_weight_bytes(size_t kc) { return qs8_gemm_uses_c8(kc) ? 1 : 2; }
inline size_t qs8_gemm_panel_bytes(size_t kc) {
  return kQs8GemmNr * sizeof(int32_t) +
         (kc + kQs8GemmKBlock - 1) / kQs8GemmKBlock * kQs8GemmKBlock * kQs8GemmNr * qs8_gemm_weight_bytes(kc) +
         kQs8GemmNr * sizeof(float);
}

// C[mr x nc] = requant(A[mr x kc] * panel + bias) for mr in 1..4 rows of A (a_stride bytes apart) and
// nc in 1..4 columns of C (c_stride bytes apart), kc <= 64 (a "c2s4" panel of int16 weights). Reads exactly
// kc bytes of each A row.
void qs8_gemm_minmax_fp32_ukernel_4x4c2s4__wasmsimd_dot16x2_ld64(size_t mr, size_t nc, size_t kc,
                                                             const int8_t* a, size_t a_stride, const void* w,
                                                             int8_t* c, size_t c_stride, QS8Output out);

// The same for nc >= 1 columns from ceil(nc / 4) consecutive panels at w (XNNPACK's loop over nc; the A
// rows are read again from L1 for each panel): one call per 4 rows of the small layers. A function apart:
// folded into the one above, its extra live pointers cost the one-panel calls 3-12% (measured, K = 128).
void qs8_gemm_minmax_fp32_ukernel_4x4c2s4__wasmsimd_dot16x2_ld64_panels(size_t mr, size_t nc, size_t kc,
                                                                    const int8_t* a, size_t a_stride,
                                                                    const void* w, int8_t* c, size_t c_stride,
                                                                    QS8Output out);

// C[m x nc] = requant(A[m x kc] * panel + bias) for m >= 1 rows of A (a_stride bytes apart) and nc in 1..4
// columns of C from a panel in the "c8" order: XNNPACK's 2x4c8 dot16x2 scheme, eight i32x4 accumulators
// (one per row and channel, each summing 8 k at a time), summed across lanes once per tile; the tiles of
// 2 rows run in one call (the per-call work counted at K = 128). Reads exactly kc bytes of each A row.
void qs8_gemm_minmax_fp32_ukernel_2x4c8__wasmsimd_dot16x2_ld64_rows(size_t m, size_t nc, size_t kc, const int8_t* a,
                                                                size_t a_stride, const void* w, int8_t* c,
                                                                size_t c_stride, QS8Output out);

// The same tile without requantisation: C[m x nc] = A[m x kc] * panel + bias as int32 (rows c_stride int32
// elements apart), for m >= 1 rows and nc in 1..4 columns of a "c8" panel (its scales are not read). Writes
// exactly nc values of each C row.
void qs8_gemm_acc32_ukernel_2x4c8__wasmsimd_dot16x2_ld64_rows(size_t m, size_t nc, size_t kc, const int8_t* a,
                                                              size_t a_stride, const void* w, int32_t* c,
                                                              size_t c_stride);

}  // namespace kernels_internal
}  // namespace hm
