// wasm SIMD128 benchmark of src/kernels on the network's real layer shapes, in Node (what ships).
// Prints one row per layer: ms per call (fastest of several timed batches), GFLOP/s and the share of the
// SIMD128 peak measured in the same run (independent f32x4 mul + add chains, ~49 GFLOP/s on the team's
// machines), then the HairMatteNet 224 total. Build and run: benchmarks/wasm/build-and-run.sh
//   node kernels_bench.cjs [--scalar] [filter]   (filter: substring of the layer name)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "../native/layer_runner.h"
#include "../native/layer_shapes.h"
#include "cpu_clock.h"
#include "base/simd128.h"

namespace {

// Peak of f32x4 mul + add: 12 independent accumulator chains, enough to hide the mul + add latency.
// Best of several short runs, like the layers.
double measure_simd_peak_gflops() {
  const v128_t m = wasm_f32x4_splat(0.999999f), a = wasm_f32x4_splat(1e-7f);
  const int iters = 2000000;
  double best_ms = 1e30;
  float sink = 0.0f;
  for (int rep = 0; rep < 9; ++rep) {
    v128_t acc[12];
    for (int i = 0; i < 12; ++i) acc[i] = wasm_f32x4_splat(0.001f * (i + rep));
    const double t0 = now_ms();
    for (int it = 0; it < iters; ++it)
      for (int i = 0; i < 12; ++i) acc[i] = wasm_f32x4_add(wasm_f32x4_mul(acc[i], m), a);
    best_ms = std::min(best_ms, now_ms() - t0);
    for (int i = 0; i < 12; ++i) sink += wasm_f32x4_extract_lane(acc[i], 0);
  }
  if (sink == 12345.0f) std::printf("#");  // keeps the chains live
  return 12.0 * 4 * 2 * iters / (best_ms * 1e6);
}

// Fastest of several batches of calls, each batch ~20 ms: the minimum is the measure least disturbed
// by the other jobs sharing this machine's two cores.
double time_layer_ms(hm_bench::LayerRunner& runner, bool scalar) {
  runner.run(scalar);  // warm-up
  const double t0 = now_ms();
  runner.run(scalar);
  const double once = std::max(now_ms() - t0, 1e-3);
  const int per_batch = std::max(1, static_cast<int>(20.0 / once));
  std::vector<double> samples;
  for (int b = 0; b < 9; ++b) {
    const double s = now_ms();
    for (int i = 0; i < per_batch; ++i) runner.run(scalar);
    samples.push_back((now_ms() - s) / per_batch);
  }
  return *std::min_element(samples.begin(), samples.end());
}

const char* op_name(hm_bench::Op op) {
  switch (op) {
    case hm_bench::Op::kConv3x3s2Rgb: return "conv3x3s2";
    case hm_bench::Op::kDwconv: return "dwconv3x3";
    case hm_bench::Op::kConv1x1: return "conv1x1";
    case hm_bench::Op::kUpsampleAdd: return "upsample+add";
    case hm_bench::Op::kUpsampleDwconv: return "upsample+dw";
    case hm_bench::Op::kHeadSoftmax2: return "head";
    case hm_bench::Op::kIm2col: return "im2col (copy)";
  }
  return "?";
}

}  // namespace

int main(int argc, char** argv) {
  bool scalar = false;
  const char* filter = "";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--scalar") == 0) scalar = true;
    else filter = argv[i];
  }
  const double peak = measure_simd_peak_gflops();
  std::printf("SIMD128 peak (f32x4 mul+add) measured now: %.1f GFLOP/s; kernels: %s\n\n", peak,
              scalar ? "scalar references" : "optimised");
  std::printf("%-18s %-12s %-24s %9s %9s %7s\n", "layer", "op", "shape (in HxWxC -> C)", "ms",
              "GFLOP/s", "% peak");
  double total_ms = 0.0, total_flops = 0.0;
  for (const auto& layer : hm_bench::kLayers) {
    if (std::strstr(layer.name, filter) == nullptr) continue;
    hm_bench::LayerRunner runner(layer);
    const double ms = time_layer_ms(runner, scalar);
    const double flops = hm_bench::layer_flops(layer);
    char shape[64];
    std::snprintf(shape, sizeof shape, "%zux%zux%zu->%zu s%zu d%zu", layer.h, layer.w, layer.in_c,
                  layer.out_c, layer.stride, layer.dilation);
    std::printf("%-18s %-12s %-24s %9.3f %9.2f %6.1f%%\n", layer.name, op_name(layer.op), shape, ms,
                flops / (ms * 1e6), 100.0 * flops / (ms * 1e6) / peak);
    if (layer.hairmattenet) {
      total_ms += ms * hm_bench::layer_repeats(layer);
      total_flops += flops * hm_bench::layer_repeats(layer);
    }
  }
  if (filter[0] == '\0')
    std::printf("\nHairMatteNet 224 kernels, sum of layers: %.2f ms, %.3f GFLOP, %.1f GFLOP/s\n", total_ms,
                total_flops * 1e-9, total_flops / (total_ms * 1e6));
  return 0;
}
