// Weight packing of the fp32 operators (kernels.h): one layout per operator (f32_layout.h), read by
// every variant, so a model is packed once whichever variants the build runs.
#include <algorithm>
#include <cstring>

#include "kernels/f32_layout.h"
#include "kernels/kernels.h"

namespace hm {

using namespace kernels_internal;

// ---- Sizes, in floats ----
size_t packed_conv3x3s2_rgb_size(size_t out_c) { return (out_c + kGemmNr - 1) / kGemmNr * kRgbPanelFloats; }
size_t packed_dwconv3x3_size(size_t c) { return (c + kDwGroup - 1) / kDwGroup * kDwGroupFloats; }
size_t packed_conv1x1_size(size_t in_c, size_t out_c) {
  return (out_c + kGemmNr - 1) / kGemmNr * gemm_panel_floats(in_c);
}
size_t packed_conv1x1_softmax2_size(size_t c) { return softmax2_padded_c(c) + 4; }

// ---- conv3x3s2_rgb, with the input normalisation x' = x / 127.5 - 1 folded into the weights:
//   sum_t w_t * (x_t / 127.5 - 1) + b  =  sum_t (w_t / 127.5) * x_t + (b - sum_t w_t).
void pack_conv3x3s2_rgb(size_t out_c, const float* weight_oihw, const float* bias, float* packed) {
  std::memset(packed, 0, packed_conv3x3s2_rgb_size(out_c) * sizeof(float));
  for (size_t oc = 0; oc < out_c; ++oc) {
    float* panel = packed + oc / kGemmNr * kRgbPanelFloats;
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

// ---- dwconv3x3 (and upsample2x_dwconv3x3) ----
void pack_dwconv3x3(size_t c, const float* weight, const float* bias, float* packed) {
  std::memset(packed, 0, packed_dwconv3x3_size(c) * sizeof(float));
  for (size_t ch = 0; ch < c; ++ch) {
    float* g = packed + ch / kDwGroup * kDwGroupFloats;
    const size_t lane = ch % kDwGroup;
    g[lane] = bias != nullptr ? bias[ch] : 0.0f;
    for (size_t t = 0; t < 9; ++t) g[kDwGroup + t * kDwGroup + lane] = weight[ch * 9 + t];
  }
}

// ---- conv1x1 ----
void pack_conv1x1(size_t in_c, size_t out_c, const float* weight, const float* bias, float* packed) {
  const size_t panels = (out_c + kGemmNr - 1) / kGemmNr;
  std::memset(packed, 0, panels * gemm_panel_floats(in_c) * sizeof(float));
  for (size_t p = 0; p < panels; ++p) {
    float* panel = packed + p * gemm_panel_floats(in_c);
    for (size_t j = 0; j < kGemmNr && p * kGemmNr + j < out_c; ++j) {
      const size_t n = p * kGemmNr + j;
      panel[j] = bias != nullptr ? bias[n] : 0.0f;
      for (size_t k = 0; k < in_c; ++k) panel[kGemmNr + k * kGemmNr + j] = weight[n * in_c + k];
    }
  }
}

// Block rows so that a block of A (reused across every panel) stays in L2 (with the panel being
// streamed, 64 KiB at K = 1024) while the block's tiles run over one panel. A multiple of the
// micro-kernel's 2 rows (kernels.h says why callers want it in every build).
size_t conv1x1_block_pixels(size_t in_c) {
  constexpr size_t kMr = 2;
  return std::max<size_t>(kMr, (64 * 1024 / sizeof(float)) / std::max<size_t>(in_c, 1) / kMr * kMr);
}

// ---- conv1x1_softmax2: only the logit difference matters, P(hair) = 1 / (1 + exp(z0 - z1)) ----
void pack_conv1x1_softmax2(size_t c, const float* weight, const float* bias, float* packed) {
  std::memset(packed, 0, packed_conv1x1_softmax2_size(c) * sizeof(float));
  for (size_t k = 0; k < c; ++k) packed[k] = weight[k] - weight[c + k];
  packed[softmax2_padded_c(c)] = bias != nullptr ? bias[0] - bias[1] : 0.0f;
}

}  // namespace hm
