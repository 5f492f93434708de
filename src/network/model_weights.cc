#include "network/model_weights.h"

#include "kernels/kernels.h"

namespace hm {
namespace {

enum class ConvKind { kRgb3x3, kDepthwise3x3, kPointwise, kHeadSoftmax };

PackedConv pack_conv(const ModelFileContents& contents, const std::string& name, ConvKind kind) {
  const NamedTensor* weight = find_tensor(contents, name + ".weight");
  const NamedTensor* bias = find_tensor(contents, name + ".bias");
  PackedConv conv;
  conv.out_c = weight->shape[0];
  conv.in_c = kind == ConvKind::kDepthwise3x3 ? weight->shape[0] : weight->shape[1];
  switch (kind) {
    case ConvKind::kRgb3x3:
      conv.packed.resize(packed_conv3x3s2_rgb_size(conv.out_c));
      pack_conv3x3s2_rgb(conv.out_c, weight->values.data(), bias->values.data(), conv.packed.data());
      break;
    case ConvKind::kDepthwise3x3:
      conv.packed.resize(packed_dwconv3x3_size(conv.out_c));
      pack_dwconv3x3(conv.out_c, weight->values.data(), bias->values.data(), conv.packed.data());
      break;
    case ConvKind::kPointwise:
      conv.packed.resize(packed_conv1x1_size(conv.in_c, conv.out_c));
      pack_conv1x1(conv.in_c, conv.out_c, weight->values.data(), bias->values.data(), conv.packed.data());
      break;
    case ConvKind::kHeadSoftmax:
      conv.packed.resize(packed_conv1x1_softmax2_size(conv.in_c));
      pack_conv1x1_softmax2(conv.in_c, weight->values.data(), bias->values.data(), conv.packed.data());
      break;
  }
  return conv;
}

}  // namespace

ModelWeights ModelWeights::pack(const ModelFileContents& contents) {
  const ArchSpec& spec = contents.spec;
  ModelWeights w;
  w.conv0 = pack_conv(contents, "enc.conv0", ConvKind::kRgb3x3);
  for (int k = 1; k <= kEncoderBlocks; ++k) {
    w.encoder_dw[k] = pack_conv(contents, "enc.dw" + std::to_string(k), ConvKind::kDepthwise3x3);
    w.encoder_pw[k] = pack_conv(contents, "enc.pw" + std::to_string(k), ConvKind::kPointwise);
  }
  for (int s = 1; s <= decoder_stages(spec); ++s) {
    const std::string stage = "dec" + std::to_string(s);
    if (decoder_skip_block(spec, s)) w.decoder_skip[s] = pack_conv(contents, stage + ".skip", ConvKind::kPointwise);
    w.decoder_dw[s] = pack_conv(contents, stage + ".dw", ConvKind::kDepthwise3x3);
    w.decoder_pw[s] = pack_conv(contents, stage + ".pw", ConvKind::kPointwise);
  }
  w.head = pack_conv(contents, "head", ConvKind::kHeadSoftmax);
  return w;
}

}  // namespace hm
