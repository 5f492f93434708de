// The quantisation parameters of a quantised (int8) model, derived from its file's tensors: per node the
// output's scale and zero point, the clamp of its activation, the per-channel requantisation scales and,
// for the skip adds, the QS8 add multipliers. The file stores only the primary values (weight scales,
// int32 biases, activation scales and zero points: docs/model-format.md); everything derived here is
// computed exactly as training/hairmatte_train/quantize.py computes it (requant_scales, output_clamp,
// add_params), so that the engine and the quantiser's simulated int8 network agree bit for bit.
#pragma once
#include <cstdint>
#include <vector>

#include "base/status.h"
#include "kernels/qs8_kernels.h"
#include "network/int8_layout.h"
#include "network/model_file.h"

namespace hm {

struct QNodeParams {
  float input_scale = 0;      // of the node's (first) input
  int8_t input_zero_point = 0;
  float output_scale = 0;     // not for the head
  QS8Output output{0, -128, 127};
  std::vector<float> requant;  // per output channel; head: the dequantisation scale of its accumulators
  QS8AddParams add{};          // kAdd only
  const NamedTensor* weight = nullptr;  // int8 (ints), PyTorch layout; null for kAdd
  const NamedTensor* bias = nullptr;    // int32 (ints)
  const NamedTensor* weight_scale = nullptr;  // fp32 [out] (values)
};

// Checks every scale and zero point of a quantised file's contents (names and shapes already checked
// by the parser) and derives the parameters of each node of int8_graph(contents.spec). The errors name
// the tensor or node: a non-positive scale, a zero point outside -128..127, a weight of -128 (the kernels
// need [-127, 127]), a requantisation scale that is not a positive finite float, add scales outside
// the QS8 add's range. `params` may be null (validation only); its pointers refer into `contents`.
Status derive_int8_params(const ModelFileContents& contents, std::vector<QNodeParams>* params);

inline Status validate_int8_contents(const ModelFileContents& contents) {
  return derive_int8_params(contents, nullptr);
}

}  // namespace hm
