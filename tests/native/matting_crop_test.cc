// The head-tracking crop: the rule on single boxes, following a moving head over a sequence, the fallback,
// and the crop <-> network mapping.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "matting/crop_square.h"
#include "matting/head_crop.h"

namespace hm {
namespace {

// What a perfect network would output for a hair "cap" (the upper half of an ellipse, plus sides hanging
// down to the ears) centred at (hx, hy) in frame pixels with half-width hw, seen through `crop` at n x n.
std::vector<float> render_hair(float hx, float hy, float hw, CropSquare crop, int n) {
  std::vector<float> prob(static_cast<size_t>(n) * n);
  for (int v = 0; v < n; ++v) {
    for (int u = 0; u < n; ++u) {
      const float x = crop.x + (u + 0.5f) * crop.size / n, y = crop.y + (v + 0.5f) * crop.size / n;
      const float dx = (x - hx) / hw, dy = (y - hy) / (0.8f * hw);
      const bool cap = dy <= 0.0f && dx * dx + dy * dy <= 1.0f;
      const bool sides = dy > 0.0f && dy < 0.8f && std::abs(dx) > 0.75f && std::abs(dx) <= 1.0f;
      prob[v * n + u] = (cap || sides) ? 0.95f : 0.02f;
    }
  }
  return prob;
}

TEST(CropSquare, CentredSquareIsTheLargestCentredOne) {
  EXPECT_EQ(centred_square(640, 480), (CropSquare{80, 0, 480}));
  EXPECT_EQ(centred_square(480, 640), (CropSquare{0, 80, 480}));
  EXPECT_EQ(centred_square(7, 7), (CropSquare{0, 0, 7}));
}

TEST(CropSquare, RuleCoversHairAndFaceBelowIt) {
  HairBox hair{true, 300, 100, 400, 160};  // 100 wide, 60 tall: short hair on top of the head
  const CropSquare sq = head_square_for(hair, 640, 480);
  EXPECT_TRUE(check_crop_square(sq, 640, 480).ok);
  EXPECT_LE(sq.x, 300);
  EXPECT_GE(sq.x + sq.size, 400);
  EXPECT_LE(sq.y, 100);
  EXPECT_GE(sq.y + sq.size, 100 + 130);  // down to the chin: top + 1.3 x width
  EXPECT_NEAR(sq.size, 1.3 * 130, 1.0);  // margin x head height
  // Long hair: the square covers the hair's whole length instead.
  const CropSquare long_hair = head_square_for(HairBox{true, 300, 100, 400, 400}, 640, 480);
  EXPECT_GE(long_hair.y + long_hair.size, 400);
  // A head at the frame's corner gives a square shifted inside the frame.
  const CropSquare corner = head_square_for(HairBox{true, 600, 0, 640, 30}, 640, 480);
  EXPECT_TRUE(check_crop_square(corner, 640, 480).ok);
  EXPECT_EQ(corner.x + corner.size, 640);
  // Tiny blobs do not zoom in further than 0.35 of the short side.
  EXPECT_GE(head_square_for(HairBox{true, 10, 10, 12, 12}, 640, 480).size, 0.35 * 480 - 1);
}

TEST(CropTracker, FollowsAHeadThatMoves) {
  const int w = 640, h = 480, n = 96;
  HeadCropTracker tracker;
  EXPECT_EQ(tracker.next(w, h), centred_square(w, h));
  float hx = 150, hy = 150;
  const float hw = 60;
  int frames_with_head_inside = 0, frames = 0;
  for (int t = 0; t < 60; ++t) {
    if (t < 40) {  // 10 px per frame to the right and 2 px down, then still
      hx += 10;
      hy += 2;
    }
    const CropSquare crop = tracker.next(w, h);
    ASSERT_TRUE(check_crop_square(crop, w, h).ok);
    const auto prob = render_hair(hx, hy, hw, crop, n);
    const HairBox seen = find_hair_box(prob.data(), n, crop);
    tracker.observe(seen, w, h);
    if (t >= 5) {
      ++frames;
      const bool inside = crop.x <= hx - hw && crop.x + crop.size >= hx + hw && crop.y <= hy - 0.8f * hw &&
                          crop.y + crop.size >= hy + 1.3f * 2 * hw - 0.8f * hw;
      frames_with_head_inside += inside;
      EXPECT_NEAR(crop.x + 0.5f * crop.size, hx, 40.0f) << "frame " << t;
    }
  }
  EXPECT_EQ(frames_with_head_inside, frames);
  // Once the head stops, the crop settles on the rule's square for it (zoomed in: not the whole frame).
  const CropSquare settled = tracker.next(w, h);
  const CropSquare target = head_square_for(HairBox{true, hx - hw, hy - 0.8f * hw, hx + hw, hy + 0.64f * hw}, w, h);
  EXPECT_NEAR(settled.x, target.x, 3);
  EXPECT_NEAR(settled.y, target.y, 3);
  EXPECT_NEAR(settled.size, target.size, 3);
  EXPECT_LT(settled.size, 300);
}

TEST(CropTracker, FallsBackToTheCentredSquareWhenTheHeadIsGone) {
  HeadCropTracker tracker;
  for (int t = 0; t < 20; ++t) tracker.observe(HairBox{true, 20, 20, 120, 80}, 640, 480);
  const CropSquare zoomed = tracker.next(640, 480);
  EXPECT_LT(zoomed.size, 300);
  for (int t = 0; t < HeadCropTracker::kMissesBeforeFallback - 1; ++t) tracker.observe(HairBox{}, 640, 480);
  EXPECT_EQ(tracker.next(640, 480), zoomed);  // a few missed frames (a blink, a hand) do not move the crop
  for (int t = 0; t < 30; ++t) tracker.observe(HairBox{}, 640, 480);
  EXPECT_EQ(tracker.next(640, 480), centred_square(640, 480));
  tracker.observe(HairBox{true, 20, 20, 120, 80}, 640, 480);
  tracker.reset();
  EXPECT_EQ(tracker.next(640, 480), centred_square(640, 480));
  EXPECT_EQ(tracker.next(320, 240), centred_square(320, 240));
}

TEST(CropTracker, IgnoresSpecksBelowTheCoverageThreshold) {
  std::vector<float> prob(100 * 100, 0.0f);
  prob[5 * 100 + 5] = 1.0f;  // 1 pixel of 10000: below 0.2%
  EXPECT_FALSE(find_hair_box(prob.data(), 100, CropSquare{0, 0, 100}).found);
  for (int i = 0; i < 30; ++i) prob[50 * 100 + 20 + i] = 0.9f;
  const HairBox box = find_hair_box(prob.data(), 100, CropSquare{10, 20, 200});  // 2 frame px per map px
  ASSERT_TRUE(box.found);
  EXPECT_FLOAT_EQ(box.x0, 10 + 2 * 5);
  EXPECT_FLOAT_EQ(box.x1, 10 + 2 * 50);
  EXPECT_FLOAT_EQ(box.y0, 20 + 2 * 5);
  EXPECT_FLOAT_EQ(box.y1, 20 + 2 * 51);
  std::vector<uint8_t> alpha(64 * 48, 0);
  for (int x = 10; x < 30; ++x) alpha[7 * 64 + x] = 200;
  const HairBox full = find_hair_box(alpha.data(), 64, 48);
  ASSERT_TRUE(full.found);
  EXPECT_FLOAT_EQ(full.x0, 10);
  EXPECT_FLOAT_EQ(full.x1, 30);
  EXPECT_FLOAT_EQ(full.y0, 7);
  EXPECT_FLOAT_EQ(full.y1, 8);
}

TEST(CropSquare, NetworkInputAndMappingBackLineUp) {
  const int w = 50, h = 40, n = 16;
  const CropSquare crop{7, 5, 32};  // 2 frame pixels per network pixel
  std::vector<uint8_t> frame(w * h * 4);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* px = &frame[(y * w + x) * 4];
      px[0] = static_cast<uint8_t>(x * 4);
      px[1] = static_cast<uint8_t>(y * 5);
      px[2] = 7;
      px[3] = 255;
    }
  std::vector<uint8_t> net(n * n * 4);
  ASSERT_TRUE(crop_to_network_input(frame.data(), w, h, w * 4, crop, n, net.data()).ok);
  // Network pixel (u, v) averages frame pixels 7 + 2u, 7 + 2u + 1 (centre 7 + 2u + 0.5).
  for (int u = 0; u < n; ++u) EXPECT_NEAR(net[(3 * n + u) * 4 + 0], 4 * (7 + 2 * u + 0.5), 0.51);
  for (int v = 0; v < n; ++v) EXPECT_NEAR(net[(v * n + 3) * 4 + 1], 5 * (5 + 2 * v + 0.5), 0.51);

  // A map linear in u sampled back at frame pixels reproduces the frame coordinate (away from the clamped
  // half-pixel border), and is 0 outside the square.
  std::vector<float> prob(n * n);
  for (int v = 0; v < n; ++v)
    for (int u = 0; u < n; ++u) prob[v * n + u] = (u + 0.5f) / n;
  std::vector<float> out(w * h);
  sample_crop_probability(prob.data(), n, crop, 1.0f, w, h, out.data());
  for (int x = crop.x + 1; x < crop.x + crop.size - 1; ++x) {
    EXPECT_NEAR(out[10 * w + x], (x + 0.5f - crop.x) / crop.size, 1e-5) << x;
  }
  EXPECT_EQ(out[10 * w + crop.x - 1], 0.0f);
  EXPECT_EQ(out[10 * w + crop.x + crop.size], 0.0f);
  EXPECT_EQ(out[(crop.y - 1) * w + 20], 0.0f);
  EXPECT_GT(out[crop.y * w + 20], 0.0f);
  // cell = 2: the 2x2 block grid of the frame.
  std::vector<float> half((w / 2) * (h / 2));
  sample_crop_probability(prob.data(), n, crop, 2.0f, w / 2, h / 2, half.data());
  EXPECT_NEAR(half[10 * (w / 2) + 10], (21.0f - crop.x) / crop.size, 1e-5);
}

// sample_crop_probability (column taps in blocks of 256, the inside run of each block) against its
// definition written per pixel in double: a frame wider than one block, squares touching either side, cells
// of 1 and 3 frame pixels, a random map.
TEST(CropSquare, SamplingMatchesAPerPixelReferenceAcrossColumnBlocks) {
  const int n = 24;
  std::vector<float> prob(n * n);
  uint32_t seed = 5;
  for (float& p : prob) {
    seed = seed * 1664525u + 1013904223u;
    p = (seed >> 8) * (1.0f / 16777216.0f);
  }
  struct Case {
    int w, h;
    CropSquare crop;
    int cell;
  };
  for (const Case c : {Case{600, 310, {150, 3, 300}, 1}, Case{700, 300, {0, 0, 300}, 1},
                       Case{517, 260, {257, 0, 260}, 1}, Case{640, 480, {80, 0, 480}, 3}}) {
    const int ow = (c.w + c.cell - 1) / c.cell, oh = (c.h + c.cell - 1) / c.cell;
    std::vector<float> out(static_cast<size_t>(ow) * oh, -1.0f);
    sample_crop_probability(prob.data(), n, c.crop, static_cast<float>(c.cell), ow, oh, out.data());
    const auto tap = [&](int i, int origin, int* i0, int* i1, double* w1) {
      const double centre = (i + 0.5) * c.cell - origin;
      if (centre < 0 || centre >= c.crop.size) return false;
      const double s = std::max(centre * n / c.crop.size - 0.5, 0.0);
      *i0 = std::min(static_cast<int>(s), n - 1);
      *i1 = std::min(*i0 + 1, n - 1);
      *w1 = s - *i0;
      return true;
    };
    double worst = 0;
    for (int j = 0; j < oh; ++j)
      for (int i = 0; i < ow; ++i) {
        int x0, x1, y0, y1;
        double wx, wy, want = 0;
        if (tap(i, c.crop.x, &x0, &x1, &wx) && tap(j, c.crop.y, &y0, &y1, &wy)) {
          want = (1 - wy) * ((1 - wx) * prob[y0 * n + x0] + wx * prob[y0 * n + x1]) +
                 wy * ((1 - wx) * prob[y1 * n + x0] + wx * prob[y1 * n + x1]);
        }
        worst = std::max(worst, std::abs(out[static_cast<size_t>(j) * ow + i] - want));
      }
    EXPECT_LT(worst, 1e-5) << c.w << "x" << c.h << " cell " << c.cell;
  }
}

TEST(CropSquare, RejectsSquaresOutsideTheFrame) {
  std::vector<uint8_t> frame(20 * 10 * 4), net(8 * 8 * 4);
  EXPECT_FALSE(crop_to_network_input(frame.data(), 20, 10, 80, CropSquare{15, 0, 10}, 8, net.data()).ok);
  EXPECT_FALSE(crop_to_network_input(frame.data(), 20, 10, 80, CropSquare{0, 0, 0}, 8, net.data()).ok);
  EXPECT_FALSE(crop_to_network_input(frame.data(), 20, 10, 80, CropSquare{-1, 0, 5}, 8, net.data()).ok);
  EXPECT_FALSE(crop_to_network_input(frame.data(), 20, 10, 40, CropSquare{0, 0, 5}, 8, net.data()).ok);
  EXPECT_TRUE(crop_to_network_input(frame.data(), 20, 10, 80, CropSquare{10, 0, 10}, 8, net.data()).ok);
}

}  // namespace
}  // namespace hm
