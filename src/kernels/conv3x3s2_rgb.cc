// First convolution: 3x3, stride 2, RGB(A) uint8 in, float NHWC out, with the network's input
// normalisation x' = x / 127.5 - 1 folded into the weights:
//   sum_t w_t * (x_t / 127.5 - 1) + b  =  sum_t (w_t / 127.5) * x_t + (b - sum_t w_t).
// TF "same" padding for stride 2 pads 0 before and 1 after; a padded tap must contribute w_t * 0
// (a normalised 0), which in the folded form is the raw value 127.5: (w_t / 127.5) * 127.5 - w_t = 0.
//
// It runs as a GEMM over im2col rows: each output pixel's 27 raw taps (t = (ky * 3 + kx) * 3 + ci) are
// gathered as floats, two pixels at a time, into a row pair for the 2x16 GEMM micro-kernel of the 1x1
// convolution (about 2x faster in wasm than splatting each tap against 4-channel weight groups).
// Packed weights: the GEMM's panels with K = 27: ceil(out_c / 16) panels of 16 folded biases then
// 27 rows of 16 folded weights; channels past out_c are zero.
#include <algorithm>
#include <cstring>

#include "kernels/gemm_microkernel.h"
#include "kernels/kernels.h"

namespace hm {
namespace {

using kernels_internal::kGemmNr;
constexpr size_t kTaps = 27;
constexpr size_t kPanelFloats = kGemmNr * (1 + kTaps);
constexpr float kPadValue = 127.5f;  // raw value whose normalisation is exactly 0

// The 27 raw input values of output pixel (oy, ox), padded taps set to 127.5.
void gather_window(const uint8_t* in, size_t in_h, size_t in_w, size_t in_row_stride, size_t oy,
                   size_t ox, float* x) {
  for (size_t ky = 0; ky < 3; ++ky) {
    const size_t iy = oy * 2 + ky;
    for (size_t kx = 0; kx < 3; ++kx) {
      const size_t ix = ox * 2 + kx;
      float* t = x + (ky * 3 + kx) * 3;
      if (iy < in_h && ix < in_w) {
        const uint8_t* p = in + iy * in_row_stride + ix * 4;
        t[0] = p[0];
        t[1] = p[1];
        t[2] = p[2];
      } else {
        t[0] = t[1] = t[2] = kPadValue;
      }
    }
  }
}

}  // namespace

size_t packed_conv3x3s2_rgb_size(size_t out_c) {
  return (out_c + kGemmNr - 1) / kGemmNr * kPanelFloats;
}

void pack_conv3x3s2_rgb(size_t out_c, const float* weight_oihw, const float* bias, float* packed) {
  std::memset(packed, 0, packed_conv3x3s2_rgb_size(out_c) * sizeof(float));
  for (size_t oc = 0; oc < out_c; ++oc) {
    float* panel = packed + oc / kGemmNr * kPanelFloats;
    const size_t j = oc % kGemmNr;
    double weight_sum = 0.0;
    for (size_t ci = 0; ci < 3; ++ci) {
      for (size_t ky = 0; ky < 3; ++ky) {
        for (size_t kx = 0; kx < 3; ++kx) {
          const float w = weight_oihw[((oc * 3 + ci) * 3 + ky) * 3 + kx];
          weight_sum += w;
          panel[kGemmNr + ((ky * 3 + kx) * 3 + ci) * kGemmNr + j] = w / 127.5f;
        }
      }
    }
    panel[j] = static_cast<float>((bias != nullptr ? bias[oc] : 0.0) - weight_sum);
  }
}

void conv3x3s2_rgb_scalar(const uint8_t* in, size_t in_h, size_t in_w, size_t in_row_stride,
                          const float* packed, size_t out_c, float* out, Clamp clamp, size_t y0,
                          size_t y1) {
  const size_t out_w = (in_w + 1) / 2;
  float x[kTaps];
  for (size_t oy = y0; oy < y1; ++oy) {
    for (size_t ox = 0; ox < out_w; ++ox) {
      gather_window(in, in_h, in_w, in_row_stride, oy, ox, x);
      float* o = out + (oy * out_w + ox) * out_c;
      for (size_t oc = 0; oc < out_c; ++oc) {
        const float* panel = packed + oc / kGemmNr * kPanelFloats;
        const size_t j = oc % kGemmNr;
        float acc = panel[j];
        for (size_t t = 0; t < kTaps; ++t) acc += x[t] * panel[kGemmNr + t * kGemmNr + j];
        o[oc] = std::min(std::max(acc, clamp.min), clamp.max);
      }
    }
  }
}

void conv3x3s2_rgb(const uint8_t* in, size_t in_h, size_t in_w, size_t in_row_stride,
                   const float* packed, size_t out_c, float* out, Clamp clamp, size_t y0, size_t y1) {
  const size_t out_w = (in_w + 1) / 2;
  float x[2 * kTaps];  // im2col rows of two output pixels
  for (size_t oy = y0; oy < y1; ++oy) {
    float* orow = out + oy * out_w * out_c;
    for (size_t ox = 0; ox < out_w; ox += 2) {
      const size_t mr = std::min<size_t>(2, out_w - ox);
      gather_window(in, in_h, in_w, in_row_stride, oy, ox, x);
      if (mr == 2) gather_window(in, in_h, in_w, in_row_stride, oy, ox + 1, x + kTaps);
      for (size_t n = 0; n < out_c; n += kGemmNr) {
        kernels_internal::f32_gemm_minmax_2x16__wasmsimd_loadsplat(
            mr, std::min(kGemmNr, out_c - n), kTaps, x, kTaps, packed + n / kGemmNr * kPanelFloats,
            orow + ox * out_c + n, out_c, clamp);
      }
    }
  }
}

}  // namespace hm
