// The folded dec1's glue around its two int32 GEMMs (qs8_kernels.h, network/int8_fold.h): the 3x3 stride-1
// im2col that turns its 3x3 convolution into a 1x1 one, and the requantisation of the sum of the two
// accumulators. Plain C++, one variant each: copies and one value per output, beside GEMMs of K = 1024-4608.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/qs8_kernels.h"

namespace hm {

void qs8_im2col3x3(const int8_t* in, size_t h, size_t w, size_t c, int8_t zero_point, int8_t* out, size_t p0,
                   size_t p1) {
  for (size_t p = p0; p < p1; ++p) {
    const size_t y = p / w, x = p % w;
    int8_t* row = out + p * 9 * c;
    for (size_t ky = 0; ky < 3; ++ky)
      for (size_t kx = 0; kx < 3; ++kx, row += c) {
        // y + ky - 1 and x + kx - 1 in unsigned arithmetic: -1 wraps to a value >= h or w, i.e. outside.
        const size_t iy = y + ky - 1, ix = x + kx - 1;
        if (iy < h && ix < w)
          std::memcpy(row, in + (iy * w + ix) * c, c);
        else
          std::memset(row, static_cast<unsigned char>(zero_point), c);
      }
  }
}

void qs8_requantize2_fp32(const int32_t* a, const float* a_scale, const int32_t* b, const float* b_scale, size_t n,
                          int8_t* out, QS8Output params, size_t p0, size_t p1) {
  // As qs8_requantize_fp32__scalar: the clamp bounds relative to the zero point are integers, so clamping
  // before rounding equals clamping after, and keeps the conversion in range.
  const float lo = static_cast<float>(int32_t{params.min} - int32_t{params.zero_point});
  const float hi = static_cast<float>(int32_t{params.max} - int32_t{params.zero_point});
  for (size_t i = p0 * n; i < p1 * n; ++i) {
    const size_t ch = i % n;
    // Two fp32 products and one fp32 sum, each rounded (none fused): separate statements, which clang
    // (Emscripten: -ffp-contract=on) never contracts; wasm has no fused multiply-add, nor has the native
    // build's x86-64-v2 target.
    const float x = static_cast<float>(a[i]) * a_scale[ch];
    const float y = static_cast<float>(b[i]) * b_scale[ch];
    const float v = x + y;
    const float clamped = std::min(std::max(v, lo), hi);
    out[i] = static_cast<int8_t>(static_cast<int32_t>(std::nearbyint(clamped)) + int32_t{params.zero_point});
  }
}

}  // namespace hm
