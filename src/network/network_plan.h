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
  kUpsampleAdd,     // upsample2x_add (skip optional)
  kFinalStageBands  // upsample -> dw -> pw(ReLU) -> head, fused per band of rows (final_stage_bands.h)
};

struct Op {
  OpKind kind;
  int in = -1;    // activation index, -1 = the caller's input (kInputConv)
  int skip = -1;  // kUpsampleAdd: activation added after upsampling, -1 = none
  int out = -1;   // activation index, -1 = the caller's probability map (kFinalStageBands)
  const PackedConv* conv = nullptr;  // the op's weights (kFinalStageBands: the depthwise conv)
  const PackedConv* pw = nullptr;    // kFinalStageBands only
  const PackedConv* head = nullptr;  // kFinalStageBands only
  uint32_t stride = 1;
  uint32_t dilation = 1;
  Clamp clamp{0.f, 0.f};
};

// Per-thread scratch of the fused final stage: two band buffers of `band_floats` floats each.
struct BandScratch {
  uint32_t band_rows = 0;
  size_t band_floats = 0;
  std::vector<size_t> buffers;  // 2 per thread: ArenaPlanner ids
};

struct NetworkPlan {
  std::vector<ActivationShape> activations;
  std::vector<Op> ops;
  BandScratch band_scratch;
  ArenaPlanner planner;
  size_t arena_bytes = 0;
  double multiply_adds = 0;
};

// Plans `weights` (of architecture `spec`) for input_size x input_size inputs run by `threads` threads.
NetworkPlan build_network_plan(const ArchSpec& spec, const ModelWeights& weights, uint32_t input_size,
                               uint32_t threads);

}  // namespace hm
