#include "matting/head_crop.h"

#include <algorithm>
#include <cmath>

namespace hm {
namespace {

constexpr float kMinCoverage = 0.002f;    // fraction of the map's pixels that must be hair
constexpr float kHeadAspect = 1.3f;       // head height / width
constexpr float kMargin = 1.3f;           // square side / head extent
constexpr float kMinSideFraction = 0.35f; // of the frame's short side: do not zoom in on a stray blob

// A square of side `size` centred at (cx, cy), rounded to pixels and shifted inside the frame.
CropSquare place_square(float cx, float cy, float size, int frame_width, int frame_height) {
  const int short_side = std::min(frame_width, frame_height);
  const int side = std::clamp(static_cast<int>(std::lround(size)), 1, short_side);
  const int x = std::clamp(static_cast<int>(std::lround(cx - side * 0.5f)), 0, frame_width - side);
  const int y = std::clamp(static_cast<int>(std::lround(cy - side * 0.5f)), 0, frame_height - side);
  return CropSquare{x, y, side};
}

}  // namespace

HairBox find_hair_box(const float* prob, int n, CropSquare crop) {
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
  const float scale = static_cast<float>(crop.size) / static_cast<float>(n);
  box.found = true;
  box.x0 = crop.x + x0 * scale;
  box.x1 = crop.x + (x1 + 1) * scale;
  box.y0 = crop.y + y0 * scale;
  box.y1 = crop.y + (y1 + 1) * scale;
  return box;
}

HairBox find_hair_box(const uint8_t* alpha, int width, int height) {
  int x0 = width, y0 = height, x1 = -1, y1 = -1;
  long count = 0;
  for (int y = 0; y < height; ++y) {
    const uint8_t* row = alpha + static_cast<size_t>(y) * width;
    for (int x = 0; x < width; ++x) {
      if (row[x] >= 128) {
        x0 = std::min(x0, x);
        x1 = std::max(x1, x);
        y0 = std::min(y0, y);
        y1 = std::max(y1, y);
        ++count;
      }
    }
  }
  HairBox box;
  if (count == 0 || count < kMinCoverage * static_cast<float>(width) * height) return box;
  box.found = true;
  box.x0 = static_cast<float>(x0);
  box.x1 = static_cast<float>(x1 + 1);
  box.y0 = static_cast<float>(y0);
  box.y1 = static_cast<float>(y1 + 1);
  return box;
}

CropSquare head_square_for(const HairBox& hair, int frame_width, int frame_height) {
  if (!hair.found) return centred_square(frame_width, frame_height);
  const float width = hair.x1 - hair.x0;
  const float bottom = std::max(hair.y1, hair.y0 + kHeadAspect * width);  // the face below the hair
  const float height = bottom - hair.y0;
  const float short_side = static_cast<float>(std::min(frame_width, frame_height));
  const float size = std::clamp(kMargin * std::max(width, height), kMinSideFraction * short_side, short_side);
  return place_square(0.5f * (hair.x0 + hair.x1), 0.5f * (hair.y0 + bottom), size, frame_width, frame_height);
}

CropSquare HeadCropTracker::next(int frame_width, int frame_height) {
  if (frame_width <= 0 || frame_height <= 0) return CropSquare{};
  if (!has_state_ || frame_width != frame_width_ || frame_height != frame_height_) {
    return centred_square(frame_width, frame_height);
  }
  return place_square(cx_, cy_, size_, frame_width, frame_height);
}

void HeadCropTracker::move_towards(CropSquare target) {
  const float tx = target.x + 0.5f * target.size, ty = target.y + 0.5f * target.size;
  cx_ += kFollow * (tx - cx_);
  cy_ += kFollow * (ty - cy_);
  size_ += kFollow * (static_cast<float>(target.size) - size_);
}

void HeadCropTracker::observe(const HairBox& hair, int frame_width, int frame_height) {
  if (frame_width <= 0 || frame_height <= 0) return;
  if (!has_state_ || frame_width != frame_width_ || frame_height != frame_height_) {
    // First frame (or a new camera size): start from the centred square the network just saw.
    const CropSquare start = centred_square(frame_width, frame_height);
    has_state_ = true;
    frame_width_ = frame_width;
    frame_height_ = frame_height;
    misses_ = 0;
    cx_ = start.x + 0.5f * start.size;
    cy_ = start.y + 0.5f * start.size;
    size_ = static_cast<float>(start.size);
  }
  if (hair.found) {
    misses_ = 0;
    move_towards(head_square_for(hair, frame_width, frame_height));
  } else if (++misses_ >= kMissesBeforeFallback) {
    move_towards(centred_square(frame_width, frame_height));
  }
}

void HeadCropTracker::reset() {
  has_state_ = false;
  misses_ = 0;
}

}  // namespace hm
