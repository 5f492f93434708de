// The int8 GEMM micro-kernel behind qs8_conv1x1_minmax_fp32__wasmsimd (qs8_kernels.h). Internal to src/kernels.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/qs8_kernels.h"

namespace hm {
namespace kernels_internal {

// Output channels per packed panel and input channels per packed block (qs8_kernels.h: 4 int32 biases,
// ceil(kc / 8) blocks of 4 "s4" steps of [4 channels][2 k] int8 (see qs8_kernels.h), 4 fp32 scales).
constexpr size_t kQs8GemmNr = 4;
constexpr size_t kQs8GemmKBlock = 8;
inline size_t qs8_gemm_panel_bytes(size_t kc) {
  return kQs8GemmNr * sizeof(int32_t) + (kc + kQs8GemmKBlock - 1) / kQs8GemmKBlock * kQs8GemmKBlock * kQs8GemmNr +
         kQs8GemmNr * sizeof(float);
}

// C[mr x nc] = requant(A[mr x kc] * panel + bias) for mr in 1..4 rows of A (a_stride bytes apart) and
// nc in 1..4 columns of C (c_stride bytes apart). Reads exactly kc bytes of each A row.
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

}  // namespace kernels_internal
}  // namespace hm
