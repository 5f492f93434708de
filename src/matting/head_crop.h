// Where the network looks next in a video: a square around the head, grown to cover the hair of recent
// frames, chosen from the previous frames' mattes and smoothed over time, so the head fills the network's
// 224 x 224 input instead of the whole frame being squashed into it, and hair beside or below the head is
// still seen. The rule is written out in docs/matting.md; in short:
//
//   hair box  = bounding box of the pixels with P(hair) >= 0.5 (none if they cover < 0.2% of the map)
//   head box  = the hair box extended down to top + 1.3 x hair width (the face below the hair: a head is
//               ~1.3 times as tall as it is wide), and never shorter than the hair itself (long hair)
//   square    = side 1.3 x max(head width, head height), centred on the head box, clamped to
//               [0.35, 1] x the frame's short side and shifted to lie inside the frame
//   target    = the square together with the hair box grown by 0.15 x its larger side (and by a further
//               half of the region on a side where the hair ran off the region the network saw), clipped
//               to the frame: a rectangle, stretched to the network's square like a still
//   smoothing = an edge that must move out to the target does so at once (hair is never cut); an edge
//               that may move in goes a fraction 0.5 of the way each frame (no jumps), and stays where it
//               is while the target is within 2% of the frame's short side of it (no jitter)
//   fallback  = the whole frame before the first frame (a still) and once no hair was seen for 5 frames
//
//   hm::HeadCropTracker tracker;
//   hm::CropRect crop = tracker.next(w, h);            // the region to feed the network this frame
//   ... run the network on crop ...
//   tracker.observe(hm::find_hair_box(prob, 224, crop), crop, w, h);
#pragma once
#include <cstdint>

#include "matting/crop_square.h"

namespace hm {

// The hair's bounding box in frame pixels ([x0, x1) x [y0, y1)); found = false when there is (almost) none.
// cut_*: the hair reaches that side of the network's map, so it may go on beyond the region it saw.
struct HairBox {
  bool found = false;
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool cut_left = false, cut_top = false, cut_right = false, cut_bottom = false;
};

// From an n x n probability map that covers `crop` of the frame.
HairBox find_hair_box(const float* prob, int n, CropRect crop);

// The head's square for a hair box (the rule above; the whole frame when no hair was found).
CropRect head_square_for(const HairBox& hair, int frame_width, int frame_height);
// The unsmoothed target region for a hair box found in the region `seen`: the head's square grown to
// cover the hair, clipped to the frame.
CropRect view_for(const HairBox& hair, CropRect seen, int frame_width, int frame_height);

class HeadCropTracker {
 public:
  static constexpr float kFollow = 0.5f;    // fraction of the way an edge moves in, per frame
  static constexpr float kDeadBand = 0.02f; // of the frame's short side: closer targets do not move an edge in
  static constexpr int kMissesBeforeFallback = 5;

  // The whole frame until a frame of this size was observed (the first frame of a video is a still).
  CropRect next(int frame_width, int frame_height) const;
  // seen: the region the network saw when it found `hair`.
  void observe(const HairBox& hair, CropRect seen, int frame_width, int frame_height);
  void reset();

 private:
  void move_towards(CropRect target);
  bool has_state_ = false;
  int frame_width_ = 0, frame_height_ = 0;
  int misses_ = 0;
  float x0_ = 0, y0_ = 0, x1_ = 0, y1_ = 0;  // smoothed edges, frame pixels
};

}  // namespace hm
