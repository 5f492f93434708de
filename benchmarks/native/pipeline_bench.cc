// Cost of each stage that runs beside the network on a 640x480 camera frame (issue 5's budget: together
// <= 6 ms on one thread in wasm): crop + resize to the network's 224x224, mapping the matte back
// (bilinear, or fast guided upsampling), temporal smoothing, hair statistics and recolour.
// Frame: a synthetic portrait whose hair covers ~25% of the frame; the "network output" is its true mask.
//   ./hm_native_bench --benchmark_filter='Pipeline'
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "color/recolor.h"
#include "matting/crop_square.h"
#include "matting/fast_guided_upsample.h"
#include "matting/matte_pipeline.h"
#include "matting/temporal_smoother.h"

namespace {

constexpr int kW = 640, kH = 480, kN = 224;

bool in_hair(float x, float y) {
  const float dx = x - 320, dy = y - 200, r = 150 + 8 * std::sin(11 * std::atan2(dy, dx));
  return std::hypot(dx, dy) < r && dy < 40;
}

struct Scene {
  std::vector<uint8_t> frame = std::vector<uint8_t>(kW * kH * 4);
  std::vector<uint8_t> alpha = std::vector<uint8_t>(kW * kH);
  std::vector<float> prob = std::vector<float>(kN * kN);
  hm::CropSquare crop = hm::centred_square(kW, kH);
  Scene() {
    for (int y = 0; y < kH; ++y)
      for (int x = 0; x < kW; ++x) {
        const bool hair = in_hair(x + 0.5f, y + 0.5f);
        uint8_t* p = &frame[(y * kW + x) * 4];
        const int t = static_cast<int>(20 * std::sin(1.7f * x + 0.3f * y));
        p[0] = static_cast<uint8_t>((hair ? 70 : 190) + t);
        p[1] = static_cast<uint8_t>((hair ? 50 : 180) + t);
        p[2] = static_cast<uint8_t>((hair ? 35 : 160) + t);
        p[3] = 255;
        alpha[y * kW + x] = hair ? 255 : 0;
      }
    for (int v = 0; v < kN; ++v)
      for (int u = 0; u < kN; ++u)
        prob[v * kN + u] = in_hair(crop.x + (u + 0.5f) * crop.size / kN, crop.y + (v + 0.5f) * crop.size / kN) ? 0.97f : 0.02f;
  }
};

const Scene& scene() {
  static const Scene s;
  return s;
}

void set_pixels(benchmark::State& state) { state.counters["Mpix/s"] = benchmark::Counter(double(kW) * kH, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000); }

void BM_Pipeline_CropResize(benchmark::State& state) {
  const Scene& s = scene();
  std::vector<uint8_t> net(kN * kN * 4);
  for (auto _ : state) {
    hm::crop_to_network_input(s.frame.data(), kW, kH, kW * 4, s.crop, kN, net.data());
    benchmark::DoNotOptimize(net.data());
  }
}
BENCHMARK(BM_Pipeline_CropResize)->Unit(benchmark::kMillisecond);

void BM_Pipeline_UpsampleBilinear(benchmark::State& state) {
  const Scene& s = scene();
  hm::MattePipeline pipe(kN);
  pipe.set_options({hm::Refine::kNone, 0.0f, false});
  std::vector<uint8_t> alpha(kW * kH);
  for (auto _ : state) {
    pipe.finish(s.frame.data(), kW, kH, kW * 4, s.prob.data(), s.crop, alpha.data());
    benchmark::DoNotOptimize(alpha.data());
  }
  set_pixels(state);
}
BENCHMARK(BM_Pipeline_UpsampleBilinear)->Unit(benchmark::kMillisecond);

// Argument: the subsampling s (0 = the pipeline's automatic choice, 2 for this frame).
void BM_Pipeline_UpsampleGuided(benchmark::State& state) {
  const Scene& s = scene();
  hm::MattePipeline pipe(kN);
  hm::MatteOptions o;
  o.track_head = false;
  o.guided_subsample = static_cast<int>(state.range(0));
  pipe.set_options(o);
  std::vector<uint8_t> alpha(kW * kH);
  for (auto _ : state) {
    pipe.finish(s.frame.data(), kW, kH, kW * 4, s.prob.data(), s.crop, alpha.data());
    benchmark::DoNotOptimize(alpha.data());
  }
  state.counters["s"] = pipe.guided_subsample_for(s.crop.size);
  set_pixels(state);
}
BENCHMARK(BM_Pipeline_UpsampleGuided)->Arg(0)->Arg(4)->Unit(benchmark::kMillisecond);

void BM_Pipeline_TemporalSmoothing(benchmark::State& state) {
  const Scene& s = scene();
  hm::TemporalSmoother smoother;
  smoother.set_strength(0.5f);
  std::vector<uint8_t> alpha = s.alpha;
  smoother.apply(alpha.data(), kW, kH);  // prime the history
  for (auto _ : state) {
    alpha = s.alpha;
    smoother.apply(alpha.data(), kW, kH);
    benchmark::DoNotOptimize(alpha.data());
  }
  set_pixels(state);
}
BENCHMARK(BM_Pipeline_TemporalSmoothing)->Unit(benchmark::kMillisecond);

void BM_Pipeline_HairStats(benchmark::State& state) {
  const Scene& s = scene();
  for (auto _ : state) {
    hm::HairStats stats = hm::compute_hair_stats(s.frame.data(), kW, kH, kW * 4, s.alpha.data());
    benchmark::DoNotOptimize(stats);
  }
}
BENCHMARK(BM_Pipeline_HairStats)->Unit(benchmark::kMillisecond);

// Argument: the mode (0 solid, 1 ombre, 2 highlights).
void BM_Pipeline_Recolor(benchmark::State& state) {
  const Scene& s = scene();
  const hm::HairStats stats = hm::compute_hair_stats(s.frame.data(), kW, kH, kW * 4, s.alpha.data());
  hm::RecolorLook look;
  look.mode = static_cast<hm::RecolorMode>(state.range(0));
  std::vector<uint8_t> out(kW * kH * 4);
  for (auto _ : state) {
    hm::recolor(s.frame.data(), kW, kH, kW * 4, s.alpha.data(), look, stats, out.data(), kW * 4);
    benchmark::DoNotOptimize(out.data());
  }
  set_pixels(state);
}
BENCHMARK(BM_Pipeline_Recolor)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

// Everything beside the network for one frame: crop, guided refinement, smoothing, stats, recolour.
void BM_Pipeline_AllStages(benchmark::State& state) {
  const Scene& s = scene();
  hm::MattePipeline pipe(kN);
  hm::MatteOptions o;
  o.temporal = 0.5f;
  pipe.set_options(o);
  std::vector<uint8_t> net(kN * kN * 4), alpha(kW * kH), out(kW * kH * 4);
  hm::RecolorLook look;
  for (auto _ : state) {
    hm::CropSquare crop;
    pipe.prepare_input(s.frame.data(), kW, kH, kW * 4, net.data(), &crop);
    pipe.finish(s.frame.data(), kW, kH, kW * 4, s.prob.data(), s.crop, alpha.data());
    const hm::HairStats stats = hm::compute_hair_stats(s.frame.data(), kW, kH, kW * 4, alpha.data());
    hm::recolor(s.frame.data(), kW, kH, kW * 4, alpha.data(), look, stats, out.data(), kW * 4);
    benchmark::DoNotOptimize(out.data());
  }
  set_pixels(state);
}
BENCHMARK(BM_Pipeline_AllStages)->Unit(benchmark::kMillisecond);

}  // namespace
