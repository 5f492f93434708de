// wasm SIMD128 benchmark of the int8 (QS8) kernels (1x1, depthwise, upsample+add, upsample+depthwise)
// beside the fp32 ones on HairMatteNet's real layer shapes (benchmarks/native/layer_shapes.h), then the
// folded dec1's int32 1x1s (conv1x1_acc32) beside the int8 conv1x1, in Node (what ships). For each layer it alternates timed
// batches of the fp32 kernel and the int8 kernel (interleaved, so that load from other jobs on the
// machine hits both alike) and keeps the fastest batch of each; it prints ms, G(multiply-add)OP/s counted
// as 2 ops per multiply-add for both, and int8/fp32 speed ratio. Build and run:
//   benchmarks/wasm/build-and-run.sh --qs8 [--width 750] [filter]
// --width: the encoder width in thousandths (250, 500, 750, 1000 = default; layer_shapes.h's
// hairmattenet_layers); filter: a substring of the layer name. One thread: the clock is the process's CPU
// time (cpu_clock.h, robust to other jobs on the machine), which cannot show a multi-thread speed-up; the
// kernels take output row ranges [y0, y1) like the fp32 ones, which is how the engine splits a layer.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "../native/layer_runner.h"
#include "../native/layer_shapes.h"
#include "cpu_clock.h"
#include "kernels/qs8_kernels.h"

namespace {

// An int8 layer with random data (activations zero point -5, scales giving outputs across the range) for
// the ops that have an int8 kernel; supported() is false for the others.
class Qs8Runner {
 public:
  static bool supported(hm_bench::Op op) {
    return op == hm_bench::Op::kConv1x1 || op == hm_bench::Op::kDwconv || op == hm_bench::Op::kUpsampleAdd ||
           op == hm_bench::Op::kUpsampleDwconv;
  }
  explicit Qs8Runner(const hm_bench::Layer& l) : l_(l) {
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> d(-127, 127);
    auto fill = [&](std::vector<int8_t>& v, size_t n) {
      v.resize(n);
      for (int8_t& x : v) x = static_cast<int8_t>(d(rng));
    };
    const size_t oh = (l.h + l.stride - 1) / l.stride, ow = (l.w + l.stride - 1) / l.stride;
    std::vector<int8_t> weight;
    switch (l.op) {
      case hm_bench::Op::kConv1x1: {
        fill(in_, l.h * l.w * l.in_c);
        fill(weight, l.out_c * l.in_c);
        const std::vector<int32_t> bias(l.out_c, 1000);
        const std::vector<float> scale(l.out_c, 1.0f / (50.0f * static_cast<float>(l.in_c)));
        packed_.resize(hm::packed_qs8_conv1x1_size(l.in_c, l.out_c));
        hm::pack_qs8_conv1x1(l.in_c, l.out_c, weight.data(), bias.data(), scale.data(), -5, packed_.data());
        out_.resize(l.h * l.w * l.out_c);
        break;
      }
      case hm_bench::Op::kDwconv:
      case hm_bench::Op::kUpsampleDwconv: {
        fill(in_, l.h * l.w * l.in_c);
        fill(weight, l.in_c * 9);
        const std::vector<int32_t> bias(l.in_c, 1000);
        const std::vector<float> scale(l.in_c, 1.0f / 500.0f);
        packed_.resize(hm::packed_qs8_dwconv3x3_size(l.in_c));
        hm::pack_qs8_dwconv3x3(l.in_c, weight.data(), bias.data(), scale.data(), -5, packed_.data());
        out_.resize(l.op == hm_bench::Op::kDwconv ? oh * ow * l.in_c : 4 * l.h * l.w * l.in_c);
        break;
      }
      case hm_bench::Op::kUpsampleAdd:
        fill(in_, l.h * l.w * l.in_c);
        fill(skip_, 4 * l.h * l.w * l.in_c);
        hm::qs8_add_params(0.05f, -5, 0.04f, 3, 0.07f, {-128, -128, 127}, &add_);
        out_.resize(4 * l.h * l.w * l.in_c);
        break;
      default:
        break;
    }
  }
  void run() {
    const hm::QS8Output out{-128, -128, 127};
    const size_t oh = (l_.h + l_.stride - 1) / l_.stride;
    switch (l_.op) {
      case hm_bench::Op::kConv1x1:
        hm::qs8_conv1x1_minmax_fp32__wasmsimd(in_.data(), l_.w, l_.in_c, packed_.data(), l_.out_c, out_.data(), out, 0,
                                              l_.h);
        break;
      case hm_bench::Op::kDwconv:
        hm::qs8_dwconv3x3_minmax_fp32__wasmsimd(in_.data(), l_.h, l_.w, l_.in_c, l_.stride, l_.dilation, packed_.data(),
                                                -5, out_.data(), out, 0, oh);
        break;
      case hm_bench::Op::kUpsampleDwconv:
        hm::qs8_upsample2x_dwconv3x3_minmax_fp32__wasmsimd(in_.data(), l_.h, l_.w, l_.in_c, packed_.data(), -5,
                                                           out_.data(), out, 0, 2 * l_.h);
        break;
      case hm_bench::Op::kUpsampleAdd:
        hm::qs8_upsample2x_add_minmax__wasmsimd(in_.data(), l_.h, l_.w, l_.in_c, skip_.data(), out_.data(), add_, 0,
                                                2 * l_.h);
        break;
      default:
        break;
    }
  }

 private:
  hm_bench::Layer l_;
  std::vector<int8_t> in_, skip_, out_;
  std::vector<uint8_t> packed_;
  hm::QS8AddParams add_{};
};

const char* op_name(hm_bench::Op op) {
  switch (op) {
    case hm_bench::Op::kDwconv: return "dwconv3x3";
    case hm_bench::Op::kConv1x1: return "conv1x1";
    case hm_bench::Op::kUpsampleAdd: return "upsample+add";
    case hm_bench::Op::kUpsampleDwconv: return "upsample+dw";
    default: return "?";
  }
}

// Calls per ~20 ms batch, from one timed call after a warm-up.
template <typename F>
int calls_per_batch(F&& f) {
  f();
  const double t0 = now_ms();
  f();
  return std::max(1, static_cast<int>(20.0 / std::max(now_ms() - t0, 1e-3)));
}

template <typename F>
double batch_ms(F&& f, int calls) {
  const double s = now_ms();
  for (int i = 0; i < calls; ++i) f();
  return (now_ms() - s) / calls;
}

// The folded dec1's two int32 GEMMs (network/int8_fold.h: its 3x3 convolution as im2col, K = 9 * 512, and
// its 1x1, K = 1024, both to N = 24 on 14 x 14 pixels) are not layers of layer_shapes.h: qs8_conv1x1_acc32
// beside the requantising qs8_conv1x1 on the same shapes, which shows what storing int32 costs.
struct GemmShape {
  const char* name;
  size_t k, n, m;
};
constexpr GemmShape kFoldedDec1Gemms[] = {{"dec1.fold 3x3", 4608, 24, 196}, {"dec1.fold 1x1", 1024, 24, 196}};

void bench_acc32(const GemmShape& g) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> d(-127, 127);
  std::vector<int8_t> in(g.m * g.k), weight(g.n * g.k), out8(g.m * g.n);
  for (int8_t& x : in) x = static_cast<int8_t>(d(rng));
  for (int8_t& x : weight) x = static_cast<int8_t>(d(rng));
  const std::vector<int32_t> bias(g.n, 1000);
  const std::vector<float> scale(g.n, 1.0f / (50.0f * static_cast<float>(g.k)));
  std::vector<uint8_t> packed(hm::packed_qs8_conv1x1_size(g.k, g.n));
  hm::pack_qs8_conv1x1(g.k, g.n, weight.data(), bias.data(), scale.data(), -5, packed.data());
  std::vector<int32_t> out32(g.m * g.n);
  // conv1x1 takes rows of a width: m pixels as one row of m.
  auto run_conv1x1 = [&] {
    hm::qs8_conv1x1_minmax_fp32__wasmsimd(in.data(), g.m, g.k, packed.data(), g.n, out8.data(), {-128, -128, 127}, 0,
                                          1);
  };
  auto run_acc32 = [&] { hm::qs8_conv1x1_acc32__wasmsimd(in.data(), g.k, packed.data(), g.n, out32.data(), 0, g.m); };
  const int n_conv = calls_per_batch(run_conv1x1), n_acc = calls_per_batch(run_acc32);
  double best_conv = 1e30, best_acc = 1e30;
  for (int rep = 0; rep < 9; ++rep) {
    best_conv = std::min(best_conv, batch_ms(run_conv1x1, n_conv));
    best_acc = std::min(best_acc, batch_ms(run_acc32, n_acc));
  }
  const double ops = 2.0 * g.m * g.k * g.n;
  char shape[64];
  std::snprintf(shape, sizeof shape, "M%zu K%zu -> N%zu", g.m, g.k, g.n);
  std::printf("%-18s %-22s %9.3f %9.2f %9.3f %9.2f %6.2fx\n", g.name, shape, best_conv, ops / (best_conv * 1e6),
              best_acc, ops / (best_acc * 1e6), best_conv / best_acc);
}

}  // namespace

// Sums of the layers of one op kind (or all), each layer times its repeats.
struct Total {
  double fp32_ms = 0.0, int8_ms = 0.0, ops = 0.0;
  void add(double fp32, double int8, double op_count, int repeats) {
    fp32_ms += fp32 * repeats;
    int8_ms += int8 * repeats;
    ops += op_count * repeats;
  }
  void print(const char* what) const {
    if (fp32_ms == 0.0) return;
    std::printf("%-42s fp32 %7.2f ms %6.1f GFLOP/s   int8 %7.2f ms %6.1f GOP/s   int8 %.2fx\n", what, fp32_ms,
                ops / (fp32_ms * 1e6), int8_ms, ops / (int8_ms * 1e6), fp32_ms / int8_ms);
  }
};

int main(int argc, char** argv) {
  int width = 1000;
  const char* filter = "";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--width") == 0 && i + 1 < argc) {
      width = std::atoi(argv[++i]);
    } else {
      filter = argv[i];
    }
  }
  if (width != 250 && width != 500 && width != 750 && width != 1000) {
    std::fprintf(stderr, "--width must be 250, 500, 750 or 1000 (thousandths), got %d\n", width);
    return 2;
  }
  std::printf("HairMatteNet width %.2f, depth 64, 224x224: int8 (QS8) vs fp32 kernels, SIMD128, 1 thread, "
              "interleaved batches, fastest of 9 each, CPU time; GOP/s count a multiply-add as 2 ops "
              "(upsample+add: 1 op per output value)\n\n", width / 1000.0);
  std::printf("%-18s %-13s %-22s %9s %9s %9s %9s %7s\n", "layer", "op", "shape (HxWxC -> N)", "fp32 ms", "GFLOP/s",
              "int8 ms", "GOP/s", "ratio");
  Total gemm, dw, up_dw, up_add, all;
  for (const auto& layer : hm_bench::hairmattenet_layers(width)) {
    if (!Qs8Runner::supported(layer.op)) continue;
    if (std::strstr(layer.name, filter) == nullptr) continue;
    hm_bench::LayerRunner fp32(layer);
    Qs8Runner int8(layer);
    auto run_fp32 = [&] { fp32.run(false); };
    auto run_int8 = [&] { int8.run(); };
    const int n_fp32 = calls_per_batch(run_fp32), n_int8 = calls_per_batch(run_int8);
    double best_fp32 = 1e30, best_int8 = 1e30;
    for (int rep = 0; rep < 9; ++rep) {
      best_fp32 = std::min(best_fp32, batch_ms(run_fp32, n_fp32));
      best_int8 = std::min(best_int8, batch_ms(run_int8, n_int8));
    }
    const double ops = hm_bench::layer_flops(layer);
    char shape[64];
    std::snprintf(shape, sizeof shape, "%zux%zux%zu->%zu s%zu d%zu", layer.h, layer.w, layer.in_c, layer.out_c,
                  layer.stride, layer.dilation);
    std::printf("%-18s %-13s %-22s %9.3f %9.2f %9.3f %9.2f %6.2fx\n", layer.name, op_name(layer.op), shape,
                best_fp32, ops / (best_fp32 * 1e6), best_int8, ops / (best_int8 * 1e6), best_fp32 / best_int8);
    const int r = hm_bench::layer_repeats(layer);
    Total& kind = layer.op == hm_bench::Op::kConv1x1 ? gemm
                  : layer.op == hm_bench::Op::kDwconv ? dw
                  : layer.op == hm_bench::Op::kUpsampleDwconv ? up_dw
                                                               : up_add;
    kind.add(best_fp32, best_int8, ops, r);
    all.add(best_fp32, best_int8, ops, r);
  }
  std::printf("\nTotals (layers x repeats):\n");
  gemm.print("1x1 convolutions");
  dw.print("3x3 depthwise");
  up_dw.print("upsample + depthwise (fused)");
  up_add.print("upsample + skip add");
  all.print("all layers above (not conv0/head/im2col)");
  std::printf("\nThe folded dec1's int32 GEMMs: int8 conv1x1 (requantised) vs conv1x1_acc32 (int32 out)\n\n");
  std::printf("%-18s %-22s %9s %9s %9s %9s %7s\n", "gemm", "shape", "conv ms", "GOP/s", "acc32 ms", "GOP/s",
              "ratio");
  for (const GemmShape& g : kFoldedDec1Gemms)
    if (std::strstr(g.name, filter) != nullptr) bench_acc32(g);
  return 0;
}
