// The scalar reference of the int8 1x1 convolution (qs8_kernels.h): per output value, the int32 dot
// product over the packed panel (qs8_layout.h) and the fp32 requantisation written plainly.
#include "kernels/qs8_kernels.h"
#include "kernels/qs8_layout.h"

namespace hm {

void qs8_conv1x1_minmax_fp32__scalar(const int8_t* in, size_t w, size_t in_c, const void* packed, size_t out_c,
                                     int8_t* out, QS8Output params, size_t y0, size_t y1) {
  const auto* bytes = static_cast<const uint8_t*>(packed);
  for (size_t m = y0 * w; m < y1 * w; ++m) {
    const int8_t* a = in + m * in_c;
    for (size_t n = 0; n < out_c; ++n) {
      const kernels_internal::Qs8GemmChannel ch = kernels_internal::qs8_gemm_channel(bytes, in_c, n);
      out[m * out_c + n] = qs8_requantize_fp32__scalar(ch.accumulate(a), ch.scale, params);
    }
  }
}

}  // namespace hm
