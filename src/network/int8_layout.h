// The int8 (QS8) model of an architecture (docs/model-format.md, version 2): the network as the sequence
// of quantised nodes the engine runs, with each node's int8 output tensor, and the exact tensor list of a
// quantised model file. training/hairmatte_train/quantize.py builds the same graph (build_graph): the
// quantisation points there and here must be the same, node for node, or the engine would not compute
// what the quantiser calibrated.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "network/architecture.h"
#include "network/model_file.h"

namespace hm {

enum class QNodeKind {
  kConv0,      // 3x3 stride 2 on the RGB input (int8 q = p - 128, scale 1/127.5, zero point 0)
  kDepthwise,  // 3x3 depthwise; `upsampled`: on the nearest 2x upsampling of its input (decoder)
  kPointwise,  // 1x1
  kAdd,        // nearest 2x upsampling of `input` + `skip` (the skip convolution's output)
  kHead        // 1x1 to two logits, dequantised, softmax: the fp32 P(hair) map
};
enum class QActivation { kNone, kReLU, kReLU6 };

struct QNode {
  std::string name;     // "enc.conv0", "enc.dw3", "dec2.skip", "dec2.add", "dec5.pw", "head"
  QNodeKind kind;
  int input = -1;       // node index, -1 = the network input
  int skip = -1;        // kAdd: the skip convolution's node
  bool upsampled = false;
  uint32_t stride = 1, dilation = 1;
  uint32_t in_c = 0, out_c = 0;
  QActivation activation = QActivation::kNone;
};

// The nodes in execution order (inputs always come before their users).
std::vector<QNode> int8_graph(const ArchSpec& spec);

struct QTensorSpec {
  std::string name;
  std::vector<uint32_t> shape;
  TensorDType dtype;
};
// Every tensor of a quantised file, in canonical order: per convolution `.weight` (int8, PyTorch layout),
// `.weight_scale` (fp32 [out]), `.bias` (int32 [out]); per node but the head `.output_scale` (fp32 [1]) and
// `.output_zero_point` (int32 [1]).
std::vector<QTensorSpec> required_int8_tensors(const ArchSpec& spec);

// The fixed quantisation of the network input: q = p - 128 for a byte p, real = q / 127.5 (zero point 0;
// conv0's bias carries the remaining + 0.5 * sum(w)).
constexpr float kInt8InputScale = 1.0f / 127.5f;

}  // namespace hm
