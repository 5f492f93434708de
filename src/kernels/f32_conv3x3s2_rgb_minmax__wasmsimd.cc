// First convolution, wasm SIMD128: 3x3, stride 2, RGB(A) uint8 in, float NHWC out, with the network's
// input normalisation x' = x / 127.5 - 1 folded into the packed weights (f32_packing.cc); a padded tap
// reads the raw value 127.5, whose normalisation is exactly 0.
//
// It runs as a GEMM over im2col rows: each output pixel's 27 raw taps (t = (ky * 3 + kx) * 3 + ci) are
// gathered as floats, two pixels at a time, into a row pair for the 2x16 GEMM micro-kernel of the 1x1
// convolution (about 2x faster in wasm than splatting each tap against 4-channel weight groups).
// Packed weights: the GEMM's panels with K = 27 (f32_layout.h).
#include <algorithm>

#include "kernels/f32_layout.h"
#include "kernels/gemm_microkernel.h"
#include "kernels/kernels.h"

namespace hm {

using namespace kernels_internal;

void f32_conv3x3s2_rgb_minmax__wasmsimd(const uint8_t* in, size_t in_h, size_t in_w, size_t in_row_stride,
                                        const float* packed, size_t out_c, float* out, Clamp clamp, size_t y0,
                                        size_t y1) {
  const size_t out_w = (in_w + 1) / 2;
  float x[2 * kRgbTaps];  // im2col rows of two output pixels
  for (size_t oy = y0; oy < y1; ++oy) {
    float* orow = out + oy * out_w * out_c;
    for (size_t ox = 0; ox < out_w; ox += 2) {
      const size_t mr = std::min<size_t>(2, out_w - ox);
      gather_rgb_window(in, in_h, in_w, in_row_stride, oy, ox, x);
      if (mr == 2) gather_rgb_window(in, in_h, in_w, in_row_stride, oy, ox + 1, x + kRgbTaps);
      for (size_t n = 0; n < out_c; n += kGemmNr) {
        f32_gemm_minmax_2x16__wasmsimd_loadsplat(mr, std::min(kGemmNr, out_c - n), kRgbTaps, x, kRgbTaps,
                                                 packed + n / kGemmNr * kRgbPanelFloats, orow + ox * out_c + n,
                                                 out_c, clamp);
      }
    }
  }
}

}  // namespace hm
