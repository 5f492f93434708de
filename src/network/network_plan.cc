#include "network/network_plan.h"

#include <limits>

#include "network/architecture.h"
#include "network/final_stage_bands.h"

namespace hm {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr Clamp kReLU6{0.f, 6.f};
constexpr Clamp kReLU{0.f, kInf};
constexpr Clamp kNoClamp{-kInf, kInf};

// Rows per band of the fused full-resolution stage: small enough that a band's two buffers stay in a
// core's L2 at 224 x 64 channels, large enough that the 2-row halo on each side stays cheap.
constexpr uint32_t kBandRows = 4;

uint32_t ceil_div(uint32_t a, uint32_t b) { return (a + b - 1) / b; }

class PlanBuilder {
 public:
  explicit PlanBuilder(NetworkPlan* plan) : plan_(*plan) {}

  int activation(uint32_t h, uint32_t w, uint32_t c) {
    const int step = static_cast<int>(plan_.ops.size());
    ActivationShape a{h, w, c, plan_.planner.add(size_t{h} * w * c * sizeof(float), step, step)};
    plan_.activations.push_back(a);
    return static_cast<int>(plan_.activations.size() - 1);
  }
  const ActivationShape& shape(int id) const { return plan_.activations[id]; }

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
    Op op{OpKind::kInputConv};
    op.out = out;
    op.conv = &conv;
    op.clamp = kReLU6;
    emit(op);
    plan_.multiply_adds += double(out_size) * out_size * conv.out_c * 27;
    return out;
  }

  int depthwise(int in, const PackedConv& conv, uint32_t stride, uint32_t dilation, Clamp clamp) {
    const ActivationShape s = shape(in);
    const int out = activation(ceil_div(s.h, stride), ceil_div(s.w, stride), s.c);
    Op op{OpKind::kDepthwise};
    op.in = in;
    op.out = out;
    op.conv = &conv;
    op.stride = stride;
    op.dilation = dilation;
    op.clamp = clamp;
    emit(op);
    plan_.multiply_adds += double(shape(out).h) * shape(out).w * s.c * 9;
    return out;
  }

  int pointwise(int in, const PackedConv& conv, Clamp clamp) {
    const ActivationShape s = shape(in);
    const int out = activation(s.h, s.w, conv.out_c);
    Op op{OpKind::kPointwise};
    op.in = in;
    op.out = out;
    op.conv = &conv;
    op.clamp = clamp;
    emit(op);
    plan_.multiply_adds += double(s.h) * s.w * conv.in_c * conv.out_c;
    return out;
  }

  int upsample_add(int in, int skip) {
    const ActivationShape s = shape(in);
    const int out = activation(2 * s.h, 2 * s.w, s.c);
    Op op{OpKind::kUpsampleAdd};
    op.in = in;
    op.skip = skip;
    op.out = out;
    emit(op);
    return out;
  }

  // Final stage fused per band: in (h x w x c) -> upsample -> dw -> pw (ReLU) -> head, at 2h x 2w.
  void final_stage_bands(int in, const PackedConv& dw, const PackedConv& pw, const PackedConv& head,
                         uint32_t threads) {
    const ActivationShape s = shape(in);
    const uint32_t out_h = 2 * s.h, out_w = 2 * s.w;
    Op op{OpKind::kFinalStageBands};
    op.in = in;
    op.conv = &dw;
    op.pw = &pw;
    op.head = &head;
    const int step = static_cast<int>(plan_.ops.size());
    emit(op);
    // Two band buffers per thread: one holds the upsampled rows and later the pw output, the other the
    // depthwise output.
    BandScratch& scratch = plan_.band_scratch;
    scratch.band_rows = kBandRows;
    scratch.band_floats = final_stage_band_floats(kBandRows, out_w, s.c > pw.out_c ? s.c : pw.out_c);
    for (uint32_t t = 0; t < 2 * threads; ++t) {
      scratch.buffers.push_back(plan_.planner.add(scratch.band_floats * sizeof(float), step, step));
    }
    const double pixels = double(out_h) * out_w;
    plan_.multiply_adds += pixels * (s.c * 9 + double(pw.in_c) * pw.out_c + double(head.in_c) * 2);
  }

 private:
  NetworkPlan& plan_;
};

}  // namespace

NetworkPlan build_network_plan(const ArchSpec& spec, const ModelWeights& weights, uint32_t input_size,
                               uint32_t threads) {
  NetworkPlan plan;
  PlanBuilder b(&plan);
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
    const int skip_block = decoder_skip_block(spec, s);
    if (s == stages) {  // both architectures' last stage has no skip (docs/model-format.md)
      b.final_stage_bands(x, weights.decoder_dw[s], weights.decoder_pw[s], weights.head, threads);
      break;
    }
    // The skip's 1x1 convolution runs right before the addition, so its output lives only briefly.
    const int skip = skip_block ? b.pointwise(block_output[skip_block], weights.decoder_skip[s], kNoClamp) : -1;
    x = b.upsample_add(x, skip);
    x = b.depthwise(x, weights.decoder_dw[s], 1, 1, kNoClamp);
    x = b.pointwise(x, weights.decoder_pw[s], kReLU);
  }
  plan.arena_bytes = plan.planner.plan();
  return plan;
}

}  // namespace hm
