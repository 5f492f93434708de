// The int8 network's first decoder stage folded (issue #14). HairMatteNet's dec1 computes
//   pw(dw(pad(up(y) + skip(f)))),  skip(f) = Ws f + b_s  (1x1, source -> C channels, C = 1024 at width 1)
// where f is the output of encoder block 11 (14x14x512 at 224) and y that of block 13. dw and pw are
// linear (the ReLU comes after pw), so
//   pw(dw(pad(up(y) + b_s))) + [pw o dw o Ws](pad(f)),
// the second term being one 3x3 convolution source -> depth D with the weights
//   Wf[o][ky, kx][i] = sum_c pw[o][c] * dw[c][ky, kx] * Ws[c][i]
// (b_s stays with up(y), where zero padding after the sum keeps the borders exact). With D = 24 that is
// 9 * 512 * 24 = 0.11 M multiply-adds per pixel instead of the skip's 512 * 1024 = 0.52 M: 13% of the
// int8 network's work at 224.
//
// In int8: the skip node is not run; the skip add reads the constant b_s quantised in the skip's output
// scale and zero point (so up(y) + b_s is requantised by the same add as before, into the same scale);
// dw runs as before; the pw node becomes two int32 GEMMs, pw over dw's output (its own packed weights) and
// Wf over the 3x3 im2col of f, summed in fp32 with one scale each and requantised with pw's output
// parameters (qs8_requantize2_fp32). Wf is computed here from the file's dequantised int8 weights, in
// float64 in a fixed order, and quantised per output channel (symmetric, [-127, 127]);
// training/hairmatte_train/quantize.py (dec1_fold) computes the same numbers in the same order, so that its
// simulated int8 network stays the engine's bit-exact reference.
#pragma once
#include <cstdint>
#include <vector>

#include "network/int8_layout.h"
#include "network/int8_quantization.h"

namespace hm {

struct Int8Dec1Fold {
  int source = -1, skip = -1, add = -1, dw = -1, pw = -1;  // int8_graph node indices
  uint32_t source_c = 0, stage_c = 0, depth = 0;
  int8_t source_zero_point = 0;
  std::vector<int8_t> skip_constant;  // [stage_c]: b_s quantised in the skip's output scale and zero point
  std::vector<int8_t> weight;         // [depth][9 * source_c]: Wf, the im2col row order (ky, kx, i)
  std::vector<float> fold_scale;      // [depth]: requantisation scale of the Wf accumulators
  std::vector<float> pw_scale;        // [depth]: pw's (of its own accumulators)
};

// Whether an architecture's int8 network is run with dec1 folded: dec1 has a skip and the 3x3 fold costs
// less than the skip (9 * depth < stage channels), and both GEMMs have K >= 65 (the 2x4c8 kernels).
bool int8_dec1_foldable(const ArchSpec& spec);

// The fold of a validated quantised file's nodes (derive_int8_params); `graph` = int8_graph(spec).
Int8Dec1Fold int8_dec1_fold(const ArchSpec& spec, const std::vector<QNode>& graph,
                            const std::vector<QNodeParams>& params);

}  // namespace hm
