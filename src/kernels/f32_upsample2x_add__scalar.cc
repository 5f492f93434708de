// Nearest 2x upsampling fused with the decoder's skip addition, scalar reference:
//   out[y][x][ch] = in[y / 2][x / 2][ch] + skip[y][x][ch]   (skip may be null: no addition).
#include "kernels/kernels.h"

namespace hm {

void f32_upsample2x_add__scalar(const float* in, size_t h, size_t w, size_t c, const float* skip, float* out,
                                size_t y0, size_t y1) {
  (void)h;
  const size_t out_w = 2 * w;
  for (size_t y = y0; y < y1; ++y) {
    for (size_t x = 0; x < out_w; ++x) {
      const float* src = in + ((y / 2) * w + x / 2) * c;
      const size_t o = (y * out_w + x) * c;
      for (size_t ch = 0; ch < c; ++ch) out[o + ch] = src[ch] + (skip != nullptr ? skip[o + ch] : 0.0f);
    }
  }
}

}  // namespace hm
