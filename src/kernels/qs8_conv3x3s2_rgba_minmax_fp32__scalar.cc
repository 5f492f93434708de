// The scalar reference of the int8 network's first layer (qs8_io_kernels.h): the 3x3 stride-2 convolution
// written out per output value, straight from the RGBA bytes (q = p - 128, taps past the bottom or right edge
// read 0) and the packed 1x1 panels of in_c = kQs8Conv0K (qs8_layout.h); `scratch` is not needed. The integer sums
// are exact, so this equals the __wasmsimd variant's im2col + GEMM bit for bit.
#include "kernels/qs8_io_kernels.h"
#include "kernels/qs8_layout.h"

namespace hm {

void qs8_conv3x3s2_rgba_minmax_fp32__scalar(const uint8_t* rgba, size_t h, size_t w, size_t row_stride,
                                            const void* packed, size_t out_c, int8_t* out, QS8Output params,
                                            int8_t* /*scratch*/, size_t y0, size_t y1) {
  const auto* bytes = static_cast<const uint8_t*>(packed);
  const size_t out_w = (w + 1) / 2;
  for (size_t oy = y0; oy < y1; ++oy)
    for (size_t ox = 0; ox < out_w; ++ox)
      for (size_t n = 0; n < out_c; ++n) {
        const kernels_internal::Qs8GemmChannel ch = kernels_internal::qs8_gemm_channel(bytes, kQs8Conv0K, n);
        int32_t acc = ch.bias;
        for (size_t c = 0; c < 3; ++c)
          for (size_t ky = 0; ky < 3; ++ky)
            for (size_t kx = 0; kx < 3; ++kx) {
              const size_t y = 2 * oy + ky, x = 2 * ox + kx;
              if (y >= h || x >= w) continue;  // padding (after only) reads q = 0
              const int32_t q = int32_t{rgba[y * row_stride + x * 4 + c]} - 128;
              acc += q * ch.weight(qs8_conv0_tap(c, ky, kx));
            }
        out[(oy * out_w + ox) * out_c + n] = qs8_requantize_fp32__scalar(acc, ch.scale, params);
      }
}

}  // namespace hm
