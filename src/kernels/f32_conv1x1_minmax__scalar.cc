// 1x1 convolution, scalar reference: C[M x N] = A[M x K] * B[K x N] + bias, clamped, with M = pixels,
// K = in_c, N = out_c, one dot product per output value over the packed GEMM panels (f32_layout.h).
#include <algorithm>

#include "kernels/f32_layout.h"
#include "kernels/kernels.h"

namespace hm {

using namespace kernels_internal;

void f32_conv1x1_minmax__scalar(const float* in, size_t w, size_t in_c, const float* packed, size_t out_c,
                                float* out, Clamp clamp, size_t y0, size_t y1) {
  for (size_t m = y0 * w; m < y1 * w; ++m) {
    const float* a = in + m * in_c;
    for (size_t n = 0; n < out_c; ++n) {
      const float* panel = packed + n / kGemmNr * gemm_panel_floats(in_c);
      const size_t j = n % kGemmNr;
      float acc = panel[j];
      for (size_t k = 0; k < in_c; ++k) acc += a[k] * panel[kGemmNr + k * kGemmNr + j];
      out[m * out_c + n] = std::min(std::max(acc, clamp.min), clamp.max);
    }
  }
}

}  // namespace hm
