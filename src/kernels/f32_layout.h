// Internal to src/kernels: the packed weight layouts (written by f32_packing.cc) and the pieces of
// geometry that every variant of an operator reads the same way. Not part of the public surface.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "kernels/kernels.h"

namespace hm {
namespace kernels_internal {

// ---- GEMM panels (conv1x1, conv3x3s2_rgb): ceil(out_c / 16) panels, each 16 biases then kc rows of 16
// weights ([k][16]); channels past the layer's count are zero.
constexpr size_t kGemmNr = 16;
inline size_t gemm_panel_floats(size_t kc) { return kGemmNr * (kc + 1); }

// ---- conv3x3s2_rgb: a GEMM with K = 27 raw taps (t = (ky * 3 + kx) * 3 + ci) ----
constexpr size_t kRgbTaps = 27;
constexpr size_t kRgbPanelFloats = kGemmNr * (1 + kRgbTaps);
constexpr float kRgbPadValue = 127.5f;  // raw value whose normalisation is exactly 0

// The 27 raw input values of output pixel (oy, ox), padded taps set to 127.5.
inline void gather_rgb_window(const uint8_t* in, size_t in_h, size_t in_w, size_t in_row_stride, size_t oy,
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
        t[0] = t[1] = t[2] = kRgbPadValue;
      }
    }
  }
}

// ---- dwconv3x3 and upsample2x_dwconv3x3: ceil(c / 4) groups of 4 channels, each 4 biases then the 9
// taps ([ky*3+kx][4]); channels past c are zero. 40 floats per group.
constexpr size_t kDwGroup = 4;
constexpr size_t kDwGroupFloats = kDwGroup * 10;

// Rows (or columns) of "same" padding before the image: dilation at stride 1, none at stride 2.
inline size_t dw_pad_before(size_t stride, size_t dilation) { return stride == 1 ? dilation : 0; }

// upsample2x_dwconv3x3's formula for channels [c_begin, c) of output pixel (oy, ox): the 9 taps on the
// upsampled image, skipping those outside it (the scalar variant, and the wasmsimd one's last c % 4).
// File-local (unnamed namespace) and not inlined, as when both variants shared one file: the wasm code of
// both operators is then the one that was measured (checked by comparing the modules' functions); inlined,
// this cold per-pixel tail would grow the wasmsimd operator around its hot row loop.
namespace {
__attribute__((noinline)) inline void upsampled_dw_pixel(const float* in, size_t h, size_t w, size_t c,
                                                         const float* packed, size_t oy, size_t ox, size_t c_begin,
                                                         float* out, Clamp clamp) {
  for (size_t ch = c_begin; ch < c; ++ch) {
    const float* g = packed + ch / kDwGroup * kDwGroupFloats;
    const size_t lane = ch % kDwGroup;
    float acc = g[lane];
    for (size_t ky = 0; ky < 3; ++ky) {
      const ptrdiff_t uy = static_cast<ptrdiff_t>(oy + ky) - 1;
      if (uy < 0 || uy >= static_cast<ptrdiff_t>(2 * h)) continue;
      for (size_t kx = 0; kx < 3; ++kx) {
        const ptrdiff_t ux = static_cast<ptrdiff_t>(ox + kx) - 1;
        if (ux < 0 || ux >= static_cast<ptrdiff_t>(2 * w)) continue;
        acc += in[(static_cast<size_t>(uy / 2) * w + static_cast<size_t>(ux / 2)) * c + ch] *
               g[kDwGroup + (ky * 3 + kx) * kDwGroup + lane];
      }
    }
    out[ch] = std::min(std::max(acc, clamp.min), clamp.max);
  }
}
}  // namespace

// ---- conv1x1_softmax2: round_up(c, 4) weight differences w0 - w1 (zero past c), then the bias
// difference in 4 floats (lane 0; the others 0).
inline size_t softmax2_padded_c(size_t c) { return (c + 3) / 4 * 4; }

}  // namespace kernels_internal
}  // namespace hm
