// The scalar reference of the int8 nearest 2x upsampling + skip addition (qs8_kernels.h): XNNPACK's QS8
// vadd arithmetic per output value, all integer.
#include <cstdint>

#include "kernels/qs8_kernels.h"

namespace hm {

void qs8_upsample2x_add_minmax__scalar(const int8_t* in, size_t h, size_t w, size_t c, const int8_t* skip, int8_t* out,
                                       const QS8AddParams& p, size_t y0, size_t y1) {
  (void)h;
  const size_t ow = 2 * w;
  for (size_t oy = y0; oy < y1; ++oy)
    for (size_t ox = 0; ox < ow; ++ox)
      for (size_t ch = 0; ch < c; ++ch) {
        const int32_t a = in[((oy / 2) * w + ox / 2) * c + ch];
        const int32_t b = skip[(oy * ow + ox) * c + ch];
        int32_t q = ((p.bias + a * p.a_mul + b * p.b_mul) >> p.shift) + p.out.zero_point;
        q = q < p.out.min ? p.out.min : q > p.out.max ? p.out.max : q;
        out[(oy * ow + ox) * c + ch] = static_cast<int8_t>(q);
      }
}

}  // namespace hm
