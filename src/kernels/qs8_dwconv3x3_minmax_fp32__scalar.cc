// The scalar reference of the int8 3x3 depthwise convolution (qs8_kernels.h): 9 taps per output value,
// the input zero point for a tap outside the image, the fp32 requantisation written plainly.
#include <cstddef>

#include "kernels/qs8_kernels.h"
#include "kernels/qs8_layout.h"

namespace hm {

void qs8_dwconv3x3_minmax_fp32__scalar(const int8_t* in, size_t in_h, size_t in_w, size_t c, size_t stride,
                                       size_t dilation, const void* packed, int8_t in_zero_point, int8_t* out,
                                       QS8Output params, size_t y0, size_t y1) {
  const auto* bytes = static_cast<const uint8_t*>(packed);
  const size_t out_w = (in_w + stride - 1) / stride;
  for (size_t oy = y0; oy < y1; ++oy)
    for (size_t ox = 0; ox < out_w; ++ox)
      for (size_t ch = 0; ch < c; ++ch) {
        const kernels_internal::Qs8DwChannel k = kernels_internal::qs8_dw_channel(bytes, ch);
        int32_t acc = k.bias;
        for (size_t ky = 0; ky < 3; ++ky)
          for (size_t kx = 0; kx < 3; ++kx) {
            const ptrdiff_t iy = kernels_internal::qs8_dw_tap_coordinate(oy, ky, in_h, stride, dilation);
            const ptrdiff_t ix = kernels_internal::qs8_dw_tap_coordinate(ox, kx, in_w, stride, dilation);
            const int32_t x = iy < 0 || ix < 0
                                  ? in_zero_point
                                  : in[(static_cast<size_t>(iy) * in_w + static_cast<size_t>(ix)) * c + ch];
            acc += x * k.weights[(ky * 3 + kx) * kernels_internal::kQs8DwBlock];
          }
        out[(oy * out_w + ox) * c + ch] = qs8_requantize_fp32__scalar(acc, k.scale, params);
      }
}

}  // namespace hm
