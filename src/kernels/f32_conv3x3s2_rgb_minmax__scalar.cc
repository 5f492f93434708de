// First convolution, scalar reference: 3x3, stride 2, RGB(A) uint8 in, float NHWC out, with the input
// normalisation folded into the packed weights (f32_packing.cc). TF "same" padding for stride 2 pads 0
// before and 1 after; a padded tap reads the raw value 127.5, whose normalisation is exactly 0.
// Per output pixel and channel, the 27 taps (t = (ky * 3 + kx) * 3 + ci) in one sum.
#include <algorithm>

#include "kernels/f32_layout.h"
#include "kernels/kernels.h"

namespace hm {

using kernels_internal::kGemmNr;
using kernels_internal::kRgbPanelFloats;
using kernels_internal::kRgbTaps;

void f32_conv3x3s2_rgb_minmax__scalar(const uint8_t* in, size_t in_h, size_t in_w, size_t in_row_stride,
                                      const float* packed, size_t out_c, float* out, Clamp clamp, size_t y0,
                                      size_t y1) {
  const size_t out_w = (in_w + 1) / 2;
  float x[kRgbTaps];
  for (size_t oy = y0; oy < y1; ++oy) {
    for (size_t ox = 0; ox < out_w; ++ox) {
      kernels_internal::gather_rgb_window(in, in_h, in_w, in_row_stride, oy, ox, x);
      float* o = out + (oy * out_w + ox) * out_c;
      for (size_t oc = 0; oc < out_c; ++oc) {
        const float* panel = packed + oc / kGemmNr * kRgbPanelFloats;
        const size_t j = oc % kGemmNr;
        float acc = panel[j];
        for (size_t t = 0; t < kRgbTaps; ++t) acc += x[t] * panel[kGemmNr + t * kGemmNr + j];
        o[oc] = std::min(std::max(acc, clamp.min), clamp.max);
      }
    }
  }
}

}  // namespace hm
