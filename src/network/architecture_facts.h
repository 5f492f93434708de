// The numbers that describe HairSegNet and HairMatteNet (docs/model-format.md): their one definition.
// The engine (architecture.cc), the training code (training/hairmatte_train/architecture.py, through the
// generated training/hairmatte_train/facts.py) and the peer benchmark's graph (benchmarks/peers/
// architecture.mjs, through the generated bindings/js/constants.mjs) all build the networks from these
// tables; `node scripts/gen-constants.mjs` writes the generated copies and tests/node/one-home.test.mjs
// fails when they are stale. The architectures' names are kArchNames (base/facts.h).
//
// The generator reads `constexpr uint32_t kName = <number>;` and `constexpr uint32_t kName[N] = {...};`
// between the markers.
#pragma once
#include <cstdint>

namespace hm {

// facts:begin
// MobileNet-v1 channel counts C(k) of encoder blocks k = 0..13 (conv0, then dw/pw blocks 1..13) at width
// 1000 thousandths; a model of width w has C(k) * w / 1000 (exactly MobileNet's int(c * alpha)).
constexpr uint32_t kEncoderBaseChannels[14] = {32, 64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024};
// The encoder widths a model may have, in thousandths (MobileNet's alpha x 1000).
constexpr uint32_t kEncoderWidths[4] = {250, 500, 750, 1000};
// Encoder blocks whose depthwise convolution has stride 2: HairMatteNet (the ImageNet encoder, output
// stride 32), and HairSegNet (DeepLab-style, output stride 8: blocks 6 and 12 keep the resolution).
constexpr uint32_t kHairMatteNetStride2Blocks[4] = {2, 4, 6, 12};
constexpr uint32_t kHairSegNetStride2Blocks[2] = {2, 4};
// HairSegNet's depthwise dilation per encoder block k = 0..13 (HairMatteNet: 1 everywhere).
constexpr uint32_t kHairSegNetDilations[14] = {1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 4};
// Decoder stages (each an upsampling by 2): HairSegNet 3, HairMatteNet 5.
constexpr uint32_t kHairSegNetDecoderStages = 3;
constexpr uint32_t kHairMatteNetDecoderStages = 5;
// HairMatteNet's skip connections: the encoder block whose output feeds decoder stage s = 1..4.
constexpr uint32_t kHairMatteNetSkipBlocks[4] = {11, 5, 3, 1};
// The decoder depth D a model file may have.
constexpr uint32_t kMinDecoderDepth = 1;
constexpr uint32_t kMaxDecoderDepth = 1024;
// facts:end

}  // namespace hm
