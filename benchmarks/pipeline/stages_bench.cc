// Cost of each stage that runs beside the network on a 640x480 camera frame, as a table (issue 5's
// budget: together <= 6 ms on one thread in wasm). One source, built twice by build-and-run.sh: natively
// (g++, SIMD128 through SIMDe) and with emcc (SIMD128, run in Node: what ships).
//
// Stages: crop + resize to the network's 224x224; mapping P(hair) back onto the frame with refine 'none'
// (bilinear) and 'guided' (fast guided filter), each including matte levels and the head tracker; temporal
// smoothing; hair statistics; recolour (solid, ombre, highlights). The last row, "one frame", runs the
// whole chain of a real frame (crop, guided, temporal 0.5, stats, solid recolour) as one call.
//
// Frame: a synthetic portrait whose hair covers ~15% of the frame; the "network output" is its true mask
// with a soft, noisy edge, so the matte has a band of uncertain pixels like a real one.
//
// Timing: every round runs every stage once, in turn (interleaved, so all rows share the same machine
// noise); after the warm-up rounds, per stage: the median, 10th and 90th percentile of CPU time per call
// (CPU time, not wall time: the machine is shared, and time spent descheduled must not count).
//   stages_bench [--rounds 60] [--warmup 5] [--detail]   (--detail: the guided path's parts too)
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "color/recolor.h"
#include "matting/box_filter.h"
#include "matting/crop_square.h"
#include "matting/fast_guided_upsample.h"
#include "matting/guided_filter.h"
#include "matting/matte_pipeline.h"
#include "matting/temporal_smoother.h"

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
// CPU time of the Node process (user + system) in ms.
EM_JS(double, process_cpu_ms, (), {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
});
EM_JS(double, wall_ms, (), { return performance.now(); });
double cpu_ms() { return process_cpu_ms(); }
const char* kBuild = "wasm SIMD128 (emcc, Node)";
#else
#include <ctime>
double clock_ms(clockid_t id) {
  timespec t;
  clock_gettime(id, &t);
  return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}
double cpu_ms() { return clock_ms(CLOCK_THREAD_CPUTIME_ID); }
double wall_ms() { return clock_ms(CLOCK_MONOTONIC); }
const char* kBuild = "native x86-64 (g++, SIMD128 through SIMDe)";
#endif

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
  hm::CropRect crop = hm::centred_square(kW, kH);
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
    // The true mask averaged over 3x3 network pixels plus a little deterministic noise: soft edges.
    uint32_t seed = 1;
    for (int v = 0; v < kN; ++v)
      for (int u = 0; u < kN; ++u) {
        float sum = 0;
        for (int dv = -1; dv <= 1; ++dv)
          for (int du = -1; du <= 1; ++du)
            sum += in_hair(crop.x + (u + 0.5f + du) * crop.width / kN, crop.y + (v + 0.5f + dv) * crop.height / kN);
        seed = seed * 1664525u + 1013904223u;
        const float noise = ((seed >> 8) * (1.0f / 16777216.0f) - 0.5f) * 0.04f;
        prob[v * kN + u] = std::clamp(0.02f + 0.95f * sum / 9 + noise, 0.0f, 1.0f);
      }
  }
};

struct Stage {
  std::string name;
  std::function<void()> run;
  std::vector<double> cpu = {}, wall = {};
};

double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * (v.size() - 1);
  const size_t i = static_cast<size_t>(pos);
  return i + 1 < v.size() ? v[i] + (v[i + 1] - v[i]) * (pos - i) : v[i];
}

void check(const hm::Status& st) {
  if (!st.ok) {
    std::fprintf(stderr, "stages_bench: %s\n", st.message.c_str());
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 60, warmup = 5;
  bool detail = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--detail")) detail = true;
  }
  for (int i = 1; i + 1 < argc; ++i) {
    if (!std::strcmp(argv[i], "--rounds")) rounds = std::max(5, std::atoi(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--warmup")) warmup = std::max(0, std::atoi(argv[i + 1]));
  }
  const Scene s;
  const size_t stride = kW * 4;
  std::vector<uint8_t> net(kN * kN * 4), alpha(kW * kH), out(kW * kH * 4), work(kW * kH);
  std::vector<float> fullp(kW * kH);

  hm::MattePipeline crop_pipe(kN), none_pipe(kN), guided_pipe(kN), frame_pipe(kN);
  hm::MatteOptions none_options;
  none_options.refine = hm::Refine::kNone;
  check(none_pipe.set_options(none_options));
  check(guided_pipe.set_options(hm::MatteOptions{}));
  hm::MatteOptions frame_options;
  frame_options.temporal = 0.5f;
  check(frame_pipe.set_options(frame_options));
  hm::TemporalSmoother smoother;
  check(smoother.set_strength(0.5f));
  // The smoother's input: the guided matte of the scene (a real band of uncertain pixels).
  std::vector<uint8_t> guided_alpha(kW * kH);
  check(guided_pipe.finish(s.frame.data(), kW, kH, stride, s.prob.data(), s.crop, guided_alpha.data()));
  work = guided_alpha;
  smoother.apply(work.data(), kW, kH);  // prime the history
  const hm::HairStats stats = hm::compute_hair_stats(s.frame.data(), kW, kH, stride, guided_alpha.data());
  hm::RecolorLook looks[3];
  looks[1].mode = hm::RecolorMode::kOmbre;
  looks[1].color_end[0] = 230, looks[1].color_end[1] = 190, looks[1].color_end[2] = 120;
  looks[2].mode = hm::RecolorMode::kHighlights;

  std::vector<Stage> stages;
  stages.push_back({"crop + resize to 224x224", [&] {
                      hm::CropRect crop;
                      check(crop_pipe.prepare_input(s.frame.data(), kW, kH, stride, net.data(), &crop));
                    }});
  stages.push_back({"map back, refine none", [&] {
                      check(none_pipe.finish(s.frame.data(), kW, kH, stride, s.prob.data(), s.crop, alpha.data()));
                    }});
  stages.push_back({"map back, refine guided", [&] {
                      check(guided_pipe.finish(s.frame.data(), kW, kH, stride, s.prob.data(), s.crop, alpha.data()));
                    }});
  stages.push_back({"temporal smoothing", [&] {
                      std::memcpy(work.data(), guided_alpha.data(), work.size());
                      smoother.apply(work.data(), kW, kH);
                    }});
  stages.push_back({"hair statistics", [&] {
                      volatile float l =
                          hm::compute_hair_stats(s.frame.data(), kW, kH, stride, guided_alpha.data()).lightness;
                      (void)l;
                    }});
  const char* mode_names[3] = {"solid", "ombre", "highlights"};
  for (int m = 0; m < 3; ++m) {
    stages.push_back({std::string("recolour ") + mode_names[m], [&, m] {
                        check(hm::recolor(s.frame.data(), kW, kH, stride, guided_alpha.data(), looks[m], stats,
                                          out.data(), stride));
                      }});
  }
  stages.push_back({"one frame: all of the above for guided, temporal 0.5, solid", [&] {
                      hm::CropRect crop;
                      check(frame_pipe.prepare_input(s.frame.data(), kW, kH, stride, net.data(), &crop));
                      // The network would run here, on `net`, for `crop`; the scene's map is for the
                      // centred square, which is what the tracker settles on for this frame.
                      check(frame_pipe.finish(s.frame.data(), kW, kH, stride, s.prob.data(), s.crop, alpha.data()));
                      const hm::HairStats st = hm::compute_hair_stats(s.frame.data(), kW, kH, stride, alpha.data());
                      check(hm::recolor(s.frame.data(), kW, kH, stride, alpha.data(), looks[0], st, out.data(),
                                        stride));
                    }});

  // --detail: the parts of the guided path (s = 4 for this frame's 480-pixel square).
  hm::FastGuidedUpsampler upsampler;
  hm::GuidedFilterColor low_filter;
  hm::BoxMean box;
  const int gs = guided_pipe.guided_subsample_for(std::max(s.crop.width, s.crop.height));
  const int lw = hm::subsampled_size(kW, gs), lh = hm::subsampled_size(kH, gs);
  std::vector<float> low(lw * lh), box_out(lw * lh), low_guide[3];
  hm::sample_crop_probability(s.prob.data(), kN, s.crop, static_cast<float>(gs), lw, lh, low.data());
  for (int c = 0; c < 3; ++c) {
    low_guide[c].resize(lw * lh);
    for (int j = 0; j < lh; ++j)
      for (int i = 0; i < lw; ++i) low_guide[c][j * lw + i] = s.frame[((j * gs) * kW + i * gs) * 4 + c] / 255.0f;
  }
  if (detail) {
    stages.push_back({"  guided: P on the low grid", [&] {
                        hm::sample_crop_probability(s.prob.data(), kN, s.crop, static_cast<float>(gs), lw, lh,
                                                    low.data());
                      }});
    stages.push_back({"  guided: coefficients on the low grid", [&] {
                        check(low_filter.compute_coefficients(low_guide[0].data(), low_guide[1].data(),
                                                              low_guide[2].data(), low.data(), lw, lh,
                                                              {std::max(1, 8 / gs), 1e-3f}));
                      }});
    stages.push_back({"  guided: one box mean on the low grid (17 per frame)", [&] {
                        box.apply(low.data(), lw, lh, std::max(1, 8 / gs), box_out.data());
                      }});
    stages.push_back({"  guided: upsampler.run (guide, coefficients, apply)", [&] {
                        check(upsampler.run(s.frame.data(), kW, kH, stride, low.data(), {8, 1e-3f, gs}, alpha.data()));
                      }});
    stages.push_back({"  P -> frame, refine none, alone", [&] {
                        hm::sample_crop_probability(s.prob.data(), kN, s.crop, 1.0f, kW, kH, fullp.data());
                      }});
  }

  for (int round = 0; round < warmup + rounds; ++round) {
    for (size_t k = 0; k < stages.size(); ++k) {
      Stage& st = stages[(k + round) % stages.size()];  // each round starts one stage further
      const double c0 = cpu_ms(), w0 = wall_ms();
      st.run();
      const double c1 = cpu_ms(), w1 = wall_ms();
      if (round >= warmup) {
        st.cpu.push_back(c1 - c0);
        st.wall.push_back(w1 - w0);
      }
    }
  }

  std::printf("Stages beside the network, 640x480 RGBA frame, 1 thread, %s\n", kBuild);
  std::printf("%d rounds after %d warm-up, interleaved; CPU ms per call (wall median beside it)\n\n", rounds, warmup);
  std::printf("| stage | median ms | p10-p90 ms | wall median ms | Mpixel/s |\n|---|---|---|---|---|\n");
  for (const Stage& st : stages) {
    const double med = percentile(st.cpu, 0.5);
    std::printf("| %s | %.2f | %.2f-%.2f | %.2f | %.0f |\n", st.name.c_str(), med, percentile(st.cpu, 0.1),
                percentile(st.cpu, 0.9), percentile(st.wall, 0.5), med > 0 ? kW * kH / (med * 1e3) : 0.0);
  }
  // The budget's sum: crop + guided map back + smoothing + statistics + the slowest recolour.
  const auto med = [&](size_t i) { return percentile(stages[i].cpu, 0.5); };
  const double slowest_recolour = std::max({med(5), med(6), med(7)});
  const double sum = med(0) + med(2) + med(3) + med(4) + slowest_recolour;
  std::printf("\nsum of medians (crop + guided + smoothing + statistics + slowest recolour): %.2f ms"
              " (budget 6 ms)\n",
              sum);
  return 0;
}
