#include "network/int8_layout.h"

namespace hm {

std::vector<QNode> int8_graph(const ArchSpec& spec) {
  std::vector<QNode> g;
  auto add = [&g](QNode n) {
    g.push_back(std::move(n));
    return static_cast<int>(g.size() - 1);
  };
  QNode conv0{"enc.conv0", QNodeKind::kConv0};
  conv0.stride = 2;
  conv0.in_c = 3;
  conv0.out_c = encoder_channels(spec, 0);
  conv0.activation = QActivation::kReLU6;
  int prev = add(conv0);
  int block_output[kEncoderBlocks + 1] = {prev};
  for (int k = 1; k <= kEncoderBlocks; ++k) {
    const DepthwiseGeometry geometry = encoder_dw_geometry(spec, k);
    QNode dw{"enc.dw" + std::to_string(k), QNodeKind::kDepthwise, prev};
    dw.stride = geometry.stride;
    dw.dilation = geometry.dilation;
    dw.in_c = dw.out_c = encoder_channels(spec, k - 1);
    dw.activation = QActivation::kReLU6;
    prev = add(dw);
    QNode pw{"enc.pw" + std::to_string(k), QNodeKind::kPointwise, prev};
    pw.in_c = encoder_channels(spec, k - 1);
    pw.out_c = encoder_channels(spec, k);
    pw.activation = QActivation::kReLU6;
    prev = block_output[k] = add(pw);
  }
  for (int s = 1; s <= decoder_stages(spec); ++s) {
    const std::string stage = "dec" + std::to_string(s);
    const uint32_t c = decoder_stage_channels(spec, s);
    QNode dw{stage + ".dw", QNodeKind::kDepthwise, prev};
    dw.in_c = dw.out_c = c;
    if (const int block = decoder_skip_block(spec, s)) {
      QNode skip{stage + ".skip", QNodeKind::kPointwise, block_output[block]};
      skip.in_c = encoder_channels(spec, block);
      skip.out_c = c;
      const int skip_id = add(skip);
      QNode sum{stage + ".add", QNodeKind::kAdd, prev};
      sum.skip = skip_id;
      sum.upsampled = true;
      sum.in_c = sum.out_c = c;
      dw.input = add(sum);
    } else {
      dw.upsampled = true;
    }
    prev = add(dw);
    QNode pw{stage + ".pw", QNodeKind::kPointwise, prev};
    pw.in_c = c;
    pw.out_c = spec.decoder_depth;
    pw.activation = QActivation::kReLU;
    prev = add(pw);
  }
  QNode head{"head", QNodeKind::kHead, prev};
  head.in_c = spec.decoder_depth;
  head.out_c = 2;
  add(head);
  return g;
}

std::vector<QTensorSpec> required_int8_tensors(const ArchSpec& spec) {
  std::vector<QTensorSpec> t;
  for (const QNode& n : int8_graph(spec)) {
    if (n.kind != QNodeKind::kAdd) {
      std::vector<uint32_t> shape;
      switch (n.kind) {
        case QNodeKind::kConv0: shape = {n.out_c, 3, 3, 3}; break;
        case QNodeKind::kDepthwise: shape = {n.out_c, 1, 3, 3}; break;
        default: shape = {n.out_c, n.in_c, 1, 1}; break;
      }
      t.push_back({n.name + ".weight", shape, TensorDType::kInt8});
      t.push_back({n.name + ".weight_scale", {n.out_c}, TensorDType::kFloat32});
      t.push_back({n.name + ".bias", {n.out_c}, TensorDType::kInt32});
    }
    if (n.kind != QNodeKind::kHead) {
      t.push_back({n.name + ".output_scale", {1}, TensorDType::kFloat32});
      t.push_back({n.name + ".output_zero_point", {1}, TensorDType::kInt32});
    }
  }
  return t;
}

}  // namespace hm
