// The scalar reference of the int8 network's head (qs8_io_kernels.h): the two int32 dot products per pixel,
// then P(hair) through kernels/f32_exp_poly.h's scalar exp, the twin of the SIMD one (same bits).
#include "kernels/qs8_io_kernels.h"
#include "kernels/qs8_layout.h"

namespace hm {

void qs8_conv1x1_softmax2__scalar(const int8_t* in, size_t w, size_t c, const void* packed, float* out, size_t y0,
                                  size_t y1) {
  const kernels_internal::Qs8HeadParams p = kernels_internal::qs8_head_unpack(packed, c);
  for (size_t m = y0 * w; m < y1 * w; ++m) {
    int32_t acc[2] = {p.bias[0], p.bias[1]};
    for (size_t k = 0; k < c; ++k) {
      acc[0] += int32_t{in[m * c + k]} * p.weight[0][k];
      acc[1] += int32_t{in[m * c + k]} * p.weight[1][k];
    }
    out[m] = kernels_internal::qs8_head_probability(acc[0], acc[1], p);
  }
}

}  // namespace hm
