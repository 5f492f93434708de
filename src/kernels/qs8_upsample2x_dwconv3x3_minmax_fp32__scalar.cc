// The scalar reference of the int8 nearest 2x upsampling + 3x3 depthwise convolution (qs8_kernels.h): 9 taps
// of the upsampled tensor per output value (read from the input, the zero point outside).
#include <cstddef>

#include "kernels/qs8_kernels.h"
#include "kernels/qs8_layout.h"

namespace hm {

void qs8_upsample2x_dwconv3x3_minmax_fp32__scalar(const int8_t* in, size_t h, size_t w, size_t c, const void* packed,
                                                  int8_t in_zero_point, int8_t* out, QS8Output params, size_t y0,
                                                  size_t y1) {
  const auto* bytes = static_cast<const uint8_t*>(packed);
  for (size_t oy = y0; oy < y1; ++oy)
    for (size_t ox = 0; ox < 2 * w; ++ox)
      for (size_t ch = 0; ch < c; ++ch) {
        const kernels_internal::Qs8DwChannel k = kernels_internal::qs8_dw_channel(bytes, ch);
        int32_t acc = k.bias;
        for (size_t ky = 0; ky < 3; ++ky)
          for (size_t kx = 0; kx < 3; ++kx) {
            const ptrdiff_t iy = kernels_internal::qs8_up_tap(oy, ky, h), ix = kernels_internal::qs8_up_tap(ox, kx, w);
            const int32_t x =
                iy < 0 || ix < 0 ? in_zero_point : in[(static_cast<size_t>(iy) * w + static_cast<size_t>(ix)) * c + ch];
            acc += x * k.weights[(ky * 3 + kx) * kernels_internal::kQs8DwBlock];
          }
        out[((oy - y0) * 2 * w + ox) * c + ch] = qs8_requantize_fp32__scalar(acc, k.scale, params);
      }
}

}  // namespace hm
