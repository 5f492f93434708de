// The region the network sees: the head rule on single boxes, the video region following a moving head and
// growing over long hair, the fallback to the whole frame, and the region <-> network mapping (squares and
// stretched rectangles).
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
// down to the ears, or to `hang` x hw below the centre for long hair) centred at (hx, hy) in frame pixels
// with half-width hw, seen through `crop` at n x n.
std::vector<float> render_hair(float hx, float hy, float hw, CropRect crop, int n, float hang = 0.64f) {
  std::vector<float> prob(static_cast<size_t>(n) * n);
  for (int v = 0; v < n; ++v) {
    for (int u = 0; u < n; ++u) {
      const float x = crop.x + (u + 0.5f) * crop.width / n, y = crop.y + (v + 0.5f) * crop.height / n;
      const float dx = (x - hx) / hw, dy = (y - hy) / (0.8f * hw);
      const bool cap = dy <= 0.0f && dx * dx + dy * dy <= 1.0f;
      const bool sides = dy > 0.0f && dy * 0.8f * hw < hang * hw && std::abs(dx) > 0.75f && std::abs(dx) <= 1.0f;
      prob[v * n + u] = (cap || sides) ? 0.95f : 0.02f;
    }
  }
  return prob;
}

TEST(CropRect, CentredSquareAndWholeFrame) {
  EXPECT_EQ(centred_square(640, 480), (CropRect{80, 0, 480, 480}));
  EXPECT_EQ(centred_square(480, 640), (CropRect{0, 80, 480, 480}));
  EXPECT_EQ(centred_square(7, 7), (CropRect{0, 0, 7, 7}));
  EXPECT_EQ(whole_frame(640, 480), (CropRect{0, 0, 640, 480}));
}

TEST(CropRect, RuleCoversHairAndFaceBelowIt) {
  HairBox hair{true, 300, 100, 400, 160};  // 100 wide, 60 tall: short hair on top of the head
  const CropRect sq = head_square_for(hair, 640, 480);
  EXPECT_TRUE(check_crop_rect(sq, 640, 480).ok);
  EXPECT_TRUE(sq.is_square());
  EXPECT_LE(sq.x, 300);
  EXPECT_GE(sq.x + sq.width, 400);
  EXPECT_LE(sq.y, 100);
  EXPECT_GE(sq.y + sq.height, 100 + 130);  // down to the chin: top + 1.3 x width
  EXPECT_NEAR(sq.width, 1.3 * 130, 1.0);   // margin x head height
  // Short hair fits the square with its margin: the region is the square itself (the face stays large).
  EXPECT_EQ(view_for(hair, whole_frame(640, 480), 640, 480), sq);
  // Long hair: the square covers the hair's whole length instead.
  const CropRect long_hair = head_square_for(HairBox{true, 300, 100, 400, 400}, 640, 480);
  EXPECT_GE(long_hair.y + long_hair.height, 400);
  // A head at the frame's corner gives a square shifted inside the frame.
  const CropRect corner = head_square_for(HairBox{true, 600, 0, 640, 30}, 640, 480);
  EXPECT_TRUE(check_crop_rect(corner, 640, 480).ok);
  EXPECT_EQ(corner.x + corner.width, 640);
  // Tiny blobs do not zoom in further than 0.35 of the short side.
  EXPECT_GE(head_square_for(HairBox{true, 10, 10, 12, 12}, 640, 480).width, 0.35 * 480 - 1);
}

// Hair longer than the frame's short side (a portrait camera, hair to the waist) or wider than it: the
// square alone would cut it; the region is the square grown over the hair, clipped to the frame.
TEST(CropRect, RegionGrowsOverHairBeyondTheSquare) {
  const HairBox long_hair{true, 150, 60, 330, 600};  // 480 x 640 portrait frame, hair down to y = 600
  const CropRect sq = head_square_for(long_hair, 480, 640);
  EXPECT_LT(sq.y + sq.height, 600);  // the square (side <= 480) ends above the hair's tips
  const CropRect region = view_for(long_hair, whole_frame(480, 640), 480, 640);
  EXPECT_TRUE(check_crop_rect(region, 480, 640).ok);
  EXPECT_LE(region.x, 150);
  EXPECT_GE(region.x + region.width, 330);
  EXPECT_LE(region.y, 60);
  EXPECT_GE(region.y + region.height, 600);
  // Wide hair in a landscape frame: the region reaches beyond the square on both sides, inside the frame.
  const HairBox wide{true, 20, 100, 620, 300};
  const CropRect wide_region = view_for(wide, whole_frame(640, 480), 640, 480);
  EXPECT_EQ(wide_region.x, 0);
  EXPECT_EQ(wide_region.x + wide_region.width, 640);
  // Hair that ran off the side of the region the network saw: the region reaches further that way.
  HairBox cut{true, 200, 100, 300, 280};
  const CropRect seen{150, 50, 200, 230};
  const CropRect uncut_region = view_for(cut, seen, 640, 480);
  cut.cut_bottom = true;
  const CropRect cut_region = view_for(cut, seen, 640, 480);
  EXPECT_GE(cut_region.y + cut_region.height, std::min(480, uncut_region.y + uncut_region.height + 100));
  EXPECT_EQ(cut_region.y, uncut_region.y);
}

TEST(CropTracker, FollowsAHeadThatMoves) {
  const int w = 640, h = 480, n = 96;
  HeadCropTracker tracker;
  EXPECT_EQ(tracker.next(w, h), whole_frame(w, h));  // the first frame is a still
  float hx = 150, hy = 150;
  const float hw = 60;
  int frames_with_head_inside = 0, frames = 0;
  for (int t = 0; t < 60; ++t) {
    if (t < 40) {  // 10 px per frame to the right and 2 px down, then still
      hx += 10;
      hy += 2;
    }
    const CropRect crop = tracker.next(w, h);
    ASSERT_TRUE(check_crop_rect(crop, w, h).ok);
    const auto prob = render_hair(hx, hy, hw, crop, n);
    tracker.observe(find_hair_box(prob.data(), n, crop), crop, w, h);
    if (t >= 5) {
      ++frames;
      const bool inside = crop.x <= hx - hw && crop.x + crop.width >= hx + hw && crop.y <= hy - 0.8f * hw &&
                          crop.y + crop.height >= hy + 1.3f * 2 * hw - 0.8f * hw;
      frames_with_head_inside += inside;
      EXPECT_NEAR(crop.x + 0.5f * crop.width, hx, 40.0f) << "frame " << t;
      EXPECT_LT(crop.width, 1.3f * crop.height) << "frame " << t;  // about square: the head stays large
    }
  }
  EXPECT_EQ(frames_with_head_inside, frames);
  // Once the head stops, the region settles on the rule's square for it (zoomed in: not the whole frame),
  // within the dead band, and then stays exactly where it is.
  const CropRect settled = tracker.next(w, h);
  const CropRect target = head_square_for(HairBox{true, hx - hw, hy - 0.8f * hw, hx + hw, hy + 0.64f * hw}, w, h);
  const float band = HeadCropTracker::kDeadBand * h + 4;
  EXPECT_NEAR(settled.x, target.x, band);
  EXPECT_NEAR(settled.y, target.y, band);
  EXPECT_NEAR(settled.x + settled.width, target.x + target.width, band);
  EXPECT_NEAR(settled.y + settled.height, target.y + target.height, band);
  for (int t = 0; t < 5; ++t) {
    const auto prob = render_hair(hx, hy, hw, settled, n);
    tracker.observe(find_hair_box(prob.data(), n, settled), settled, w, h);
    EXPECT_EQ(tracker.next(w, h), settled) << "a still head moves the region";
  }
  EXPECT_LT(settled.width, 300);
}

// Long hair hanging far below the head in a portrait camera frame: the region grows to cover it within a
// few frames, keeps covering it, and never leaves the frame.
TEST(CropTracker, GrowsOverLongHairAndStaysInsideTheFrame) {
  const int w = 480, h = 640, n = 96;
  const float hx = 240, hy = 170, hw = 90, hang = 4.8f;  // the sides hang to hy + 4.8 x 90 = 602
  HeadCropTracker tracker;
  for (int t = 0; t < 40; ++t) {
    const CropRect crop = tracker.next(w, h);
    ASSERT_TRUE(check_crop_rect(crop, w, h).ok) << "frame " << t;
    const auto prob = render_hair(hx, hy, hw, crop, n, hang);
    const HairBox hair = find_hair_box(prob.data(), n, crop);
    if (t >= 3) {
      EXPECT_GE(crop.y + crop.height, hy + hang * hw) << "frame " << t << ": the tips are cut";
      EXPECT_FALSE(hair.cut_bottom) << "frame " << t;
    }
    tracker.observe(hair, crop, w, h);
  }
  const CropRect settled = tracker.next(w, h);
  EXPECT_GT(settled.height, w);          // taller than any square of this frame could be
  EXPECT_LE(settled.y, hy - 0.8f * hw);  // the crown inside
}

TEST(CropTracker, FallsBackToTheWholeFrameWhenTheHeadIsGone) {
  HeadCropTracker tracker;
  const CropRect frame = whole_frame(640, 480);
  for (int t = 0; t < 20; ++t) tracker.observe(HairBox{true, 20, 20, 120, 80}, frame, 640, 480);
  const CropRect zoomed = tracker.next(640, 480);
  EXPECT_LT(zoomed.width, 300);
  for (int t = 0; t < HeadCropTracker::kMissesBeforeFallback - 1; ++t) tracker.observe(HairBox{}, zoomed, 640, 480);
  EXPECT_EQ(tracker.next(640, 480), zoomed);  // a few missed frames (a blink, a hand) do not move the region
  tracker.observe(HairBox{}, zoomed, 640, 480);
  EXPECT_EQ(tracker.next(640, 480), frame);  // then at once the whole frame: nothing can be outside it
  tracker.observe(HairBox{true, 20, 20, 120, 80}, frame, 640, 480);
  tracker.reset();
  EXPECT_EQ(tracker.next(640, 480), frame);
  EXPECT_EQ(tracker.next(320, 240), whole_frame(320, 240));
}

TEST(CropTracker, IgnoresSpecksBelowTheCoverageThreshold) {
  std::vector<float> prob(100 * 100, 0.0f);
  prob[5 * 100 + 5] = 1.0f;  // 1 pixel of 10000: below 0.2%
  EXPECT_FALSE(find_hair_box(prob.data(), 100, CropRect{0, 0, 100, 100}).found);
  for (int i = 0; i < 30; ++i) prob[50 * 100 + 20 + i] = 0.9f;
  const HairBox box = find_hair_box(prob.data(), 100, CropRect{10, 20, 200, 300});  // 2 x 3 frame px per map px
  ASSERT_TRUE(box.found);
  EXPECT_FLOAT_EQ(box.x0, 10 + 2 * 5);
  EXPECT_FLOAT_EQ(box.x1, 10 + 2 * 50);
  EXPECT_FLOAT_EQ(box.y0, 20 + 3 * 5);
  EXPECT_FLOAT_EQ(box.y1, 20 + 3 * 51);
  EXPECT_FALSE(box.cut_left || box.cut_top || box.cut_right || box.cut_bottom);
  prob[99 * 100 + 40] = 0.9f;  // hair on the map's last row: it may go on below the region
  EXPECT_TRUE(find_hair_box(prob.data(), 100, CropRect{10, 20, 200, 300}).cut_bottom);
}

TEST(CropRect, NetworkInputAndMappingBackLineUp) {
  const int w = 50, h = 40, n = 16;
  const CropRect crop{7, 5, 32, 32};  // 2 frame pixels per network pixel
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
  for (int x = crop.x + 1; x < crop.x + crop.width - 1; ++x) {
    EXPECT_NEAR(out[10 * w + x], (x + 0.5f - crop.x) / crop.width, 1e-5) << x;
  }
  EXPECT_EQ(out[10 * w + crop.x - 1], 0.0f);
  EXPECT_EQ(out[10 * w + crop.x + crop.width], 0.0f);
  EXPECT_EQ(out[(crop.y - 1) * w + 20], 0.0f);
  EXPECT_GT(out[crop.y * w + 20], 0.0f);
  // cell = 2: the 2x2 block grid of the frame.
  std::vector<float> half((w / 2) * (h / 2));
  sample_crop_probability(prob.data(), n, crop, 2.0f, w / 2, h / 2, half.data());
  EXPECT_NEAR(half[10 * (w / 2) + 10], (21.0f - crop.x) / crop.width, 1e-5);
}

// A still: the whole 48 x 32 frame stretched to 16 x 16 (3 frame pixels per network pixel across, 2 down),
// and its map back covers every pixel of the frame.
TEST(CropRect, WholeFrameIsStretchedToTheSquareAndMappedBackEverywhere) {
  const int w = 48, h = 32, n = 16;
  const CropRect crop = whole_frame(w, h);
  std::vector<uint8_t> frame(w * h * 4);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* px = &frame[(y * w + x) * 4];
      px[0] = static_cast<uint8_t>(x * 5);
      px[1] = static_cast<uint8_t>(y * 7);
      px[2] = 7;
      px[3] = 255;
    }
  std::vector<uint8_t> net(n * n * 4);
  ASSERT_TRUE(crop_to_network_input(frame.data(), w, h, w * 4, crop, n, net.data()).ok);
  // Network pixel u is centred on frame column 3u + 1.5, row v on frame row 2v + 1.
  for (int u = 0; u < n; ++u) EXPECT_NEAR(net[(3 * n + u) * 4 + 0], 5 * (3 * u + 1), 0.51);
  for (int v = 0; v < n; ++v) EXPECT_NEAR(net[(v * n + 3) * 4 + 1], 7 * (2 * v + 0.5), 0.51);
  std::vector<float> prob(n * n);
  for (int v = 0; v < n; ++v)
    for (int u = 0; u < n; ++u) prob[v * n + u] = 0.25f + 0.5f * (v + 0.5f) / n;
  std::vector<float> out(w * h, -1.0f);
  sample_crop_probability(prob.data(), n, crop, 1.0f, w, h, out.data());
  for (int y = 2; y < h - 2; ++y)
    for (int x = 0; x < w; ++x) EXPECT_NEAR(out[y * w + x], 0.25f + 0.5f * (y + 0.5f) / h, 1e-5) << x << "," << y;
  for (float v : out) EXPECT_GE(v, 0.25f);  // no pixel left at 0
}

// sample_crop_probability (column taps in blocks of 256, the inside run of each block) against its
// definition written per pixel in double: a frame wider than one block, regions touching either side,
// squares and stretched rectangles, cells of 1 and 3 frame pixels, a random map.
TEST(CropRect, SamplingMatchesAPerPixelReferenceAcrossColumnBlocks) {
  const int n = 24;
  std::vector<float> prob(n * n);
  uint32_t seed = 5;
  for (float& p : prob) {
    seed = seed * 1664525u + 1013904223u;
    p = (seed >> 8) * (1.0f / 16777216.0f);
  }
  struct Case {
    int w, h;
    CropRect crop;
    int cell;
  };
  for (const Case c : {Case{600, 310, {150, 3, 300, 300}, 1}, Case{700, 300, {0, 0, 300, 300}, 1},
                       Case{517, 260, {257, 0, 260, 260}, 1}, Case{640, 480, {80, 0, 480, 480}, 3},
                       Case{640, 480, {0, 0, 640, 480}, 3}, Case{530, 300, {11, 20, 519, 170}, 1}}) {
    const int ow = (c.w + c.cell - 1) / c.cell, oh = (c.h + c.cell - 1) / c.cell;
    std::vector<float> out(static_cast<size_t>(ow) * oh, -1.0f);
    sample_crop_probability(prob.data(), n, c.crop, static_cast<float>(c.cell), ow, oh, out.data());
    const auto tap = [&](int i, int origin, int extent, int* i0, int* i1, double* w1) {
      const double centre = (i + 0.5) * c.cell - origin;
      if (centre < 0 || centre >= extent) return false;
      const double s = std::max(centre * n / extent - 0.5, 0.0);
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
        if (tap(i, c.crop.x, c.crop.width, &x0, &x1, &wx) && tap(j, c.crop.y, c.crop.height, &y0, &y1, &wy)) {
          want = (1 - wy) * ((1 - wx) * prob[y0 * n + x0] + wx * prob[y0 * n + x1]) +
                 wy * ((1 - wx) * prob[y1 * n + x0] + wx * prob[y1 * n + x1]);
        }
        worst = std::max(worst, std::abs(out[static_cast<size_t>(j) * ow + i] - want));
      }
    EXPECT_LT(worst, 1e-5) << c.w << "x" << c.h << " cell " << c.cell;
  }
}

TEST(CropRect, RejectsRegionsOutsideTheFrame) {
  std::vector<uint8_t> frame(20 * 10 * 4), net(8 * 8 * 4);
  EXPECT_FALSE(crop_to_network_input(frame.data(), 20, 10, 80, CropRect{15, 0, 10, 10}, 8, net.data()).ok);
  EXPECT_FALSE(crop_to_network_input(frame.data(), 20, 10, 80, CropRect{0, 0, 0, 0}, 8, net.data()).ok);
  EXPECT_FALSE(crop_to_network_input(frame.data(), 20, 10, 80, CropRect{0, 0, 5, 0}, 8, net.data()).ok);
  EXPECT_FALSE(crop_to_network_input(frame.data(), 20, 10, 80, CropRect{-1, 0, 5, 5}, 8, net.data()).ok);
  EXPECT_FALSE(crop_to_network_input(frame.data(), 20, 10, 80, CropRect{0, 0, 20, 11}, 8, net.data()).ok);
  EXPECT_FALSE(crop_to_network_input(frame.data(), 20, 10, 40, CropRect{0, 0, 5, 5}, 8, net.data()).ok);
  EXPECT_TRUE(crop_to_network_input(frame.data(), 20, 10, 80, CropRect{10, 0, 10, 10}, 8, net.data()).ok);
  EXPECT_TRUE(crop_to_network_input(frame.data(), 20, 10, 80, whole_frame(20, 10), 8, net.data()).ok);
}

}  // namespace
}  // namespace hm
