// Temporal smoothing: the blend rule on single pixels, no ghosting of confident changes, and lower flicker
// on a still subject whose matte jitters.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "matting/temporal_smoother.h"

namespace hm {
namespace {

TEST(TemporalSmoother, BlendsUncertainPixelsByTheDocumentedRule) {
  TemporalSmoother s;
  ASSERT_TRUE(s.set_strength(1.0f).ok);
  uint8_t first[3] = {255, 0, 0};
  s.apply(first, 3, 1);  // first frame passes through
  EXPECT_EQ(first[0], 255);
  uint8_t second[3] = {128, 255, 64};
  s.apply(second, 3, 1);
  // Pixel 0: p = 128/255, u = 1 - (2p-1)^2 ~ 1, w = 0.9 u: m = p + w (1 - p).
  const double p0 = 128 / 255.0, w0 = 0.9 * (1 - std::pow(2 * p0 - 1, 2));
  EXPECT_NEAR(second[0], 255 * (p0 + w0 * (1 - p0)), 0.5 + 1e-6);
  EXPECT_EQ(second[1], 255);  // confident: follows the new frame exactly
  const double p2 = 64 / 255.0, w2 = 0.9 * (1 - std::pow(2 * p2 - 1, 2));
  EXPECT_NEAR(second[2], 255 * (p2 * (1 - w2)), 0.5 + 1e-6);
}

// The SIMD128 loop (16 pixels at a time) against the rule written one pixel at a time in double, over a
// sequence of random mattes on a frame whose size is not a multiple of 16 (so the scalar tail runs too).
TEST(TemporalSmoother, WholeFramesFollowTheRuleForEveryPixel) {
  const int w = 37, h = 11, n = w * h;
  for (const float strength : {0.3f, 1.0f}) {
    TemporalSmoother s;
    ASSERT_TRUE(s.set_strength(strength).ok);
    std::mt19937 rng(9);
    std::vector<double> m(n);
    for (int frame = 0; frame < 6; ++frame) {
      std::vector<uint8_t> alpha(n);
      for (auto& a : alpha) a = static_cast<uint8_t>(rng() % 256);
      const std::vector<uint8_t> in = alpha;
      s.apply(alpha.data(), w, h);
      for (int i = 0; i < n; ++i) {
        const double p = in[i] / 255.0, c = 2 * p - 1, wt = 0.9 * strength * (1 - c * c);
        m[i] = frame == 0 ? p : p + wt * (m[i] - p);
        ASSERT_NEAR(alpha[i], 255 * m[i], 0.5 + 1e-3) << "frame " << frame << " pixel " << i;
      }
    }
  }
}

TEST(TemporalSmoother, StrengthZeroIsIdentityAndResetForgets) {
  TemporalSmoother s;
  std::vector<uint8_t> a(100), b(100);
  for (int i = 0; i < 100; ++i) {
    a[i] = static_cast<uint8_t>(i * 2);
    b[i] = static_cast<uint8_t>(255 - i);
  }
  auto out = a;
  s.apply(out.data(), 10, 10);
  out = b;
  s.apply(out.data(), 10, 10);
  EXPECT_EQ(out, b);

  ASSERT_TRUE(s.set_strength(0.8f).ok);
  out = a;
  s.apply(out.data(), 10, 10);
  out = b;
  s.apply(out.data(), 10, 10);
  EXPECT_NE(out, b);  // smoothing on: the past shows through
  s.reset();
  out = b;
  s.apply(out.data(), 10, 10);
  EXPECT_EQ(out, b);  // after reset the frame is its own history
  out = a;
  s.apply(out.data(), 5, 20);  // a new size also starts over
  EXPECT_EQ(out, a);
}

TEST(TemporalSmoother, RejectsStrengthOutsideZeroToOne) {
  TemporalSmoother s;
  EXPECT_FALSE(s.set_strength(-0.1f).ok);
  EXPECT_FALSE(s.set_strength(1.5f).ok);
  EXPECT_FALSE(s.set_strength(NAN).ok);
  EXPECT_EQ(s.strength(), 0.0f);
}

TEST(TemporalSmoother, AMovingConfidentEdgeLeavesNoGhost) {
  TemporalSmoother s;
  ASSERT_TRUE(s.set_strength(1.0f).ok);
  const int w = 64, h = 4;
  std::vector<uint8_t> frame(w * h);
  for (int t = 0; t < 10; ++t) {
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) frame[y * w + x] = x < 10 + 4 * t ? 255 : 0;
    auto out = frame;
    s.apply(out.data(), w, h);
    EXPECT_EQ(out, frame) << "frame " << t;
  }
}

// A still subject: a soft-edged disc whose edge jitters by up to a pixel, with noise, as a network's
// output on a still portrait does from frame to frame.
std::vector<uint8_t> jittered_disc(int w, int h, std::mt19937* rng) {
  std::uniform_real_distribution<float> shift(-1.0f, 1.0f);
  std::normal_distribution<float> noise(0.0f, 0.04f);
  const float cx = w / 2 + shift(*rng), cy = h / 2 + shift(*rng), radius = w / 3 + shift(*rng);
  std::vector<uint8_t> a(w * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const float d = std::hypot(x - cx, y - cy) - radius;
      const float p = 1.0f / (1.0f + std::exp(d / 1.5f)) + noise(*rng);
      a[y * w + x] = static_cast<uint8_t>(std::clamp(p, 0.0f, 1.0f) * 255.0f + 0.5f);
    }
  return a;
}

double flicker_over_sequence(float strength) {
  std::mt19937 rng(7);
  TemporalSmoother s;
  EXPECT_TRUE(s.set_strength(strength).ok);
  const int w = 96, h = 96, frames = 40;
  std::vector<uint8_t> prev;
  double total = 0;
  for (int t = 0; t < frames; ++t) {
    auto a = jittered_disc(w, h, &rng);
    s.apply(a.data(), w, h);
    if (!prev.empty()) total += mean_abs_change(prev.data(), a.data(), a.size());
    prev = a;
  }
  return total / (frames - 1);
}

TEST(TemporalSmoother, LowersFlickerOnAStillSubject) {
  const double raw = flicker_over_sequence(0.0f);
  const double half = flicker_over_sequence(0.5f);
  const double full = flicker_over_sequence(1.0f);
  RecordProperty("flicker_raw", std::to_string(raw));
  RecordProperty("flicker_0.5", std::to_string(half));
  RecordProperty("flicker_1.0", std::to_string(full));
  std::printf("flicker (mean |change| per frame): off %.5f, 0.5 %.5f, 1.0 %.5f\n", raw, half, full);
  EXPECT_GT(raw, 0.005);  // the sequence does flicker
  EXPECT_LT(half, 0.85 * raw);
  EXPECT_LT(full, 0.7 * raw);
}

TEST(TemporalSmoother, MeanAbsChangeIsInUnitRange) {
  const uint8_t a[4] = {0, 255, 10, 20}, b[4] = {255, 255, 20, 10};
  EXPECT_NEAR(mean_abs_change(a, b, 4), (255 + 0 + 10 + 10) / (4 * 255.0), 1e-12);
  EXPECT_EQ(mean_abs_change(a, a, 4), 0.0);
  EXPECT_EQ(mean_abs_change(a, b, 0), 0.0);
}

}  // namespace
}  // namespace hm
