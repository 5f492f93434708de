// Network: a model planned for one input size (engine.h). create() builds the plan and allocates the
// arena and the thread pool; run() walks the ops, splitting every layer's output rows across threads.
#include <algorithm>
#include <chrono>
#include <utility>

#include "base/facts.h"
#include "kernels/kernel_table.h"
#include "network/engine.h"
#include "network/decoder_stage_bands.h"
#include "network/memory_budget.h"
#include "network/network_plan.h"
#include "network/int8_network.h"
#include "runtime/arena.h"
#include "runtime/thread_pool.h"

namespace hm {

namespace {
// Rows per chunk of the row-split layers (input conv, depthwise): about 8 chunks per thread, so a thread
// that is descheduled for a while leaves the others its remaining chunks rather than a fixed share to
// wait for. A chunk of rows is far more work than the shared atomic increment that claims it.
size_t row_grain(size_t rows, uint32_t threads) {
  if (threads <= 1) return rows;
  return std::max<size_t>(1, rows / (size_t{8} * threads));
}

// Pixels per chunk of a 1x1 layer: about 8 chunks per thread, but never more than conv1x1's own block
// (the 112 x 112 and 56 x 56 layers, 12-49 blocks) and never under 8 pixels = 4 micro-kernel tiles. The
// 14 x 14 layers, about 30% of the network's time, are only 3 blocks of 32 pixels per thread at 512
// channels: there a chunk of 12-14 pixels still reuses each 16-column weight panel over 6-7 tiles.
// Chunks start at multiples of the grain, an even number: tiles never straddle two chunks.
size_t pixel_grain(size_t pixels, size_t in_c, uint32_t threads) {
  const size_t block = conv1x1_block_pixels(in_c);
  if (threads <= 1) return block;
  const size_t per_chunk = (pixels + size_t{8} * threads - 1) / (size_t{8} * threads);
  return std::min(block, std::max<size_t>(8, (per_chunk + 1) / 2 * 2));
}
}  // namespace

struct Network::Impl {
  std::shared_ptr<const Model> model;
  uint32_t input_size = 0;
  NetworkPlan plan;                // float models
  std::unique_ptr<Int8Plan> int8;  // int8 models (plan then stays empty)
  Arena arena;
  std::vector<float*> activation_data;  // resolved arena pointers, one per plan.activations
  std::vector<float*> band_scratch;     // resolved plan.band_scratch
  std::unique_ptr<ThreadPool> pool;

  void run_op(const Op& op, const uint8_t* rgba, size_t row_stride, float* probability);
};

Network::Network() : impl_(new Impl) {}
Network::~Network() = default;

uint32_t Network::input_size() const { return impl_->input_size; }
uint32_t Network::threads() const { return impl_->pool->threads(); }
size_t Network::arena_bytes() const { return impl_->int8 ? impl_->int8->arena_bytes() : impl_->plan.arena_bytes; }
double Network::multiply_adds() const { return impl_->int8 ? impl_->int8->multiply_adds() : impl_->plan.multiply_adds; }
const Model& Network::model() const { return *impl_->model; }

std::unique_ptr<Network> Network::create(std::shared_ptr<const Model> model, uint32_t input_size,
                                         uint32_t threads, Status* status) {
  Status local;
  Status& st = status ? *status : local;
  if (!model) {
    st = Status::error("Network::create: model is null");
    return nullptr;
  }
  if (input_size < kMinInputSize || input_size % kInputSizeStep != 0 || input_size > kMaxInputSize) {
    st = Status::error("Network::create: input size " + std::to_string(input_size) + " is not a multiple of " +
                       std::to_string(kInputSizeStep) + " in " + std::to_string(kMinInputSize) + ".." +
                       std::to_string(kMaxInputSize));
    return nullptr;
  }
  if (threads < 1 || threads > ThreadPool::kMaxThreads) {
    st = Status::error("Network::create: threads " + std::to_string(threads) + " is outside 1.." +
                       std::to_string(ThreadPool::kMaxThreads));
    return nullptr;
  }
  std::unique_ptr<Network> net(new Network);
  Impl& impl = *net->impl_;
  impl.model = std::move(model);
  impl.input_size = input_size;
  impl.pool.reset(new ThreadPool(threads));
  // The plan sizes band scratch for the pool's real thread count (1 in a build without threads).
  const Int8Weights* int8 = impl.model->int8_weights();
  if (int8) {
    impl.int8.reset(new Int8Plan(*int8, input_size, impl.pool->threads()));
  } else {
    impl.plan = build_network_plan(impl.model->spec(), impl.model->weights(), input_size, impl.pool->threads());
  }
  // The plan only measured (in 64 bits); nothing is allocated for it until the whole need is known to fit:
  // past the wasm memory limit an allocation would abort the module instead of failing.
  MemoryNeed need;
  need.arena = int8 ? impl.int8->arena_bytes() : impl.plan.arena_bytes;
  need.weights = int8 ? int8->bytes() : impl.model->weights().bytes();
  // The network's input (RGBA bytes) and probability map (floats) at input_size, which its caller holds
  // (FrameSegmenter's input_ and probability_, src/pipeline/).
  need.buffers = uint64_t{input_size} * input_size * (4 + sizeof(float));
  st = check_memory_need(need, current_memory_limit(),
                         std::string(arch_name(impl.model->spec().arch)) + " (decoder depth " +
                             std::to_string(impl.model->spec().decoder_depth) + ") at input " +
                             std::to_string(input_size));
  if (!st.ok) return nullptr;
  impl.arena = Arena(static_cast<size_t>(need.arena));
  if (impl.int8) {
    impl.int8->bind(&impl.arena);
    st = Status{};
    return net;
  }
  for (const ActivationShape& a : impl.plan.activations) {
    impl.activation_data.push_back(impl.arena.floats(impl.plan.planner.offset(a.buffer)));
  }
  for (size_t id : impl.plan.band_scratch) {
    impl.band_scratch.push_back(impl.arena.floats(impl.plan.planner.offset(id)));
  }
  st = Status{};
  return net;
}

void Network::run(const uint8_t* rgba, size_t row_stride, float* probability) {
  if (impl_->int8) {
    for (size_t i = 0; i < impl_->int8->op_count(); ++i) impl_->int8->run_op(i, *impl_->pool, rgba, row_stride, probability);
    return;
  }
  for (const Op& op : impl_->plan.ops) impl_->run_op(op, rgba, row_stride, probability);
}

void Network::run_profiled(const uint8_t* rgba, size_t row_stride, float* probability, double* op_ms) {
  using Clock = std::chrono::steady_clock;
  for (size_t i = 0; i < op_count(); ++i) {
    const Clock::time_point t0 = Clock::now();
    if (impl_->int8) {
      impl_->int8->run_op(i, *impl_->pool, rgba, row_stride, probability);
    } else {
      impl_->run_op(impl_->plan.ops[i], rgba, row_stride, probability);
    }
    op_ms[i] = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  }
}

size_t Network::op_count() const { return impl_->int8 ? impl_->int8->op_count() : impl_->plan.ops.size(); }

std::string Network::op_label(size_t i) const {
  if (impl_->int8) return impl_->int8->op_label(i);
  const Op& op = impl_->plan.ops.at(i);
  const ActivationShape* in = op.in >= 0 ? &impl_->plan.activations[op.in] : nullptr;
  const ActivationShape* out = op.out >= 0 ? &impl_->plan.activations[op.out] : nullptr;
  auto shape = [](const ActivationShape& a) {
    return std::to_string(a.h) + "x" + std::to_string(a.w) + "x" + std::to_string(a.c);
  };
  switch (op.kind) {
    case OpKind::kInputConv:
      return "conv0 -> " + shape(*out);
    case OpKind::kDepthwise:
      return "dw " + shape(*in) + " s" + std::to_string(op.stride) + " d" + std::to_string(op.dilation);
    case OpKind::kPointwise:
      return "pw " + shape(*in) + " -> " + std::to_string(out->c);
    case OpKind::kDecoderStage:
      return std::string("decoder ") + shape(*in) + (op.skip >= 0 ? " +skip" : "") + " -> " +
             std::to_string(op.pw->out_c) + (op.head ? " +head" : "");
    case OpKind::kUpsampleDepthwise:
      return "up+dw " + shape(*in) + " -> " + shape(*out);
    case OpKind::kFoldedPointwise:
      return "im2col+pw " + shape(*in) + " + 3x3 of " + shape(impl_->plan.activations[op.skip]) + " -> " +
             std::to_string(out->c);
  }
  return "?";
}

void Network::Impl::run_op(const Op& op, const uint8_t* rgba, size_t row_stride, float* probability) {
  ThreadPool& threads = *pool;
  const ActivationShape* in = op.in >= 0 ? &plan.activations[op.in] : nullptr;
  const float* in_data = op.in >= 0 ? activation_data[op.in] : nullptr;
  const ActivationShape* out = op.out >= 0 ? &plan.activations[op.out] : nullptr;
  float* out_data = op.out >= 0 ? activation_data[op.out] : nullptr;
  switch (op.kind) {
    case OpKind::kInputConv:
      threads.parallel_for_dynamic(out->h, row_grain(out->h, threads.threads()), [&](size_t y0, size_t y1) {
        kF32Kernels.conv3x3s2_rgb(rgba, input_size, input_size, row_stride, op.conv->packed.data(), out->c,
                                  out_data, op.clamp, y0, y1);
      });
      break;
    case OpKind::kDepthwise:
      threads.parallel_for_dynamic(out->h, row_grain(out->h, threads.threads()), [&](size_t y0, size_t y1) {
        kF32Kernels.dwconv3x3(in_data, in->h, in->w, in->c, op.stride, op.dilation, op.conv->packed.data(),
                              out_data, op.clamp, y0, y1);
      });
      break;
    case OpKind::kPointwise:
      // Split by pixels, not rows (the tensor read as (h * w) rows of 1 pixel): a 7 x 7 layer still makes
      // several chunks.
      threads.parallel_for_dynamic(size_t{out->h} * out->w,
                                   pixel_grain(size_t{out->h} * out->w, in->c, threads.threads()),
                                   [&](size_t p0, size_t p1) {
        kF32Kernels.conv1x1(in_data, 1, in->c, op.conv->packed.data(), out->c, out_data, op.clamp, p0, p1);
      });
      break;
    case OpKind::kUpsampleDepthwise:
      // Writes rows [y0, y1) from its `out` argument onwards (a band buffer): point it at row y0.
      threads.parallel_for_dynamic(out->h, row_grain(out->h, threads.threads()), [&](size_t y0, size_t y1) {
        kF32Kernels.upsample2x_dwconv3x3(in_data, in->h, in->w, in->c, op.conv->packed.data(),
                                         out_data + y0 * out->w * out->c, op.clamp, y0, y1);
      });
      break;
    case OpKind::kFoldedPointwise: {
      const ActivationShape& taps = plan.activations[op.skip];
      const float* taps_data = activation_data[op.skip];
      const size_t row = op.conv->in_c;
      threads.parallel_for_dynamic_indexed(out->h, op.band_rows, [&](uint32_t t, size_t y0, size_t y1) {
        float* rows = band_scratch[op.band_scratch + t];
        // One thread gets all rows in one call: still one band (the scratch's size) at a time.
        for (size_t b0 = y0; b0 < y1; b0 += op.band_rows) {
          const size_t b1 = std::min<size_t>(y1, b0 + op.band_rows);
          kF32Kernels.im2col3x3(in_data, in->c, taps_data, taps.h, taps.w, taps.c, rows, b0, b1);
          kF32Kernels.conv1x1(rows, out->w, row, op.conv->packed.data(), out->c, out_data + b0 * out->w * out->c,
                              op.clamp, 0, b1 - b0);
        }
      });
      break;
    }
    case OpKind::kDecoderStage: {
      DecoderStageBands stage;
      stage.in = in_data;
      stage.h = in->h;
      stage.w = in->w;
      stage.c = in->c;
      stage.skip = op.skip >= 0 ? activation_data[op.skip] : nullptr;
      stage.dw = op.conv;
      stage.pw = op.pw;
      stage.head = op.head;
      stage.out = op.out >= 0 ? out_data : probability;
      stage.band_rows = op.band_rows;
      const size_t bands = decoder_band_count(stage);
      const uint32_t n = threads.threads();
      threads.run([&](uint32_t t) {
        float* const* scratch = &band_scratch[op.band_scratch + 2 * t];
        run_decoder_stage_bands(stage, scratch[0], scratch[1], bands * t / n, bands * (t + 1) / n);
      });
      break;
    }
  }
}

}  // namespace hm
