// Nearest 2x upsampling followed by the 3x3 depthwise convolution (stride 1, dilation 1, TF "same"
// padding on the upsampled image), scalar reference: the 9 taps of each output pixel read on the
// upsampled image (in[uy / 2][ux / 2]), without materialising it. Rows [y0, y1) are written
// consecutively from `out` (a band buffer).
#include "kernels/f32_layout.h"
#include "kernels/kernels.h"

namespace hm {

void f32_upsample2x_dwconv3x3_minmax__scalar(const float* in, size_t h, size_t w, size_t c, const float* packed,
                                             float* out, Clamp clamp, size_t y0, size_t y1) {
  const size_t out_w = 2 * w;
  for (size_t oy = y0; oy < y1; ++oy)
    for (size_t ox = 0; ox < out_w; ++ox)
      kernels_internal::upsampled_dw_pixel(in, h, w, c, packed, oy, ox, 0, out + ((oy - y0) * out_w + ox) * c,
                                           clamp);
}

}  // namespace hm
