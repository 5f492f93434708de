#include "matting/head_crop.h"

#include <algorithm>
#include <cmath>

namespace hm {
namespace {

constexpr float kMinCoverage = 0.002f;    // fraction of the map's pixels that must be hair
constexpr float kHeadAspect = 1.3f;       // head height / width
constexpr float kMargin = 1.3f;           // square side / head extent
constexpr float kMinSideFraction = 0.35f; // of the frame's short side: do not zoom in on a stray blob
constexpr float kHairMargin = 0.15f;      // of the hair box's larger side, around the hair
constexpr float kCutReach = 0.5f;         // of the region seen, beyond a side where the hair ran off it

// A square of side `size` centred at (cx, cy), rounded to pixels and shifted inside the frame.
CropRect place_square(float cx, float cy, float size, int frame_width, int frame_height) {
  const int short_side = std::min(frame_width, frame_height);
  const int side = std::clamp(static_cast<int>(std::lround(size)), 1, short_side);
  const int x = std::clamp(static_cast<int>(std::lround(cx - side * 0.5f)), 0, frame_width - side);
  const int y = std::clamp(static_cast<int>(std::lround(cy - side * 0.5f)), 0, frame_height - side);
  return CropRect{x, y, side, side};
}

// Edges [x0, x1) x [y0, y1) rounded to pixels, clipped to the frame, at least one pixel.
CropRect rect_from_edges(float x0, float y0, float x1, float y1, int frame_width, int frame_height) {
  const int left = std::clamp(static_cast<int>(std::lround(x0)), 0, frame_width - 1);
  const int top = std::clamp(static_cast<int>(std::lround(y0)), 0, frame_height - 1);
  const int right = std::clamp(static_cast<int>(std::lround(x1)), left + 1, frame_width);
  const int bottom = std::clamp(static_cast<int>(std::lround(y1)), top + 1, frame_height);
  return CropRect{left, top, right - left, bottom - top};
}

}  // namespace

HairBox find_hair_box(const float* prob, int n, CropRect crop) {
  int x0 = n, y0 = n, x1 = -1, y1 = -1, count = 0;
  for (int v = 0; v < n; ++v) {
    const float* row = prob + static_cast<size_t>(v) * n;
    for (int u = 0; u < n; ++u) {
      if (row[u] >= 0.5f) {
        x0 = std::min(x0, u);
        x1 = std::max(x1, u);
        y0 = std::min(y0, v);
        y1 = std::max(y1, v);
        ++count;
      }
    }
  }
  HairBox box;
  if (count < kMinCoverage * n * n || count == 0) return box;
  const float sx = static_cast<float>(crop.width) / static_cast<float>(n);
  const float sy = static_cast<float>(crop.height) / static_cast<float>(n);
  box.found = true;
  box.x0 = crop.x + x0 * sx;
  box.x1 = crop.x + (x1 + 1) * sx;
  box.y0 = crop.y + y0 * sy;
  box.y1 = crop.y + (y1 + 1) * sy;
  box.cut_left = x0 == 0;
  box.cut_top = y0 == 0;
  box.cut_right = x1 == n - 1;
  box.cut_bottom = y1 == n - 1;
  return box;
}

CropRect head_square_for(const HairBox& hair, int frame_width, int frame_height) {
  if (!hair.found) return whole_frame(frame_width, frame_height);
  const float width = hair.x1 - hair.x0;
  const float bottom = std::max(hair.y1, hair.y0 + kHeadAspect * width);  // the face below the hair
  const float height = bottom - hair.y0;
  const float short_side = static_cast<float>(std::min(frame_width, frame_height));
  const float size = std::clamp(kMargin * std::max(width, height), kMinSideFraction * short_side, short_side);
  return place_square(0.5f * (hair.x0 + hair.x1), 0.5f * (hair.y0 + bottom), size, frame_width, frame_height);
}

CropRect view_for(const HairBox& hair, CropRect seen, int frame_width, int frame_height) {
  if (!hair.found) return whole_frame(frame_width, frame_height);
  const CropRect square = head_square_for(hair, frame_width, frame_height);
  const float margin = kHairMargin * std::max(hair.x1 - hair.x0, hair.y1 - hair.y0);
  const float reach_x = kCutReach * static_cast<float>(seen.width);
  const float reach_y = kCutReach * static_cast<float>(seen.height);
  const float x0 = hair.x0 - margin - (hair.cut_left ? reach_x : 0.0f);
  const float y0 = hair.y0 - margin - (hair.cut_top ? reach_y : 0.0f);
  const float x1 = hair.x1 + margin + (hair.cut_right ? reach_x : 0.0f);
  const float y1 = hair.y1 + margin + (hair.cut_bottom ? reach_y : 0.0f);
  return rect_from_edges(std::min(x0, static_cast<float>(square.x)), std::min(y0, static_cast<float>(square.y)),
                         std::max(x1, static_cast<float>(square.x + square.width)),
                         std::max(y1, static_cast<float>(square.y + square.height)), frame_width, frame_height);
}

CropRect HeadCropTracker::next(int frame_width, int frame_height) const {
  if (frame_width <= 0 || frame_height <= 0) return CropRect{};
  if (!has_state_ || frame_width != frame_width_ || frame_height != frame_height_) {
    return whole_frame(frame_width, frame_height);
  }
  return rect_from_edges(x0_, y0_, x1_, y1_, frame_width, frame_height);
}

void HeadCropTracker::move_towards(CropRect target) {
  // Out at once (the hair must be inside); in by a fraction per frame (no jumps), and not at all while the
  // target is within the dead band (the hair box's frame-to-frame noise would move the region every frame,
  // and the whole matte with it).
  const float dead = kDeadBand * static_cast<float>(std::min(frame_width_, frame_height_));
  const auto edge = [dead](float current, float goal, bool outward) {
    if (outward) return goal;
    return std::abs(goal - current) <= dead ? current : current + kFollow * (goal - current);
  };
  const float tx0 = static_cast<float>(target.x), ty0 = static_cast<float>(target.y);
  const float tx1 = static_cast<float>(target.x + target.width), ty1 = static_cast<float>(target.y + target.height);
  x0_ = edge(x0_, tx0, tx0 < x0_);
  y0_ = edge(y0_, ty0, ty0 < y0_);
  x1_ = edge(x1_, tx1, tx1 > x1_);
  y1_ = edge(y1_, ty1, ty1 > y1_);
}

void HeadCropTracker::observe(const HairBox& hair, CropRect seen, int frame_width, int frame_height) {
  if (frame_width <= 0 || frame_height <= 0) return;
  if (!has_state_ || frame_width != frame_width_ || frame_height != frame_height_) {
    // First frame (or a new camera size): start from the whole frame the network just saw.
    has_state_ = true;
    frame_width_ = frame_width;
    frame_height_ = frame_height;
    misses_ = 0;
    x0_ = 0;
    y0_ = 0;
    x1_ = static_cast<float>(frame_width);
    y1_ = static_cast<float>(frame_height);
  }
  if (hair.found) {
    misses_ = 0;
    move_towards(view_for(hair, seen, frame_width, frame_height));
  } else if (++misses_ >= kMissesBeforeFallback) {
    move_towards(whole_frame(frame_width, frame_height));
  }
}

void HeadCropTracker::reset() {
  has_state_ = false;
  misses_ = 0;
}

}  // namespace hm
