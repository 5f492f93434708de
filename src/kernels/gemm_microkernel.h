// The GEMM micro-kernel shared by the wasmsimd variants of the 1x1 convolution and of the first 3x3
// convolution (an im2col GEMM with K = 27). Internal to src/kernels: kernels.h is the public surface.
#pragma once
#include <cstddef>

#include "kernels/f32_layout.h"
#include "kernels/kernels.h"

namespace hm {
namespace kernels_internal {

// C[mr x nc] = clamp(A[mr x kc] * panel + bias) for mr in {1, 2} rows of A (a_stride floats apart)
// and nc in 1..16 columns of C (c_stride floats apart); the panel is f32_layout.h's (kGemmNr wide).
void f32_gemm_minmax_2x16__wasmsimd_loadsplat(size_t mr, size_t nc, size_t kc, const float* a,
                                              size_t a_stride, const float* w, float* c,
                                              size_t c_stride, Clamp clamp);

}  // namespace kernels_internal
}  // namespace hm
