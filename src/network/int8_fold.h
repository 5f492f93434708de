// The int8 network's first decoder stage folded (issue #14). HairMatteNet's dec1 computes
//   pw(dw(pad(up(y) + skip(f)))),  skip(f) = Ws f + b_s  (1x1, source -> C channels, C = 1024 at width 1)
// where f is the output of encoder block 11 (14x14x512 at 224) and y that of block 13. dw and pw are
// linear (the ReLU comes after pw), so
//   pw(dw(pad(up(y)))) + [pw o dw o Ws](pad(f)) + [pw o dw](pad(b_s)),
// the second term being one 3x3 convolution source -> depth D with the weights
//   Wf[o][ky, kx][i] = sum_c pw[o][c] * dw[c][ky, kx] * Ws[c][i]
// and the third a bias that depends on the pixel only through which of its 3x3 taps fall outside the
// image (the zero padding of the sum): 16 classes (first / last row, first / last column). With D = 24 that is
// 9 * 512 * 24 = 0.11 M multiply-adds per pixel instead of the skip's 512 * 1024 = 0.52 M: 13% of the
// int8 network's work at 224.
//
// In int8: neither the skip nor the skip add runs; dw reads y itself, upsampled on the fly (the
// decoder's fused up+dw kernel), with its bias and requantisation moved from the sum's scale to y's; the
// pw node becomes two int32 GEMMs, pw over dw's output (its own packed weights) and Wf over the 3x3
// im2col of f plus the class bias, summed in fp32 with one scale each and requantised with pw's output
// parameters (qs8_requantize2_fp32). Why dw reads y and not up(y) requantised in the sum's scale: that
// scale was calibrated for the sum, and up(y) alone (0..6, ReLU6) used 38 of its 256 levels, which cost
// 0.0011 IoU on LFW Parts; b_s goes to the int32 class bias, not an int8 constant in the skip's scale (the
// same rounding error at every pixel: 0.0002 more). Wf and the class bias
// are computed here from the file's dequantised int8 weights, in float64 in a fixed order, and Wf is
// quantised per output channel (symmetric, [-127, 127]);
// training/hairmatte_train/int8_fold.py (dec1_fold) computes the same numbers in the same order, so that the
// quantiser's simulated int8 network stays the engine's bit-exact reference.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "network/int8_layout.h"
#include "network/int8_quantization.h"

namespace hm {

struct Int8Dec1Fold {
  int source = -1, skip = -1, add = -1, dw = -1, pw = -1;  // int8_graph node indices
  int y = -1;                         // the add's upsampled input, which dw reads now
  uint32_t source_c = 0, stage_c = 0, depth = 0;
  int8_t source_zero_point = 0, y_zero_point = 0;
  std::vector<int32_t> dw_bias;       // [stage_c]: dw's bias in y's scale (input_scale * weight_scale units)
  std::vector<float> dw_scale;        // [stage_c]: dw's requantisation from y's scale
  std::vector<int8_t> weight;         // [depth][9 * source_c]: Wf, the im2col row order (ky, kx, i)
  std::vector<float> fold_scale;      // [depth]: requantisation scale of the Wf accumulators
  std::vector<float> pw_scale;        // [depth]: pw's (of its own accumulators)
  std::vector<int32_t> bias_by_class; // [16][depth]: [pw o dw](pad(b_s)) in Wf accumulator units
};

// A pixel's class bits for Int8Dec1Fold::bias_by_class (a 1-pixel-high image is both first and last row).
constexpr uint32_t kFoldTop = 1, kFoldBottom = 2, kFoldLeft = 4, kFoldRight = 8;
inline uint32_t int8_fold_class(size_t y, size_t x, size_t h, size_t w) {
  return (y == 0 ? kFoldTop : 0) | (y + 1 == h ? kFoldBottom : 0) | (x == 0 ? kFoldLeft : 0) |
         (x + 1 == w ? kFoldRight : 0);
}

// Whether an architecture's int8 network is run with dec1 folded: dec1 has a skip and the 3x3 fold costs
// less than the skip (9 * depth < stage channels), and both GEMMs have K >= 65 (the 2x4c8 kernels).
bool int8_dec1_foldable(const ArchSpec& spec);

// The fold of a validated quantised file's nodes (derive_int8_params); `graph` = int8_graph(spec).
Int8Dec1Fold int8_dec1_fold(const ArchSpec& spec, const std::vector<QNode>& graph,
                            const std::vector<QNodeParams>& params);

}  // namespace hm
