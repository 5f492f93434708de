// The GEMM micro-kernel shared by the 1x1 convolution and the first 3x3 convolution (an im2col GEMM with
// K = 27). Internal to src/kernels: the operators in kernels.h are the public surface.
#pragma once
#include <cstddef>

#include "kernels/kernels.h"

namespace hm {
namespace kernels_internal {

// Output channels per packed panel: a panel is 16 biases then kc rows of 16 weights ([k][16]),
// channels past the layer's count zero.
constexpr size_t kGemmNr = 16;

// C[mr x nc] = clamp(A[mr x kc] * panel + bias) for mr in {1, 2} rows of A (a_stride floats apart)
// and nc in 1..16 columns of C (c_stride floats apart).
void f32_gemm_minmax_2x16__wasmsimd_loadsplat(size_t mr, size_t nc, size_t kc, const float* a,
                                              size_t a_stride, const float* w, float* c,
                                              size_t c_stride, Clamp clamp);

}  // namespace kernels_internal
}  // namespace hm
