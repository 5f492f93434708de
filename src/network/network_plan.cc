#include "network/network_plan.h"

#include <algorithm>
#include <limits>

#include "network/architecture.h"
#include "network/decoder_stage_bands.h"

namespace hm {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr Clamp kReLU6{0.f, 6.f};
constexpr Clamp kNoClamp{-kInf, kInf};
constexpr Clamp kReLU{0.f, kInf};

// Size of one band buffer of a fused decoder stage: a band's two buffers should stay in a core's L2
// (256 KB..1 MB on the phones and laptops this runs on) with room for the weights streaming through.
constexpr size_t kBandTargetBytes = 192 * 1024;

uint32_t ceil_div(uint32_t a, uint32_t b) { return (a + b - 1) / b; }

class PlanBuilder {
 public:
  PlanBuilder(NetworkPlan* plan, uint32_t threads) : plan_(*plan), threads_(threads) {}

  int activation(uint32_t h, uint32_t w, uint32_t c) {
    const int step = static_cast<int>(plan_.ops.size());
    ActivationShape a{h, w, c, plan_.planner.add(uint64_t{h} * w * c * sizeof(float), step, step)};
    plan_.activations.push_back(a);
    return static_cast<int>(plan_.activations.size() - 1);
  }
  const ActivationShape& shape(int id) const { return plan_.activations[id]; }

  static Op simple_op(OpKind kind, int in, int out, const PackedConv* conv, Clamp clamp) {
    Op op{kind};
    op.in = in;
    op.out = out;
    op.conv = conv;
    op.clamp = clamp;
    return op;
  }

  // Gives the op just emitted `buffers` scratch buffers of `bytes` each, alive only during that op.
  void add_band_scratch(uint32_t buffers, size_t bytes) {
    const int step = static_cast<int>(plan_.ops.size()) - 1;
    plan_.ops.back().band_scratch = plan_.band_scratch.size();
    for (uint32_t i = 0; i < buffers; ++i) plan_.band_scratch.push_back(plan_.planner.add(bytes, step, step));
  }

  // Appends `op`, extending the lifetimes of the activations it reads and writes to this step.
  void emit(const Op& op) {
    const int step = static_cast<int>(plan_.ops.size());
    for (int id : {op.in, op.skip, op.out}) {
      if (id >= 0) plan_.planner.use(plan_.activations[id].buffer, step);
    }
    plan_.ops.push_back(op);
  }

  int input_conv(uint32_t size, const PackedConv& conv) {
    const uint32_t out_size = ceil_div(size, 2);
    const int out = activation(out_size, out_size, conv.out_c);
    emit(simple_op(OpKind::kInputConv, -1, out, &conv, kReLU6));
    plan_.multiply_adds += double(out_size) * out_size * conv.out_c * 27;
    return out;
  }

  int depthwise(int in, const PackedConv& conv, uint32_t stride, uint32_t dilation, Clamp clamp) {
    const ActivationShape s = shape(in);
    const int out = activation(ceil_div(s.h, stride), ceil_div(s.w, stride), s.c);
    Op op = simple_op(OpKind::kDepthwise, in, out, &conv, clamp);
    op.stride = stride;
    op.dilation = dilation;
    emit(op);
    plan_.multiply_adds += double(shape(out).h) * shape(out).w * s.c * 9;
    return out;
  }

  int pointwise(int in, const PackedConv& conv, Clamp clamp) {
    const ActivationShape s = shape(in);
    const int out = activation(s.h, s.w, conv.out_c);
    emit(simple_op(OpKind::kPointwise, in, out, &conv, clamp));
    plan_.multiply_adds += double(s.h) * s.w * conv.in_c * conv.out_c;
    return out;
  }

  // A decoder stage fused per band (decoder_stage_bands.h): in (h x w x c) -> upsample (+ skip) -> dw ->
  // pw (ReLU) [-> head], at 2h x 2w. Returns the output activation, or -1 when the head wrote the
  // caller's probability map.
  int decoder_stage(int in, int skip, const PackedConv& dw, const PackedConv& pw, const PackedConv* head) {
    const ActivationShape s = shape(in);
    const uint32_t out_h = 2 * s.h, out_w = 2 * s.w;
    const int out = head ? -1 : activation(out_h, out_w, pw.out_c);
    Op op{OpKind::kDecoderStage};
    op.in = in;
    op.skip = skip;
    op.out = out;
    op.conv = &dw;
    op.pw = &pw;
    op.head = head;
    const uint32_t widest = s.c > pw.out_c ? s.c : pw.out_c;
    op.band_rows = decoder_band_rows(out_w, widest, kBandTargetBytes);
    emit(op);
    DecoderStageBands geometry;
    geometry.h = s.h;
    geometry.w = s.w;
    geometry.c = s.c;
    geometry.pw = &pw;
    geometry.band_rows = op.band_rows;
    // Two band buffers per thread, alive only during this stage: one holds the upsampled rows (and, in
    // the last stage, the pw output), the other the depthwise output.
    add_band_scratch(2 * threads_, decoder_band_floats(geometry) * sizeof(float));
    const double pixels = double(out_h) * out_w;
    plan_.multiply_adds += pixels * (s.c * 9 + double(pw.in_c) * pw.out_c + (head ? double(head->in_c) * 2 : 0));
    return out;
  }

  // A decoder stage whose skip convolution is folded into its pointwise one (model_weights.cc):
  // t = dw(upsample(in)), then per band of rows: im2col3x3 rows [t | taps of skip_source | flags] in a
  // per-thread buffer (about kBandTargetBytes: never the whole 4.4 MB of rows at 224x224) and
  // ReLU(folded_pw(rows)). conv1x1 streams its weights per 2-pixel block at this width anyway, so bands
  // cost no extra weight traffic.
  int folded_decoder_stage(int in, int skip_source, const PackedConv& dw, const PackedConv& folded_pw,
                           const PackedConv& skip, const PackedConv& pw) {
    const ActivationShape s = shape(in), e = shape(skip_source);
    const uint32_t out_h = 2 * s.h, out_w = 2 * s.w;
    const int upsampled = activation(out_h, out_w, s.c);
    emit(simple_op(OpKind::kUpsampleDepthwise, in, upsampled, &dw, kNoClamp));
    const int out = activation(out_h, out_w, folded_pw.out_c);
    Op op = simple_op(OpKind::kFoldedPointwise, upsampled, out, &folded_pw, kReLU);
    op.skip = skip_source;
    const size_t row_bytes = size_t{out_w} * folded_pw.in_c * sizeof(float);
    op.band_rows = static_cast<uint32_t>(std::max<size_t>(1, kBandTargetBytes / row_bytes));
    emit(op);
    add_band_scratch(threads_, op.band_rows * row_bytes);  // one per thread
    // Counted as the layers it replaces: skip 1x1, depthwise, pointwise.
    plan_.multiply_adds += double(out_h) * out_w * (double(e.c) * skip.out_c + s.c * 9 + double(pw.in_c) * pw.out_c);
    return out;
  }

 private:
  NetworkPlan& plan_;
  uint32_t threads_;
};

}  // namespace

NetworkPlan build_network_plan(const ArchSpec& spec, const ModelWeights& weights, uint32_t input_size,
                               uint32_t threads) {
  NetworkPlan plan;
  PlanBuilder b(&plan, threads);
  int x = b.input_conv(input_size, weights.conv0);
  int block_output[kEncoderBlocks + 1] = {x};
  for (int k = 1; k <= kEncoderBlocks; ++k) {
    const DepthwiseGeometry g = encoder_dw_geometry(spec, k);
    x = b.depthwise(x, weights.encoder_dw[k], g.stride, g.dilation, kReLU6);
    x = b.pointwise(x, weights.encoder_pw[k], kReLU6);
    block_output[k] = x;
  }
  const int stages = decoder_stages(spec);
  for (int s = 1; s <= stages; ++s) {
    // The skip's 1x1 convolution runs right before its stage, so its output lives only briefly.
    const int skip_block = decoder_skip_block(spec, s);
    const bool last = s == stages;
    if (skip_block && weights.decoder_folded_pw[s].in_c) {  // never the last stage (model_weights.cc)
      x = b.folded_decoder_stage(x, block_output[skip_block], weights.decoder_dw[s], weights.decoder_folded_pw[s],
                                 weights.decoder_skip[s], weights.decoder_pw[s]);
      continue;
    }
    const int skip = skip_block ? b.pointwise(block_output[skip_block], weights.decoder_skip[s], kNoClamp) : -1;
    x = b.decoder_stage(x, skip, weights.decoder_dw[s], weights.decoder_pw[s], last ? &weights.head : nullptr);
  }
  plan.arena_bytes = plan.planner.plan();
  return plan;
}

}  // namespace hm
