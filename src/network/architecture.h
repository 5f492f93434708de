// What each architecture is made of, derived from an ArchSpec (docs/model-format.md): the encoder's
// channel counts and block geometry, the decoder's stages, and the exact list of tensors a model file
// must hold. The loader, the random initialiser, the file writer and the network planner all read the
// architecture from here, so there is one definition of it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "network/engine.h"

namespace hm {

constexpr int kEncoderBlocks = 13;  // MobileNet-v1 depthwise-separable blocks 1..13 after conv0

// Header checks shared by the loader and Model::random: known arch, decoder depth and encoder width as
// architecture_facts.h allows, input size a positive multiple of 32.
Status validate_arch_spec(const ArchSpec& spec);

// C(k) for k = 0..13: 32, 64, 128, 128, 256, 256, 512 x6, 1024, 1024, times alpha (int(c * alpha)).
uint32_t encoder_channels(const ArchSpec& spec, int k);

// Geometry of the depthwise convolution of encoder block k (1..13).
struct DepthwiseGeometry {
  uint32_t stride = 1;
  uint32_t dilation = 1;
};
DepthwiseGeometry encoder_dw_geometry(const ArchSpec& spec, int k);

// Decoder: stage count (HairMatteNet 5, HairSegNet 3) and, for HairMatteNet stages 1..4, the encoder
// block whose output feeds the skip (11, 5, 3, 1); 0 = no skip.
int decoder_stages(const ArchSpec& spec);
int decoder_skip_block(const ArchSpec& spec, int stage);
// Channel count entering stage s (its upsampling and depthwise convolution): C(13) for s = 1, else D.
uint32_t decoder_stage_channels(const ArchSpec& spec, int stage);

struct TensorSpec {
  std::string name;
  std::vector<uint32_t> shape;  // PyTorch layout, outermost first
};
// Every tensor the architecture needs, in a canonical order (encoder, decoder, head; weight then bias).
std::vector<TensorSpec> required_tensors(const ArchSpec& spec);

std::string shape_to_string(const std::vector<uint32_t>& shape);  // "[64, 32, 1, 1]"

}  // namespace hm
