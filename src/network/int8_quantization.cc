#include "network/int8_quantization.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>

namespace hm {
namespace {

Status positive_scales(const NamedTensor& t) {
  for (size_t i = 0; i < t.values.size(); ++i) {
    if (!(t.values[i] > 0.0f)) {  // NaN and infinities were already refused by the parser
      return Status::error("tensor '" + t.name + "' holds the scale " + std::to_string(t.values[i]) +
                           " at element " + std::to_string(i) + ": scales must be positive");
    }
  }
  return Status{};
}

}  // namespace

Status derive_int8_params(const ModelFileContents& contents, std::vector<QNodeParams>* params) {
  const std::vector<QNode> graph = int8_graph(contents.spec);
  std::vector<QNodeParams> nodes(graph.size());
  auto tensor = [&contents](const std::string& name) { return find_tensor(contents, name); };
  for (size_t i = 0; i < graph.size(); ++i) {
    const QNode& n = graph[i];
    QNodeParams& p = nodes[i];
    if (n.input < 0) {
      p.input_scale = kInt8InputScale;
      p.input_zero_point = 0;
    } else {
      p.input_scale = nodes[n.input].output_scale;
      p.input_zero_point = nodes[n.input].output.zero_point;
    }
    if (n.kind != QNodeKind::kHead) {
      const NamedTensor* scale = tensor(n.name + ".output_scale");
      const NamedTensor* zero_point = tensor(n.name + ".output_zero_point");
      Status st = positive_scales(*scale);
      if (!st.ok) return st;
      const int32_t zp = zero_point->ints[0];
      if (zp < -128 || zp > 127) {
        return Status::error("tensor '" + zero_point->name + "' is " + std::to_string(zp) +
                             ", outside the int8 range -128..127");
      }
      p.output_scale = scale->values[0];
      p.output.zero_point = static_cast<int8_t>(zp);
      p.output.min = n.activation == QActivation::kNone ? -128 : static_cast<int8_t>(zp);
      p.output.max = 127;
      if (n.activation == QActivation::kReLU6) {
        const double top = zp + std::nearbyint(6.0 / static_cast<double>(p.output_scale));
        p.output.max = static_cast<int8_t>(top < 127.0 ? top : 127.0);
      }
    }
    if (n.kind == QNodeKind::kAdd) {
      const QNodeParams& skip = nodes[n.skip];
      if (!qs8_add_params(p.input_scale, p.input_zero_point, skip.output_scale, skip.output.zero_point,
                          p.output_scale, p.output, &p.add)) {
        return Status::error("node '" + n.name + "': the scales of its inputs (" + std::to_string(p.input_scale) +
                             ", " + std::to_string(skip.output_scale) + ") over its output scale " +
                             std::to_string(p.output_scale) +
                             " are outside the int8 add's range (the larger ratio must lie in [2^-10, 2^8))");
      }
      continue;
    }
    p.weight = tensor(n.name + ".weight");
    p.bias = tensor(n.name + ".bias");
    const NamedTensor* weight_scale = p.weight_scale = tensor(n.name + ".weight_scale");
    Status st = positive_scales(*weight_scale);
    if (!st.ok) return st;
    for (size_t k = 0; k < p.weight->ints.size(); ++k) {
      if (p.weight->ints[k] == -128) {
        return Status::error("tensor '" + p.weight->name + "' holds -128 at element " + std::to_string(k) +
                             ": int8 weights must lie in [-127, 127] (symmetric quantisation)");
      }
    }
    // The kernels fold the input zero point into the bias (b - zp * sum(w)) and accumulate sum(w * q) in
    // int32: with |zp|, |q| <= 128 that stays in range when |b| + 256 * sum|w| <= 2^31 - 1. Trained models
    // are far inside (sum|w| <= 127 * K); a file outside would overflow, so it is refused.
    const size_t per_channel = p.weight->ints.size() / n.out_c;
    for (uint32_t c = 0; c < n.out_c; ++c) {
      int64_t magnitude = 0;
      for (size_t k = 0; k < per_channel; ++k) magnitude += std::abs(p.weight->ints[c * per_channel + k]);
      const int64_t bias = p.bias->ints[c];
      if ((bias < 0 ? -bias : bias) + 256 * magnitude > INT32_MAX) {
        return Status::error("tensor '" + p.bias->name + "' holds " + std::to_string(bias) + " at element " +
                             std::to_string(c) + ": with its weights (sum |w| = " + std::to_string(magnitude) +
                             ") the int32 accumulator could overflow (|bias| + 256 * sum |w| must be <= 2^31 - 1)");
      }
    }
    p.requant.resize(n.out_c);
    for (uint32_t c = 0; c < n.out_c; ++c) {
      double r = static_cast<double>(p.input_scale) * static_cast<double>(weight_scale->values[c]);
      if (n.kind != QNodeKind::kHead) r /= static_cast<double>(p.output_scale);
      p.requant[c] = static_cast<float>(r);
      if (!(p.requant[c] > 0.0f) || !std::isfinite(p.requant[c])) {
        return Status::error("node '" + n.name + "', channel " + std::to_string(c) +
                             ": the requantisation scale input_scale * weight_scale / output_scale = " +
                             std::to_string(r) + " is not a positive finite float32");
      }
    }
  }
  if (params) *params = std::move(nodes);
  return Status{};
}

}  // namespace hm
