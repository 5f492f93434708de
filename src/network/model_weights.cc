#include "network/model_weights.h"

#include <limits>

#include "kernels/kernel_table.h"

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

// A decoder stage with a skip computes, before its ReLU (x: the upsampled input, e: the skip's source):
//   pw(dw(x + skip(e))) = Wpw (dw_K(x) + b_dw) + b_pw + Wpw dw_K(Wskip e + b_skip)
// dw_K, Wpw and Wskip are linear, so the last term is a dense 3x3 "same" convolution of e with, for each
// tap k, the matrix M_k = Wpw diag(K_k) Wskip (out_c x skip_in_c), plus Wpw diag(K_k) b_skip for every tap
// that falls inside the tensor (the skip's bias is zero in the padding like the rest of it). So the stage
// is one 1x1 convolution over im2col3x3 rows [dw_K(x) + b_dw | 9 taps of e | 9 validity flags], with the
// weights [Wpw | M_0..M_8 | Wpw diag(K_k) b_skip]. Per pixel that is (D + 9 (Ce + 1)) P multiply-adds
// against Ce D + D P for skip + pw: about 61% at the inner stage (Ce 512, D 1024, P 64), where the skip's
// 1x1 convolution to 1024 channels was 9% of HairMatteNet's time. At the outer stages (D = P = 64) it
// would cost several times more, so they are not folded.
bool folding_saves_work(uint32_t skip_in_c, uint32_t depth, uint32_t out_c) {
  return uint64_t{9} * (skip_in_c + 1) * out_c < uint64_t{skip_in_c} * depth;
}

// The products M_k run through the engine's own 1x1 kernel (conv1x1): for tap k, the "pixels" are the
// Ce + 1 columns of [Wskip | b_skip] (each a D-vector) and the weights are Wpw diag(K_k).
PackedConv fold_skip_into_pointwise(const ModelFileContents& contents, const std::string& stage) {
  const NamedTensor* skip_w = find_tensor(contents, stage + ".skip.weight");  // [D, Ce, 1, 1]
  const NamedTensor* skip_b = find_tensor(contents, stage + ".skip.bias");    // [D]
  const NamedTensor* dw_w = find_tensor(contents, stage + ".dw.weight");      // [D, 1, 3, 3]
  const NamedTensor* pw_w = find_tensor(contents, stage + ".pw.weight");      // [P, D, 1, 1]
  const NamedTensor* pw_b = find_tensor(contents, stage + ".pw.bias");        // [P]
  const size_t depth = skip_w->shape[0], skip_in = skip_w->shape[1], out_c = pw_w->shape[0];
  const size_t row = im2col3x3_row_floats(depth, skip_in);

  std::vector<float> columns((skip_in + 1) * depth);  // row j: column j of [Wskip | b_skip]
  for (size_t c = 0; c < depth; ++c) {
    for (size_t j = 0; j < skip_in; ++j) columns[j * depth + c] = skip_w->values[c * skip_in + j];
    columns[skip_in * depth + c] = skip_b->values[c];
  }
  std::vector<float> weight(out_c * row, 0.0f);  // PyTorch layout [P, row]
  for (size_t o = 0; o < out_c; ++o) {
    for (size_t c = 0; c < depth; ++c) weight[o * row + c] = pw_w->values[o * depth + c];
  }
  std::vector<float> scaled(out_c * depth), packed(packed_conv1x1_size(depth, out_c)), product((skip_in + 1) * out_c);
  const Clamp none{-std::numeric_limits<float>::infinity(), std::numeric_limits<float>::infinity()};
  for (size_t k = 0; k < 9; ++k) {
    for (size_t o = 0; o < out_c; ++o) {
      for (size_t c = 0; c < depth; ++c) scaled[o * depth + c] = pw_w->values[o * depth + c] * dw_w->values[c * 9 + k];
    }
    pack_conv1x1(depth, out_c, scaled.data(), nullptr, packed.data());
    kF32Kernels.conv1x1(columns.data(), 1, depth, packed.data(), out_c, product.data(), none, 0, skip_in + 1);
    for (size_t o = 0; o < out_c; ++o) {
      for (size_t j = 0; j < skip_in; ++j) weight[o * row + depth + k * skip_in + j] = product[j * out_c + o];
      weight[o * row + depth + 9 * skip_in + k] = product[skip_in * out_c + o];
    }
  }
  PackedConv conv;
  conv.in_c = static_cast<uint32_t>(row);
  conv.out_c = static_cast<uint32_t>(out_c);
  conv.packed.resize(packed_conv1x1_size(row, out_c));
  pack_conv1x1(row, out_c, weight.data(), pw_b->values.data(), conv.packed.data());
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
    PackedConv& skip = w.decoder_skip[s];
    const bool has_head = s == decoder_stages(spec);  // the last stage's pw feeds the head: kept as it is
    if (skip.out_c && !has_head && folding_saves_work(skip.in_c, skip.out_c, w.decoder_pw[s].out_c)) {
      w.decoder_folded_pw[s] = fold_skip_into_pointwise(contents, stage);
      // The plan runs a folded stage with decoder_folded_pw alone: the skip's and the pointwise's own
      // packed weights (2.3 MB at the inner stage) would only take memory. Their shapes stay.
      std::vector<float>().swap(skip.packed);
      std::vector<float>().swap(w.decoder_pw[s].packed);
    }
  }
  w.head = pack_conv(contents, "head", ConvKind::kHeadSoftmax);
  return w;
}

}  // namespace hm

namespace hm {

uint64_t ModelWeights::bytes() const {
  uint64_t floats = conv0.packed.size() + head.packed.size();
  for (const PackedConv& c : encoder_dw) floats += c.packed.size();
  for (const PackedConv& c : encoder_pw) floats += c.packed.size();
  for (const PackedConv* stage : {decoder_skip, decoder_dw, decoder_pw, decoder_folded_pw}) {
    for (int s = 0; s < 6; ++s) floats += stage[s].packed.size();
  }
  return floats * sizeof(float);
}

}  // namespace hm
