// Where one frame's time goes in wasm, op by op in the engine's real schedule, and what segment() adds
// around the network (crop/resize in, probability -> 8-bit alpha out) at the network's own input size.
//   benchmarks/wasm/network-bench.sh [--arch hairsegnet] [--size 224] [--runs 30] [--model FILE.hmm]
// Random weights unless --model is given (the time does not depend on the values, only on the shapes).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "pipeline/frame_segmenter.h"
#include "base/simd128.h"
#include "layer_runner.h"
#include "network/engine.h"

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double minimum(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// f32x4 mul+add throughput now (GFLOP/s), 12 independent chains, ~2 ms: measured every round, so the
// network's times can be read against what this (shared) core delivers at that moment.
double simd_peak_now() {
  const v128_t m = wasm_f32x4_splat(0.999999f), a = wasm_f32x4_splat(1e-7f);
  const int iters = 400000;
  v128_t acc[12];
  for (int i = 0; i < 12; ++i) acc[i] = wasm_f32x4_splat(0.001f * i);
  const Clock::time_point t0 = Clock::now();
  for (int it = 0; it < iters; ++it)
    for (int i = 0; i < 12; ++i) acc[i] = wasm_f32x4_add(wasm_f32x4_mul(acc[i], m), a);
  const double ms = ms_since(t0);
  float sink = 0;
  for (int i = 0; i < 12; ++i) sink += wasm_f32x4_extract_lane(acc[i], 0);
  if (sink == 12345.0f) std::printf("#");
  return 12.0 * 4 * 2 * iters / (ms * 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  hm::ArchSpec spec;
  uint32_t size = 224;
  int runs = 30;
  const char* model_path = nullptr;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--arch")) spec.arch = std::strcmp(argv[i + 1], "hairsegnet") ? hm::Arch::kHairMatteNet : hm::Arch::kHairSegNet;
    else if (!std::strcmp(argv[i], "--size")) size = static_cast<uint32_t>(std::atoi(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--runs")) runs = std::max(5, std::atoi(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--model")) model_path = argv[i + 1];
  }
  hm::Status st;
  std::shared_ptr<const hm::Model> model;
  if (model_path) {
    std::ifstream f(model_path, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    model = hm::Model::load(bytes.data(), bytes.size(), &st);
  } else {
    model = hm::Model::random(spec, 1, &st);
  }
  if (!model) {
    std::fprintf(stderr, "model: %s\n", st.message.c_str());
    return 1;
  }
  auto net = hm::Network::create(model, size, 1, &st);
  auto segmenter = hm::FrameSegmenter::create(model, size, 1, &st);
  if (!net || !segmenter) {
    std::fprintf(stderr, "create: %s\n", st.message.c_str());
    return 1;
  }
  hm::MatteOptions options = segmenter->options();
  options.refine = hm::Refine::kNone;
  segmenter->set_options(options);

  std::vector<uint8_t> frame(size_t{size} * size * 4), alpha(size_t{size} * size);
  uint32_t state = 12345;
  for (uint8_t& b : frame) b = static_cast<uint8_t>((state = state * 1103515245u + 12345u) >> 24);
  std::vector<float> prob(size_t{size} * size);

  const size_t n = net->op_count();
  std::vector<std::vector<double>> op_ms(n, std::vector<double>(runs));
  std::vector<double> total(runs), run_ms(runs), segment_ms(runs), op_once(n), peak(runs), kernels_ms(runs);
  std::vector<hm_bench::LayerRunner> layers;
  for (const hm_bench::Layer& l : hm_bench::kLayers)
    if (l.hairmattenet) layers.emplace_back(l);
  for (int i = 0; i < 5; ++i) {
    net->run(frame.data(), size * 4, prob.data());
    segmenter->segment(frame.data(), size, size, size * 4, alpha.data());
  }
  // Interleaved: plain run(), segment(), and the profiled run, once each per round.
  for (int r = 0; r < runs; ++r) {
    Clock::time_point t0 = Clock::now();
    net->run(frame.data(), size * 4, prob.data());
    run_ms[r] = ms_since(t0);
    t0 = Clock::now();
    segmenter->segment(frame.data(), size, size, size * 4, alpha.data());
    segment_ms[r] = ms_since(t0);
    net->run_profiled(frame.data(), size * 4, prob.data(), op_once.data());
    peak[r] = simd_peak_now();
    kernels_ms[r] = 0;  // the kernel benchmark's layers (benchmarks/native/layer_shapes.h), warm, in isolation
    for (size_t li = 0, k = 0; li < std::size(hm_bench::kLayers); ++li) {
      if (!hm_bench::kLayers[li].hairmattenet) continue;
      layers[k].run(false);
      t0 = Clock::now();
      layers[k].run(false);
      kernels_ms[r] += ms_since(t0) * hm_bench::layer_repeats(hm_bench::kLayers[li]);
      ++k;
    }
    total[r] = 0;
    for (size_t i = 0; i < n; ++i) {
      op_ms[i][r] = op_once[i];
      total[r] += op_once[i];
    }
  }
  const double gmac = net->multiply_adds() * 1e-9;
  std::printf("%s %ux%u, 1 thread, %d rounds (medians)\n", hm::arch_name(model->spec().arch), size, size, runs);
  std::printf("%-40s %8s %6s %8s\n", "op", "ms", "share", "min ms");
  const double sum = median(total);
  for (size_t i = 0; i < n; ++i) {
    const double m = median(op_ms[i]);
    std::printf("%-40s %8.3f %5.1f%% %8.3f\n", net->op_label(i).c_str(), m, 100 * m / sum, minimum(op_ms[i]));
  }
  const double run_median = median(run_ms), seg_median = median(segment_ms);
  double sum_min = 0;
  for (size_t i = 0; i < n; ++i) sum_min += minimum(op_ms[i]);
  std::printf("\nsum of ops (profiled run):      %8.3f ms  (sum of per-op minima %.3f ms)\n", sum, sum_min);
  std::printf("Network::run:                   %8.3f ms  (%.1f GFLOP/s, %.4f GMAC; min %.3f ms)\n", run_median,
              2e3 * gmac / run_median, gmac, minimum(run_ms));
  std::printf("FrameSegmenter::segment (none): %8.3f ms  (min %.3f ms)\n", seg_median, minimum(segment_ms));
  const double peak_median = median(peak);
  std::printf("SIMD128 peak (f32x4 mul+add) now: %.1f GFLOP/s (max %.1f); Network::run at %.0f%% of it\n", peak_median,
              *std::max_element(peak.begin(), peak.end()),
              100 * 2e3 * gmac / run_median / peak_median);
  if (spec.arch == hm::Arch::kHairMatteNet && size == 224)
    std::printf("kernel benchmark layers, warm, in isolation, summed: %.3f ms (min %.3f ms)\n", median(kernels_ms),
                minimum(kernels_ms));
  return 0;
}
