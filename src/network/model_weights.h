// A model's weights repacked once, at load, into the layouts of src/kernels/kernels.h. The network
// planner reads layers from here; nothing else in the engine sees PyTorch layouts.
#pragma once
#include <cstdint>
#include <vector>

#include "network/architecture.h"
#include "network/model_file.h"

namespace hm {

// One convolution: channel counts and its kernel-ready buffer (weights and bias).
struct PackedConv {
  uint32_t in_c = 0;
  uint32_t out_c = 0;
  std::vector<float> packed;
};

class ModelWeights {
 public:
  // Packs every tensor of `contents` (already validated against contents.spec by the parser, or made by
  // random_model_contents) into kernel layouts.
  static ModelWeights pack(const ModelFileContents& contents);
  // Bytes of every packed buffer (for the memory check of a plan, memory_budget.h).
  uint64_t bytes() const;

  PackedConv conv0;                            // enc.conv0, 3x3 stride 2 on RGB
  PackedConv encoder_dw[kEncoderBlocks + 1];   // enc.dw{k}, k = 1..13 (index 0 unused)
  PackedConv encoder_pw[kEncoderBlocks + 1];   // enc.pw{k}
  PackedConv decoder_skip[6];                  // dec{s}.skip, s = 1..4 for HairMatteNet (empty otherwise)
  PackedConv decoder_dw[6];                    // dec{s}.dw, s = 1..stages
  PackedConv decoder_pw[6];                    // dec{s}.pw
  PackedConv head;                             // 1x1 to two classes, softmax fused
  // dec{s} with its skip convolution folded into the pointwise one (fold_skip_into_pointwise in
  // model_weights.cc): a 1x1 convolution over im2col3x3 rows of [dw(upsampled input) | skip source].
  // Empty (in_c 0) for the stages where folding would not save work (all but the 1024-wide inner one).
  // Where it is set, that stage's decoder_skip and decoder_pw keep their shapes but no packed weights.
  PackedConv decoder_folded_pw[6];
};

}  // namespace hm
