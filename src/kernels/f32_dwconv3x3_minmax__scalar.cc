// 3x3 depthwise convolution, scalar reference: the definition, one output value at a time.
// Geometry (TF "same"): out = ceil(in / stride); input row of output row oy, tap ky:
//   iy = oy * stride - pad + ky * dilation, pad = dilation for stride 1 and 0 for stride 2
// (stride 2 pads 0 before and 1 after). Taps outside the image contribute 0.
#include <algorithm>

#include "kernels/f32_layout.h"
#include "kernels/kernels.h"

namespace hm {

using namespace kernels_internal;

void f32_dwconv3x3_minmax__scalar(const float* in, size_t in_h, size_t in_w, size_t c, size_t stride,
                                  size_t dilation, const float* packed, float* out, Clamp clamp, size_t y0,
                                  size_t y1) {
  const size_t out_w = (in_w + stride - 1) / stride;
  const ptrdiff_t pad = static_cast<ptrdiff_t>(dw_pad_before(stride, dilation));
  for (size_t oy = y0; oy < y1; ++oy) {
    for (size_t ox = 0; ox < out_w; ++ox) {
      for (size_t ch = 0; ch < c; ++ch) {
        const float* g = packed + ch / kDwGroup * kDwGroupFloats;
        const size_t lane = ch % kDwGroup;
        float acc = g[lane];
        for (size_t ky = 0; ky < 3; ++ky) {
          const ptrdiff_t iy = static_cast<ptrdiff_t>(oy * stride + ky * dilation) - pad;
          if (iy < 0 || iy >= static_cast<ptrdiff_t>(in_h)) continue;
          for (size_t kx = 0; kx < 3; ++kx) {
            const ptrdiff_t ix = static_cast<ptrdiff_t>(ox * stride + kx * dilation) - pad;
            if (ix < 0 || ix >= static_cast<ptrdiff_t>(in_w)) continue;
            acc += in[(static_cast<size_t>(iy) * in_w + static_cast<size_t>(ix)) * c + ch] *
                   g[kDwGroup + (ky * 3 + kx) * kDwGroup + lane];
          }
        }
        out[(oy * out_w + ox) * c + ch] = std::min(std::max(acc, clamp.min), clamp.max);
      }
    }
  }
}

}  // namespace hm
