// Where the network looks next: a square around the head, chosen from the previous frame's matte and
// smoothed over time, so the head fills the network's 224 x 224 input instead of the whole frame being
// squashed into it. The rule is written out in docs/matting.md; in short:
//
//   hair box  = bounding box of the pixels with P(hair) >= 0.5 (none if they cover < 0.2% of the map)
//   head box  = the hair box extended down to top + 1.3 x hair width (the face below the hair: a head is
//               ~1.3 times as tall as it is wide), and never shorter than the hair itself (long hair)
//   target    = a square of side 1.3 x max(head width, head height), centred on the head box, clamped to
//               [0.35, 1] x the frame's short side and shifted to lie inside the frame
//   smoothing = centre and side move a fraction 0.5 of the way to the target each frame
//   fallback  = the centred square when no hair was seen for 5 frames in a row (or before the first)
//
//   hm::HeadCropTracker tracker;
//   hm::CropSquare crop = tracker.next(w, h);          // the square to feed the network this frame
//   ... run the network on crop ...
//   tracker.observe(hm::find_hair_box(prob, 224, crop), w, h);
#pragma once
#include <cstdint>

#include "matting/crop_square.h"

namespace hm {

// The hair's bounding box in frame pixels ([x0, x1) x [y0, y1)); found = false when there is (almost) none.
struct HairBox {
  bool found = false;
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

// From an n x n probability map that covers `crop` of the frame.
HairBox find_hair_box(const float* prob, int n, CropSquare crop);
// From a full-frame 8-bit matte (width x height bytes).
HairBox find_hair_box(const uint8_t* alpha, int width, int height);

// The unsmoothed square for a hair box (the rule above, without the smoothing and the fallback).
CropSquare head_square_for(const HairBox& hair, int frame_width, int frame_height);

class HeadCropTracker {
 public:
  static constexpr float kFollow = 0.5f;    // fraction of the way to the target per frame
  static constexpr int kMissesBeforeFallback = 5;

  CropSquare next(int frame_width, int frame_height);
  void observe(const HairBox& hair, int frame_width, int frame_height);
  void reset();

 private:
  void move_towards(CropSquare target);
  bool has_state_ = false;
  int frame_width_ = 0, frame_height_ = 0;
  int misses_ = 0;
  float cx_ = 0, cy_ = 0, size_ = 0;  // smoothed centre and side, frame pixels
};

}  // namespace hm
