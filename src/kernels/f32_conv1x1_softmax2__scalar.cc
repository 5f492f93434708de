// Network head, scalar reference: the 1x1 convolution to two logits with the 2-way softmax fused,
// P(hair) = 1 / (1 + exp(z0 - z1)), from the packed weight and bias differences (f32_packing.cc).
#include <cmath>

#include "kernels/f32_layout.h"
#include "kernels/kernels.h"

namespace hm {

void f32_conv1x1_softmax2__scalar(const float* in, size_t w, size_t c, const float* packed, float* out,
                                  size_t y0, size_t y1) {
  const float bias = packed[kernels_internal::softmax2_padded_c(c)];
  for (size_t m = y0 * w; m < y1 * w; ++m) {
    float z = bias;
    for (size_t k = 0; k < c; ++k) z += in[m * c + k] * packed[k];
    out[m] = 1.0f / (1.0f + std::exp(z));
  }
}

}  // namespace hm
