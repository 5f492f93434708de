// The packed weight layouts of the int8 (QS8) operators (qs8_kernels.h, qs8_io_kernels.h) and the geometry
// both variants of an operator share, without SIMD: qs8_packing.cc writes these layouts, the __scalar and
// __wasmsimd variants read them. Internal to src/kernels.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/f32_exp_poly.h"
#include "kernels/qs8_gemm_microkernel.h"
#include "kernels/qs8_io_kernels.h"
#include "kernels/qs8_kernels.h"

namespace hm {
namespace kernels_internal {

// ---- 1x1 convolution (and the first layer's GEMM): panels of kQs8GemmNr channels (qs8_gemm_microkernel.h)
// Index of weight (k, j) among a panel's weights (kc inputs), in blocks of 8 k of 32 weights each:
// - "c2s4" (kc <= 64, int16 weights): 4 steps s of [4 channels][2 k]; step s holds, for channel j, the k pair
//   (j + s) mod 4 of the block (the 4x4 micro-kernel rotates A by one pair per step);
// - "c8" (kc > 64, qs8_gemm_uses_c8, int8 weights): [4 channels][8 k] (the 2x4 micro-kernel multiplies 8 k
//   of one row by 8 k of one channel).
inline size_t qs8_conv1x1_weight_index(size_t k, size_t j, size_t kc) {
  const size_t blk = k / 8;
  if (qs8_gemm_uses_c8(kc)) return blk * 32 + j * 8 + k % 8;
  const size_t pair = (k % 8) / 2;
  const size_t s = (pair + 4 - j) % 4;  // pair = (j + s) mod 4
  return blk * 32 + s * 8 + j * 2 + k % 2;
}

// Output channel n of packed 1x1 weights (kc inputs) as the __scalar variants read it: its int32 bias (zero
// point folded in), its fp32 requantisation scale, input k's weight, and a pixel's accumulator.
struct Qs8GemmChannel {
  int32_t bias;
  float scale;
  const uint8_t* weights;  // the panel's weights, qs8_gemm_weight_bytes(kc) bytes each
  size_t j;                // the channel's column in its panel
  size_t kc;
  int32_t weight(size_t k) const {
    const size_t i = qs8_conv1x1_weight_index(k, j, kc);
    if (qs8_gemm_weight_bytes(kc) == 1) return static_cast<int8_t>(weights[i]);
    int16_t v;
    std::memcpy(&v, weights + 2 * i, sizeof v);
    return v;
  }
  // The int32 accumulator of one pixel: bias + its kc inputs at a times the weights.
  int32_t accumulate(const int8_t* a) const {
    int32_t acc = bias;
    for (size_t k = 0; k < kc; ++k)
      acc += int32_t{a[k]} * weight(k);
    return acc;
  }
};
inline Qs8GemmChannel qs8_gemm_channel(const uint8_t* packed, size_t kc, size_t n) {
  const size_t panel_bytes = qs8_gemm_panel_bytes(kc);
  const uint8_t* panel = packed + n / kQs8GemmNr * panel_bytes;
  Qs8GemmChannel ch;
  ch.j = n % kQs8GemmNr;
  ch.kc = kc;
  ch.weights = panel + kQs8GemmNr * sizeof(int32_t);
  std::memcpy(&ch.bias, panel + ch.j * sizeof(int32_t), sizeof ch.bias);
  std::memcpy(&ch.scale, panel + panel_bytes - (kQs8GemmNr - ch.j) * sizeof(float), sizeof ch.scale);
  return ch;
}

// ---- 3x3 depthwise blocks (dwconv3x3 and upsample2x_dwconv3x3) ----
// Packed: ceil(c / 8) blocks of 8 int32 biases, 9 taps x 8 int8 weights ([ky*3+kx][8]), 8 fp32 scales.
constexpr size_t kQs8DwBlock = 8;
constexpr size_t kQs8DwBlockBytes = kQs8DwBlock * sizeof(int32_t) + 9 * kQs8DwBlock + kQs8DwBlock * sizeof(float);
constexpr size_t kQs8DwWeightsAt = kQs8DwBlock * sizeof(int32_t);
constexpr size_t kQs8DwScalesAt = kQs8DwWeightsAt + 9 * kQs8DwBlock;

// Channel ch of a packed block as the scalar references read it: its int32 bias (zero point folded in),
// its fp32 requantisation scale, and tap t's weight at weights[t * kQs8DwBlock].
struct Qs8DwChannel {
  int32_t bias;
  float scale;
  const int8_t* weights;
};
inline Qs8DwChannel qs8_dw_channel(const uint8_t* packed, size_t ch) {
  const uint8_t* block = packed + ch / kQs8DwBlock * kQs8DwBlockBytes;
  const size_t lane = ch % kQs8DwBlock;
  Qs8DwChannel k;
  std::memcpy(&k.bias, block + lane * sizeof(int32_t), sizeof k.bias);
  std::memcpy(&k.scale, block + kQs8DwScalesAt + lane * sizeof(float), sizeof k.scale);
  k.weights = reinterpret_cast<const int8_t*>(block + kQs8DwWeightsAt + lane);
  return k;
}

// dwconv3x3's padding before the first row / column (TF "same").
inline size_t qs8_dw_pad_before(size_t stride, size_t dilation) { return stride == 1 ? dilation : 0; }

// Input coordinate of output o, tap k, or -1 when it falls outside [0, n).
inline ptrdiff_t qs8_dw_tap_coordinate(size_t o, size_t k, size_t n, size_t stride, size_t dilation) {
  const ptrdiff_t i = static_cast<ptrdiff_t>(o * stride + k * dilation) -
                      static_cast<ptrdiff_t>(qs8_dw_pad_before(stride, dilation));
  return i >= 0 && i < static_cast<ptrdiff_t>(n) ? i : -1;
}

// upsample2x_dwconv3x3: input coordinate (upsampled u / 2) of output o, tap k on an upsampled axis of 2n,
// or -1 outside.
inline ptrdiff_t qs8_up_tap(size_t o, size_t k, size_t n) {
  const ptrdiff_t u = static_cast<ptrdiff_t>(o + k) - 1;
  return u >= 0 && u < static_cast<ptrdiff_t>(2 * n) ? u / 2 : -1;
}

// ---- the head (conv1x1_softmax2) ----
constexpr size_t kQs8HeadHeader = 2 * sizeof(int32_t) + 2 * sizeof(float);
inline size_t qs8_head_padded_c(size_t c) { return (c + 7) / 8 * 8; }

struct Qs8HeadParams {
  int32_t bias[2];
  float scale[2];
  const int16_t* weight[2];
};

inline Qs8HeadParams qs8_head_unpack(const void* packed, size_t c) {
  Qs8HeadParams p;
  const auto* bytes = static_cast<const uint8_t*>(packed);
  std::memcpy(p.bias, bytes, sizeof p.bias);
  std::memcpy(p.scale, bytes + sizeof p.bias, sizeof p.scale);
  p.weight[0] = reinterpret_cast<const int16_t*>(bytes + kQs8HeadHeader);
  p.weight[1] = p.weight[0] + qs8_head_padded_c(c);
  return p;
}

// P(hair) of one pixel's two accumulators. The __wasmsimd variant's probability4 does the same operations
// on 4 lanes (and this on its last pixels), so that equal accumulators give equal probabilities.
inline float qs8_head_probability(int32_t acc0, int32_t acc1, const Qs8HeadParams& p) {
  const float z0 = static_cast<float>(acc0) * p.scale[0];
  const float z1 = static_cast<float>(acc1) * p.scale[1];
  return 1.0f / (1.0f + f32_exp_poly(z0 - z1));
}

}  // namespace kernels_internal
}  // namespace hm
