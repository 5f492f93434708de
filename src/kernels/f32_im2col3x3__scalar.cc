// Rows of a GEMM that computes a 3x3 "same" convolution (stride 1, dilation 1) as a 1x1 convolution: for
// each pixel, `prefix` (its own prefix_c floats, copied first), the 9 neighbours of `in` (ky, kx in -1..1,
// row-major), then 9 validity flags (1 where the neighbour is inside the tensor, 0 in the zero padding),
// then zeros up to a multiple of 4 floats. The flags let a folded bias respect the padding exactly.
// Rows [y0, y1) are written consecutively from `out` (row y0 at out[0]): a band buffer.
// Pure data movement (memcpy and fills), so it has one implementation; tests compare it to a brute-force
// construction.
#include <cstring>

#include "kernels/kernels.h"

namespace hm {

size_t im2col3x3_row_floats(size_t prefix_c, size_t c) { return (prefix_c + 9 * c + 9 + 3) / 4 * 4; }

void f32_im2col3x3__scalar(const float* prefix, size_t prefix_c, const float* in, size_t h, size_t w, size_t c,
                           float* out, size_t y0, size_t y1) {
  const size_t row = im2col3x3_row_floats(prefix_c, c);
  const size_t flags = prefix_c + 9 * c;
  for (size_t y = y0; y < y1; ++y) {
    for (size_t x = 0; x < w; ++x) {
      float* o = out + ((y - y0) * w + x) * row;
      if (prefix_c) std::memcpy(o, prefix + (y * w + x) * prefix_c, prefix_c * sizeof(float));
      for (int k = 0; k < 9; ++k) {
        const long sy = static_cast<long>(y) + k / 3 - 1, sx = static_cast<long>(x) + k % 3 - 1;
        const bool inside = sy >= 0 && sy < static_cast<long>(h) && sx >= 0 && sx < static_cast<long>(w);
        float* tap = o + prefix_c + k * c;
        if (inside) {
          std::memcpy(tap, in + (static_cast<size_t>(sy) * w + static_cast<size_t>(sx)) * c, c * sizeof(float));
        } else {
          std::memset(tap, 0, c * sizeof(float));
        }
        o[flags + k] = inside ? 1.0f : 0.0f;
      }
      for (size_t i = flags + 9; i < row; ++i) o[i] = 0.0f;
    }
  }
}

}  // namespace hm
