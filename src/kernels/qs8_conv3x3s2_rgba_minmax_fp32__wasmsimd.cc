// The int8 network's first layer (qs8_io_kernels.h): 3x3 stride 2 on RGBA bytes as an int8 im2col of the
// 27 taps of each output pixel followed by the 1x1 convolution's SIMD GEMM (K = 27, one
// output row at a time). The layer is ~2% of HairMatteNet's multiply-adds; gathering 27 bytes per pixel
// costs far less than the 27 x out_c multiply-adds that follow.
#include "kernels/qs8_io_kernels.h"

namespace hm {
namespace {

// The 27 taps of output row oy into rows[ox * 27 + k], k = c * 9 + ky * 3 + kx (PyTorch's order).
void gather_row(const uint8_t* rgba, size_t h, size_t w, size_t row_stride, size_t oy,
                size_t out_w, int8_t* rows) {
  for (size_t ox = 0; ox < out_w; ++ox) {
    int8_t* taps = rows + ox * kQs8Conv0Taps;
    for (size_t ky = 0; ky < 3; ++ky) {
      const size_t y = 2 * oy + ky;
      for (size_t kx = 0; kx < 3; ++kx) {
        const size_t x = 2 * ox + kx;
        const bool inside = y < h && x < w;  // padding only after (TF "same", stride 2)
        const uint8_t* p = inside ? rgba + y * row_stride + x * 4 : nullptr;
        for (size_t c = 0; c < 3; ++c) {
          taps[c * 9 + ky * 3 + kx] = inside ? static_cast<int8_t>(int32_t{p[c]} - 128) : 0;
        }
      }
    }
  }
}

}  // namespace

void qs8_conv3x3s2_rgba_minmax_fp32__wasmsimd(const uint8_t* rgba, size_t h, size_t w, size_t row_stride,
                                              const void* packed, size_t out_c, int8_t* out, QS8Output params,
                                              int8_t* scratch, size_t y0, size_t y1) {
  const size_t out_w = (w + 1) / 2;
  for (size_t oy = y0; oy < y1; ++oy) {
    gather_row(rgba, h, w, row_stride, oy, out_w, scratch);
    qs8_conv1x1_minmax_fp32__wasmsimd(scratch, out_w, kQs8Conv0Taps, packed, out_c, out + oy * out_w * out_c,
                                      params, 0, 1);
  }
}

}  // namespace hm
