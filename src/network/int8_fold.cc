#include "network/int8_fold.h"

#include <algorithm>
#include <cmath>

#include "network/architecture.h"

namespace hm {
namespace {

int node_index(const std::vector<QNode>& graph, const std::string& name) {
  for (size_t i = 0; i < graph.size(); ++i)
    if (graph[i].name == name) return static_cast<int>(i);
  return -1;
}

// Dequantised weights [out][per_channel] in float64: q * weight_scale[out].
std::vector<double> real_weights(const QNodeParams& p, uint32_t out, size_t per_channel) {
  std::vector<double> w(size_t{out} * per_channel);
  for (uint32_t o = 0; o < out; ++o) {
    const double s = p.weight_scale->values[o];
    for (size_t k = 0; k < per_channel; ++k) w[o * per_channel + k] = p.weight->ints[o * per_channel + k] * s;
  }
  return w;
}

}  // namespace

bool int8_dec1_foldable(const ArchSpec& spec) {
  const int block = decoder_skip_block(spec, 1);
  if (block == 0) return false;
  const uint32_t c = decoder_stage_channels(spec, 1);
  const uint32_t source = encoder_channels(spec, block);
  return 9 * spec.decoder_depth < c && c >= 65 && 9 * source >= 65;
}

Int8Dec1Fold int8_dec1_fold(const ArchSpec& spec, const std::vector<QNode>& graph,
                            const std::vector<QNodeParams>& params) {
  Int8Dec1Fold f;
  f.skip = node_index(graph, "dec1.skip");
  f.add = node_index(graph, "dec1.add");
  f.dw = node_index(graph, "dec1.dw");
  f.pw = node_index(graph, "dec1.pw");
  f.source = graph[f.skip].input;
  f.source_c = graph[f.skip].in_c;
  f.stage_c = graph[f.skip].out_c;
  f.depth = spec.decoder_depth;
  const QNodeParams& skip = params[f.skip];
  const QNodeParams& dw = params[f.dw];
  const QNodeParams& pw = params[f.pw];
  const size_t n_in = f.source_c, c_n = f.stage_c, d_n = f.depth;
  f.source_zero_point = skip.input_zero_point;

  // dw on y: bias * sum_scale * w_scale = bias' * y_scale * w_scale, requantisation as derive_int8_params.
  f.y = graph[f.add].input;
  const QNodeParams& add = params[f.add];
  f.y_zero_point = add.input_zero_point;
  f.dw_bias.resize(c_n);
  f.dw_scale.resize(c_n);
  for (size_t c = 0; c < c_n; ++c) {
    f.dw_bias[c] = static_cast<int32_t>(
        std::nearbyint(dw.bias->ints[c] * static_cast<double>(dw.input_scale) / static_cast<double>(add.input_scale)));
    f.dw_scale[c] = static_cast<float>(static_cast<double>(add.input_scale) * static_cast<double>(dw.weight_scale->values[c]) /
                                       static_cast<double>(dw.output_scale));
  }
  // b_s enters the fold's accumulators below, exactly.
  std::vector<double> b_s(c_n);  // the skip's bias in real units (bias * input_scale * weight_scale)
  for (size_t c = 0; c < c_n; ++c)
    b_s[c] = skip.bias->ints[c] * static_cast<double>(skip.input_scale) * skip.weight_scale->values[c];

  // Wf[o][k][i] = sum over c (ascending) of (pw[o][c] * dw[c][k]) * Ws[c][i], in float64.
  const std::vector<double> ws = real_weights(skip, f.stage_c, n_in);
  const std::vector<double> wd = real_weights(dw, f.stage_c, 9);
  const std::vector<double> wp = real_weights(pw, f.depth, c_n);
  const size_t row = 9 * n_in;
  std::vector<double> wf(d_n * row, 0.0);
  for (size_t o = 0; o < d_n; ++o) {
    double* out = &wf[o * row];
    for (size_t c = 0; c < c_n; ++c) {
      const double* src = &ws[c * n_in];
      for (size_t k = 0; k < 9; ++k) {
        const double t = wp[o * c_n + c] * wd[c * 9 + k];
        double* tap = out + k * n_in;
        for (size_t i = 0; i < n_in; ++i) tap[i] += t * src[i];
      }
    }
  }
  // Per input step (the source's scale), quantised per output channel; the accumulators then count
  // fold_scale_real[o] = max|Wf[o] * source_scale| / 127 each, requantised into pw's output.
  const double source_scale = skip.input_scale;
  f.weight.resize(d_n * row);
  f.fold_scale.resize(d_n);
  std::vector<double> steps(d_n);
  for (size_t o = 0; o < d_n; ++o) {
    double top = 0.0;
    for (size_t j = 0; j < row; ++j) top = std::max(top, std::fabs(wf[o * row + j] * source_scale));
    const double step = top > 0.0 ? top / 127.0 : 1.0;
    for (size_t j = 0; j < row; ++j) {
      const double q = std::nearbyint(wf[o * row + j] * source_scale / step);
      f.weight[o * row + j] = static_cast<int8_t>(std::clamp(q, -127.0, 127.0));
    }
    f.fold_scale[o] = static_cast<float>(step / static_cast<double>(pw.output_scale));
    steps[o] = step;
  }
  // [pw o dw](b_s zero-padded) per pixel class, in the fold's accumulator units: sum over c (ascending) of
  // (pw[o][c] * t[c]) * b_s[c], t[c] the sum of dw[c]'s taps inside the image (ky, then kx, ascending).
  f.bias_by_class.assign(16 * d_n, 0);
  for (uint32_t cls = 0; cls < 16; ++cls) {
    const bool top = cls & kFoldTop, bottom = cls & kFoldBottom, left = cls & kFoldLeft, right = cls & kFoldRight;
    std::vector<double> v(d_n, 0.0);
    for (size_t c = 0; c < c_n; ++c) {
      double t = 0.0;
      for (int ky = top ? 1 : 0; ky <= (bottom ? 1 : 2); ++ky)
        for (int kx = left ? 1 : 0; kx <= (right ? 1 : 2); ++kx) t += wd[c * 9 + ky * 3 + kx];
      for (size_t o = 0; o < d_n; ++o) v[o] += wp[o * c_n + c] * t * b_s[c];
    }
    for (size_t o = 0; o < d_n; ++o) f.bias_by_class[cls * d_n + o] = static_cast<int32_t>(std::nearbyint(v[o] / steps[o]));
  }
  f.pw_scale = pw.requant;
  return f;
}

}  // namespace hm
