// The frame -> crop -> (network) -> full-resolution matte pipeline, with a synthetic portrait and a
// synthetic "network" (the true hair mask seen at 224 x 224, blurred, as a trained network's soft output).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "matting/matte_pipeline.h"

namespace hm {
namespace {

constexpr int kW = 320, kH = 240, kN = 112;

// A dark-haired head on a light, textured background. Hair: a disc's upper part with a wavy edge.
bool is_hair(float x, float y, float dx = 0, float dy = 0) {
  const float cx = 160 + dx, cy = 110 + dy;
  const float ang = std::atan2(y - cy, x - cx);
  const float r = 70 + 4 * std::sin(9 * ang);
  return std::hypot(x - cx, y - cy) < r && y < cy + 25;
}

std::vector<uint8_t> portrait(float dx, float dy, float noise_sd, std::mt19937* rng) {
  std::normal_distribution<float> noise(0.0f, noise_sd);
  std::vector<uint8_t> f(kW * kH * 4);
  for (int y = 0; y < kH; ++y)
    for (int x = 0; x < kW; ++x) {
      uint8_t* px = &f[(y * kW + x) * 4];
      const bool hair = is_hair(x + 0.5f, y + 0.5f, dx, dy);
      const float base[3] = {hair ? 50.f : 200.f, hair ? 35.f : 190.f, hair ? 25.f : 170.f};
      const float texture = 12 * std::sin(0.9f * x + 0.4f * y);
      for (int c = 0; c < 3; ++c) px[c] = static_cast<uint8_t>(std::clamp(base[c] + texture + noise(*rng), 0.f, 255.f));
      px[3] = 255;
    }
  return f;
}

// The "network": the true mask over the crop at kN x kN, box-blurred over 5 px (a soft, slightly wrong
// edge), plus noise.
std::vector<float> fake_network(CropRect crop, float dx, float dy, float noise_sd, std::mt19937* rng) {
  std::vector<float> sharp(kN * kN), prob(kN * kN);
  for (int v = 0; v < kN; ++v)
    for (int u = 0; u < kN; ++u)
      sharp[v * kN + u] = is_hair(crop.x + (u + 0.5f) * crop.width / kN, crop.y + (v + 0.5f) * crop.height / kN, dx, dy);
  std::normal_distribution<float> noise(0.0f, noise_sd);
  for (int v = 0; v < kN; ++v)
    for (int u = 0; u < kN; ++u) {
      float s = 0;
      int n = 0;
      for (int j = std::max(0, v - 2); j <= std::min(kN - 1, v + 2); ++j)
        for (int i = std::max(0, u - 2); i <= std::min(kN - 1, u + 2); ++i, ++n) s += sharp[j * kN + i];
      prob[v * kN + u] = std::clamp(s / n + noise(*rng), 0.0f, 1.0f);
    }
  return prob;
}

// Mean |alpha - truth| over the band within 6 px (Chebyshev) of the true hair edge, where refinement
// matters, and over the flat regions more than 12 px from it, where it must not add texture.
struct EdgeErrors {
  double band, flat;
};
EdgeErrors edge_errors(const std::vector<uint8_t>& alpha) {
  double band = 0, flat = 0;
  int n_band = 0, n_flat = 0;
  for (int y = 0; y < kH; ++y)
    for (int x = 0; x < kW; ++x) {
      const bool truth = is_hair(x + 0.5f, y + 0.5f);
      int distance = 99;  // to the nearest pixel of the other class, on a 2-px lattice
      for (int dy = -12; dy <= 12; dy += 2)
        for (int dx = -12; dx <= 12; dx += 2)
          if (is_hair(x + 0.5f + dx, y + 0.5f + dy) != truth) distance = std::min(distance, std::max(std::abs(dx), std::abs(dy)));
      const double e = std::abs(alpha[y * kW + x] / 255.0 - truth);
      if (distance <= 6) {
        band += e;
        ++n_band;
      } else if (distance > 12) {
        flat += e;
        ++n_flat;
      }
    }
  return {band / n_band, flat / n_flat};
}

// prob_floor: the least P(hair) anywhere (the faint haze real networks leave outside the hair).
std::vector<uint8_t> run_frame(MattePipeline* pipe, const std::vector<uint8_t>& frame, float dx, float dy,
                               float prob_noise, std::mt19937* rng, float prob_floor = 0.0f) {
  std::vector<uint8_t> net(kN * kN * 4), alpha(kW * kH);
  CropRect crop;
  EXPECT_TRUE(pipe->prepare_input(frame.data(), kW, kH, kW * 4, net.data(), &crop).ok);
  auto prob = fake_network(crop, dx, dy, prob_noise, rng);
  for (float& p : prob) p = std::max(p, prob_floor);
  EXPECT_TRUE(pipe->finish(frame.data(), kW, kH, kW * 4, prob.data(), crop, alpha.data()).ok);
  return alpha;
}

TEST(MattePipeline, NoneIsTheBilinearMapOfTheRegionAndZeroOutside) {
  MattePipeline pipe(kN);
  ASSERT_TRUE(pipe.set_options({Refine::kNone, 0.0f, false}).ok);
  std::mt19937 rng(1);
  const auto frame = portrait(0, 0, 0, &rng);
  std::vector<uint8_t> net(kN * kN * 4), alpha(kW * kH);
  CropRect crop;
  ASSERT_TRUE(pipe.prepare_input(frame.data(), kW, kH, kW * 4, net.data(), &crop).ok);
  EXPECT_EQ(crop, whole_frame(kW, kH));  // a still is seen whole
  const std::vector<float> prob(kN * kN, 0.7f);
  const uint8_t expected = MattePipeline::matte_level(179);  // round(0.7 * 255), then levels
  ASSERT_TRUE(pipe.finish(frame.data(), kW, kH, kW * 4, prob.data(), crop, alpha.data()).ok);
  EXPECT_EQ(std::count(alpha.begin(), alpha.end(), expected), kW * kH);  // every pixel, corners included
  // A region smaller than the frame (video): 0 outside it.
  const CropRect region{50, 10, 200, 150};
  ASSERT_TRUE(pipe.finish(frame.data(), kW, kH, kW * 4, prob.data(), region, alpha.data()).ok);
  EXPECT_EQ(alpha[100 * kW + region.x - 1], 0);
  EXPECT_EQ(alpha[100 * kW + region.x], expected);
  EXPECT_EQ(alpha[100 * kW + region.x + region.width - 1], expected);
  EXPECT_EQ(alpha[100 * kW + region.x + region.width], 0);
  EXPECT_EQ(alpha[(region.y + region.height) * kW + 100], 0);
}

// Hair-coloured shapes outside the centred square: a landscape frame with hair at its left edge and a
// portrait frame with hair at its bottom. A still (temporal 0, or track_head false, or the first frame)
// sees the whole frame, so the matte covers them; before, everything outside the centred square was 0.
struct Shape {
  int w, h;
  float cx, cy, r;  // a disc of hair
  bool contains(float x, float y) const { return std::hypot(x - cx, y - cy) < r; }
};

std::vector<uint8_t> shape_frame(const Shape& shape) {
  std::vector<uint8_t> f(static_cast<size_t>(shape.w) * shape.h * 4);
  for (int y = 0; y < shape.h; ++y)
    for (int x = 0; x < shape.w; ++x) {
      uint8_t* px = &f[(static_cast<size_t>(y) * shape.w + x) * 4];
      const bool hair = shape.contains(x + 0.5f, y + 0.5f);
      px[0] = hair ? 50 : 200;
      px[1] = hair ? 35 : 190;
      px[2] = hair ? 25 : 170;
      px[3] = 255;
    }
  return f;
}

// A perfect network: the shape over the region at n x n.
std::vector<float> shape_network(const Shape& shape, CropRect crop, int n) {
  std::vector<float> prob(static_cast<size_t>(n) * n);
  for (int v = 0; v < n; ++v)
    for (int u = 0; u < n; ++u)
      prob[v * n + u] = shape.contains(crop.x + (u + 0.5f) * crop.width / n, crop.y + (v + 0.5f) * crop.height / n)
                            ? 0.97f : 0.01f;
  return prob;
}

std::vector<uint8_t> segment_shape(MattePipeline* pipe, const Shape& shape, int n, CropRect* crop) {
  std::vector<uint8_t> net(static_cast<size_t>(n) * n * 4), alpha(static_cast<size_t>(shape.w) * shape.h);
  const auto frame = shape_frame(shape);
  EXPECT_TRUE(pipe->prepare_input(frame.data(), shape.w, shape.h, shape.w * 4, net.data(), crop).ok);
  const auto prob = shape_network(shape, *crop, n);
  EXPECT_TRUE(pipe->finish(frame.data(), shape.w, shape.h, shape.w * 4, prob.data(), *crop, alpha.data()).ok);
  return alpha;
}

TEST(MattePipeline, StillsCoverHairOutsideTheCentredSquare) {
  const Shape landscape{320, 240, 15, 120, 30}, portrait_frame{240, 320, 120, 305, 30};
  for (const Shape& shape : {landscape, portrait_frame}) {
    for (const MatteOptions& o : {MatteOptions{Refine::kGuided, 0.0f, true}, MatteOptions{Refine::kNone, 0.5f, false}}) {
      MattePipeline pipe(kN);
      ASSERT_TRUE(pipe.set_options(o).ok);
      CropRect crop;
      const auto alpha = segment_shape(&pipe, shape, kN, &crop);
      EXPECT_EQ(crop, whole_frame(shape.w, shape.h));
      const CropRect old = centred_square(shape.w, shape.h);
      int outside = 0, covered = 0;
      for (int y = 0; y < shape.h; ++y)
        for (int x = 0; x < shape.w; ++x) {
          const bool in_old = x >= old.x && x < old.x + old.width && y >= old.y && y < old.y + old.height;
          if (in_old || !shape.contains(x + 0.5f, y + 0.5f) || !shape.contains(x + 3.5f, y + 0.5f) ||
              !shape.contains(x - 2.5f, y + 0.5f) || !shape.contains(x + 0.5f, y + 3.5f) ||
              !shape.contains(x + 0.5f, y - 2.5f))
            continue;  // hair pixels at least 3 px inside the shape, outside the old square
          ++outside;
          covered += alpha[static_cast<size_t>(y) * shape.w + x] >= 200;
        }
      EXPECT_GT(outside, 300) << shape.w << "x" << shape.h;
      EXPECT_EQ(covered, outside) << shape.w << "x" << shape.h << " refine " << static_cast<int>(o.refine);
    }
  }
}

// Video: a head in the middle of a wide frame with long hair spread far to both sides, beyond any square
// the frame can hold. The region grows over it: the matte covers the hair in every frame.
TEST(MattePipeline, VideoRegionGrowsOverLongHairBesideTheHeadSquare) {
  const int w = 480, h = 240, n = 96;
  const auto hair_at = [](float x, float y) {
    const bool cap = std::hypot(x - 240, y - 90) < 50 && y < 90;
    const bool spread = y >= 80 && y < 150 && std::abs(x - 240) < 220 && std::abs(x - 240) > 45;
    return cap || spread;
  };
  std::vector<uint8_t> frame(static_cast<size_t>(w) * h * 4);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* px = &frame[(static_cast<size_t>(y) * w + x) * 4];
      const bool hair = hair_at(x + 0.5f, y + 0.5f);
      px[0] = hair ? 50 : 200;
      px[1] = hair ? 35 : 190;
      px[2] = hair ? 25 : 170;
      px[3] = 255;
    }
  MattePipeline pipe(n);
  ASSERT_TRUE(pipe.set_options({Refine::kGuided, 0.5f, true}).ok);
  std::vector<uint8_t> net(n * n * 4), alpha(w * h);
  std::vector<float> prob(n * n);
  for (int t = 0; t < 20; ++t) {
    CropRect crop;
    ASSERT_TRUE(pipe.prepare_input(frame.data(), w, h, w * 4, net.data(), &crop).ok);
    ASSERT_TRUE(check_crop_rect(crop, w, h).ok);
    for (int v = 0; v < n; ++v)
      for (int u = 0; u < n; ++u)
        prob[v * n + u] = hair_at(crop.x + (u + 0.5f) * crop.width / n, crop.y + (v + 0.5f) * crop.height / n) ? 0.97f : 0.01f;
    ASSERT_TRUE(pipe.finish(frame.data(), w, h, w * 4, prob.data(), crop, alpha.data()).ok);
    // The ends of the spread, 200 px from the head's centre: outside the head's square (side <= 240).
    EXPECT_GE(alpha[115 * w + 45], 200) << "frame " << t << ", region x " << crop.x << " width " << crop.width;
    EXPECT_GE(alpha[115 * w + 435], 200) << "frame " << t;
    if (t > 0) {
      EXPECT_GT(crop.width, h) << "frame " << t;  // wider than any square of this frame
    }
  }
}

TEST(MattePipeline, GuidedRefinementIsCloserToTheTrueMatteThanBilinear) {
  std::mt19937 rng(2);
  const auto frame = portrait(0, 0, 3, &rng);
  EdgeErrors error[2];
  for (int refine = 0; refine < 2; ++refine) {
    MattePipeline pipe(kN);
    MatteOptions o;  // defaults: radius 8, eps 1e-3, automatic subsampling (2 for this 240-pixel square)
    o.refine = refine ? Refine::kGuided : Refine::kNone;
    o.track_head = false;
    ASSERT_TRUE(pipe.set_options(o).ok);
    std::mt19937 net_rng(3);
    error[refine] = edge_errors(run_frame(&pipe, frame, 0, 0, 0.0f, &net_rng));
  }
  std::printf("mean |alpha - truth| near edges / in flat regions: none %.4f / %.4f, guided %.4f / %.4f\n",
              error[0].band, error[0].flat, error[1].band, error[1].flat);
  EXPECT_LT(error[1].band, 0.75 * error[0].band);
  EXPECT_LT(error[1].flat, 0.01);
}

TEST(MattePipeline, TracksTheHeadAndZoomsIn) {
  MattePipeline pipe(kN);
  ASSERT_TRUE(pipe.set_options({Refine::kGuided, 0.5f, true}).ok);  // video: temporal > 0
  std::mt19937 rng(4);
  CropRect crop;
  std::vector<uint8_t> net(kN * kN * 4);
  for (int t = 0; t < 12; ++t) {
    const float dx = 4.0f * t - 20;
    const auto frame = portrait(dx, 0, 2, &rng);
    run_frame(&pipe, frame, dx, 0, 0.02f, &rng);
  }
  const auto frame = portrait(28, 0, 2, &rng);
  ASSERT_TRUE(pipe.prepare_input(frame.data(), kW, kH, kW * 4, net.data(), &crop).ok);
  EXPECT_NEAR(crop.x + crop.width / 2.0, 160 + 24, 12);  // the head's centre moved from 140 to 184
  EXPECT_LT(crop.width, kW);  // zoomed in on the head
  pipe.reset();  // the next frame is a still: the whole frame
  ASSERT_TRUE(pipe.prepare_input(frame.data(), kW, kH, kW * 4, net.data(), &crop).ok);
  EXPECT_EQ(crop, whole_frame(kW, kH));
  // temporal 0 makes every frame a still, whatever track_head says.
  ASSERT_TRUE(pipe.set_options({Refine::kGuided, 0.5f, true}).ok);
  for (int t = 0; t < 5; ++t) run_frame(&pipe, frame, 28, 0, 0.0f, &rng);
  ASSERT_TRUE(pipe.prepare_input(frame.data(), kW, kH, kW * 4, net.data(), &crop).ok);
  EXPECT_LT(crop.width, kW);
  ASSERT_TRUE(pipe.set_options({Refine::kGuided, 0.0f, true}).ok);
  ASSERT_TRUE(pipe.prepare_input(frame.data(), kW, kH, kW * 4, net.data(), &crop).ok);
  EXPECT_EQ(crop, whole_frame(kW, kH));
}

// The flicker measurement: a still portrait with sub-pixel shifts and noise, a network whose
// output jitters with it; mean |frame-to-frame change| of the final matte with and without smoothing.
double pipeline_flicker(float temporal) {
  MattePipeline pipe(kN);
  MatteOptions o;
  o.temporal = temporal;
  EXPECT_TRUE(pipe.set_options(o).ok);
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> shift(-0.75f, 0.75f);
  std::vector<uint8_t> prev;
  double total = 0;
  const int frames = 24;
  for (int t = 0; t < frames; ++t) {
    const float dx = shift(rng), dy = shift(rng);
    const auto frame = portrait(dx, dy, 4, &rng);
    auto alpha = run_frame(&pipe, frame, dx + shift(rng), dy + shift(rng), 0.06f, &rng);
    if (!prev.empty()) total += mean_abs_change(prev.data(), alpha.data(), alpha.size());
    prev = alpha;
  }
  return total / (frames - 1);
}

TEST(MattePipeline, TemporalSmoothingLowersFlickerOnAStillPortrait) {
  const double off = pipeline_flicker(0.0f), on = pipeline_flicker(0.8f);
  std::printf("pipeline flicker (mean |change| per frame): temporal 0 %.5f, temporal 0.8 %.5f\n", off, on);
  EXPECT_GT(off, 0.002);
  EXPECT_LT(on, 0.8 * off);
}

TEST(MattePipeline, ChoosesTheSubsamplingFromTheRegionsLongerSide) {
  MattePipeline pipe(224);
  EXPECT_EQ(pipe.guided_subsample_for(480), 4);
  EXPECT_EQ(pipe.guided_subsample_for(224), 2);
  EXPECT_EQ(pipe.guided_subsample_for(100), 1);
  EXPECT_EQ(pipe.guided_subsample_for(1080), 4);
  MatteOptions o;
  o.guided_subsample = 3;
  ASSERT_TRUE(pipe.set_options(o).ok);
  EXPECT_EQ(pipe.guided_subsample_for(480), 3);
}

// refine 'none' converts the map to bytes and applies the levels 16 pixels at a time (and skips the table
// where 16 values are all at an end): every pixel must equal the scalar composition
// matte_level(unit_to_byte(P sampled at the pixel)), on a map that holds every level, flat runs at both
// ends, and a width that is not a multiple of 16.
TEST(MattePipeline, NoneEqualsLevelsOfTheRoundedMapAtEveryPixel) {
  const int w = 301, h = 203, n = 32;
  MattePipeline pipe(n);
  ASSERT_TRUE(pipe.set_options({Refine::kNone, 0.0f, false}).ok);
  std::vector<float> prob(n * n);
  std::mt19937 rng(3);
  for (int i = 0; i < n * n; ++i) {
    const int kind = static_cast<int>(rng() % 4);
    prob[i] = kind == 0 ? 0.0f : kind == 1 ? 1.0f : (rng() % 1001) / 1000.0f;
  }
  std::vector<uint8_t> frame(static_cast<size_t>(w) * h * 4, 90), alpha(static_cast<size_t>(w) * h);
  const CropRect crop{40, 0, 203, 203};
  ASSERT_TRUE(pipe.finish(frame.data(), w, h, w * 4, prob.data(), crop, alpha.data()).ok);
  std::vector<float> sampled(static_cast<size_t>(w) * h);
  sample_crop_probability(prob.data(), n, crop, 1.0f, w, h, sampled.data());
  int mismatches = 0, middle = 0;
  for (size_t i = 0; i < alpha.size(); ++i) {
    const float c = std::min(std::max(sampled[i], 0.0f), 1.0f);
    const uint8_t want = MattePipeline::matte_level(static_cast<uint8_t>(c * 255.0f + 0.5f));
    mismatches += alpha[i] != want;
    middle += want > 0 && want < 255;
  }
  EXPECT_EQ(mismatches, 0);
  EXPECT_GT(middle, w * h / 4);  // the map's soft values are exercised, not only its ends
}

TEST(MattePipeline, MatteLevelsSnapTheEndsAndStretchTheMiddle) {
  EXPECT_EQ(MattePipeline::matte_level(0), 0);
  EXPECT_EQ(MattePipeline::matte_level(10), 0);
  EXPECT_EQ(MattePipeline::matte_level(11), 1);  // 255 / 235 per step
  EXPECT_EQ(MattePipeline::matte_level(128), 128);
  EXPECT_EQ(MattePipeline::matte_level(245), 255);
  EXPECT_EQ(MattePipeline::matte_level(255), 255);
  for (int a = 1; a < 256; ++a) EXPECT_GE(MattePipeline::matte_level(a), MattePipeline::matte_level(a - 1));
  // Through the pipeline: a faint 3% haze outside the hair (as networks output) becomes exactly 0.
  MattePipeline pipe(kN);
  ASSERT_TRUE(pipe.set_options({Refine::kGuided, 0.0f, false}).ok);
  std::mt19937 rng(9);
  const auto frame = portrait(0, 0, 3, &rng);
  const auto alpha = run_frame(&pipe, frame, 0, 0, 0.0f, &rng, 0.03f);
  EXPECT_EQ(alpha[5 * kW + 5], 0);      // background corner
  EXPECT_EQ(alpha[110 * kW + 160], 255);  // inside the hair
}

TEST(MattePipeline, RejectsBadInput) {
  MattePipeline pipe(kN);
  MatteOptions o;
  o.temporal = 2.0f;
  EXPECT_FALSE(pipe.set_options(o).ok);
  o = MatteOptions{};
  o.guided_eps = NAN;
  EXPECT_FALSE(pipe.set_options(o).ok);
  o = MatteOptions{};
  o.refine = static_cast<Refine>(7);
  EXPECT_FALSE(pipe.set_options(o).ok);
  std::vector<uint8_t> frame(kW * kH * 4), net(kN * kN * 4), alpha(kW * kH);
  std::vector<float> prob(kN * kN, 0.5f);
  CropRect crop;
  EXPECT_FALSE(pipe.prepare_input(frame.data(), kW, kH, kW * 2, net.data(), &crop).ok);
  EXPECT_FALSE(pipe.prepare_input(frame.data(), 0, kH, kW * 4, net.data(), &crop).ok);
  EXPECT_FALSE(pipe.finish(frame.data(), kW, kH, kW * 4, prob.data(), CropRect{200, 0, 240, 240}, alpha.data()).ok);
  EXPECT_FALSE(pipe.finish(frame.data(), kW, kH, kW * 4, nullptr, centred_square(kW, kH), alpha.data()).ok);
  const Status st = pipe.finish(frame.data(), kW, kH, kW * 4, prob.data(), centred_square(kW, kH), alpha.data());
  EXPECT_TRUE(st.ok) << st.message;  // still usable after the errors
}

}  // namespace
}  // namespace hm
