// The layer sequence of a model at one input size: which kernel runs on which activation buffers, and
// where each buffer lives in the arena (offsets by liveness). Built once by Network::create; run()
// just walks `ops`.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/kernels.h"
#include "network/engine.h"
#include "network/model_weights.h"
#include "runtime/arena.h"

namespace hm {

// An activation: h x w x c floats (NHWC) in arena buffer `buffer`.
struct ActivationShape {
  uint32_t h = 0;
  uint32_t w = 0;
  uint32_t c = 0;
  size_t buffer = 0;  // ArenaPlanner id
};

enum class OpKind {
  kInputConv,       // conv3x3s2_rgb on the caller's RGBA input
  kDepthwise,       // dwconv3x3
  kPointwise,       // conv1x1
  kDecoderStage,    // upsample (+skip) -> dw -> pw(ReLU) [-> head], fused per band of rows
                    // (decoder_stage_bands.h)
  kUpsampleDepthwise,  // upsample2x_dwconv3x3: the first half of a decoder stage whose skip is folded
  kFoldedPointwise  // the second half, per band of rows: im2col3x3 rows [in | 3x3 taps of skip | flags]
                    // into a per-thread band buffer, then conv1x1 (ReLU) with the folded weights
};

struct Op {
  OpKind kind;
  int in = -1;    // activation index, -1 = the caller's input (kInputConv)
  int skip = -1;  // kDecoderStage: activation added after upsampling, -1 = none; kFoldedPointwise: the
                  // source of the 3x3 taps
  int out = -1;   // activation index, -1 = the caller's probability map (kDecoderStage with a head)
  const PackedConv* conv = nullptr;  // the op's weights (kDecoderStage: the depthwise conv)
  const PackedConv* pw = nullptr;    // kDecoderStage only
  const PackedConv* head = nullptr;  // kDecoderStage only, last stage
  uint32_t stride = 1;
  uint32_t dilation = 1;
  uint32_t band_rows = 0;      // kDecoderStage, kFoldedPointwise
  size_t band_scratch = 0;     // kDecoderStage: index of its first scratch buffer in band_scratch; each
                               // thread t uses buffers [band_scratch + 2t, band_scratch + 2t + 1];
                               // kFoldedPointwise: one buffer per thread, [band_scratch + t]
  Clamp clamp{0.f, 0.f};
};

struct NetworkPlan {
  std::vector<ActivationShape> activations;
  std::vector<Op> ops;
  std::vector<size_t> band_scratch;  // ArenaPlanner ids of the decoder stages' per-thread band buffers
  ArenaPlanner planner;
  uint64_t arena_bytes = 0;  // 64-bit: measured before it is known to fit (memory_budget.h)
  double multiply_adds = 0;  // the architecture's: a folded decoder stage counts as the layers it replaces
};

// Plans `weights` (of architecture `spec`) for input_size x input_size inputs run by `threads` threads.
NetworkPlan build_network_plan(const ArchSpec& spec, const ModelWeights& weights, uint32_t input_size,
                               uint32_t threads);

}  // namespace hm
