// From a camera frame and the network's probability map to a full-resolution alpha matte.
//
// A frame goes through two calls around the network (which this file does not know: it takes the
// probability map as input, so it compiles and is tested without src/network):
//
//   hm::MattePipeline pipe;                      // input_size = the network's, e.g. 224
//   pipe.set_options({hm::Refine::kGuided, 0.5f});
//   hm::CropRect crop;
//   pipe.prepare_input(rgba, w, h, stride, net_rgba, &crop);  // the frame's region, resized to 224 x 224
//   network.run(net_rgba, 224 * 4, prob);                     // P(hair), 224 x 224 floats
//   pipe.finish(rgba, w, h, stride, prob, crop, alpha);       // w x h bytes
//
// The region: a still is seen whole (the frame stretched to the network's square, as in training): every
// frame when temporal is 0 or track_head is false, and the first frame after reset() or a new frame size.
// Video (temporal > 0 and track_head) then sees the head-following region of head_crop.h, which grows
// over the hair of recent frames.
//
// finish(): map the probability map back onto the frame (0 outside the region), then
//   refine = kNone:   bilinear upsampling to frame resolution;
//   refine = kGuided: the fast guided filter (fast_guided_upsample.h) with the frame subsampled by s so that
//                     the region's longer side spans ~112 low-resolution cells (half the network's 224:
//                     the guide, not the map, supplies the fine edges; s = 4 for a 480-pixel side);
// then the temporal smoother (temporal_smoother.h), then matte levels (values within 10/255 of 0 or 1 snap
// to it, the rest stretch linearly: the network's faint background haze and the guided filter's texture
// leak become exactly 0, so recolour leaves the background bit for bit unchanged and skips it), and the
// head-crop tracker (head_crop.h) learns where the hair is for the next frame's region (video only).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "matting/crop_square.h"
#include "matting/fast_guided_upsample.h"
#include "matting/head_crop.h"
#include "matting/temporal_smoother.h"

namespace hm {

enum class Refine { kNone = 0, kGuided = 1 };

struct MatteOptions {
  Refine refine = Refine::kGuided;
  float temporal = 0.0f;      // 0..1 (TemporalSmoother strength)
  bool track_head = true;     // false: always the whole frame (every frame a still)
  int guided_radius = 8;      // frame pixels
  float guided_eps = 1e-3f;   // (guide in [0, 1])^2
  int guided_subsample = 0;   // 0 = automatic: clamp(round(region's longer side / 112), 1, 4)
};

class MattePipeline {
 public:
  explicit MattePipeline(int input_size = 224);

  Status set_options(const MatteOptions& options);
  const MatteOptions& options() const { return options_; }
  int input_size() const { return input_size_; }

  // Chooses this frame's region and writes it, resized, to net_rgba (input_size^2 * 4 bytes).
  Status prepare_input(const uint8_t* frame, int width, int height, size_t stride, uint8_t* net_rgba,
                       CropRect* crop);
  // prob: input_size^2 floats for `crop` (as returned by prepare_input). alpha: width x height bytes.
  Status finish(const uint8_t* frame, int width, int height, size_t stride, const float* prob, CropRect crop,
                uint8_t* alpha);
  // The region the next prepare_input() picks for a width x height frame (no change of state).
  CropRect next_region(int width, int height) const;
  // True when frames are video (temporal > 0 and track_head): the region follows the head.
  bool follows_head() const { return options_.track_head && options_.temporal > 0.0f; }
  // Forgets the temporal state and the head position (new video, new person).
  void reset();

  // The subsampling the guided refinement uses for a region whose longer side is `crop_side`.
  int guided_subsample_for(int crop_side) const;

  // Matte levels: 0..kLevelLow -> 0, 255 - kLevelLow..255 -> 255, linear in between.
  static constexpr int kLevelLow = 10;
  static uint8_t matte_level(uint8_t alpha);

 private:
  int input_size_;
  MatteOptions options_;
  HeadCropTracker tracker_;
  TemporalSmoother smoother_;
  FastGuidedUpsampler upsampler_;
  std::vector<float> low_;  // the probability map on the frame's (subsampled) grid
  uint8_t level_table_[256];
};

}  // namespace hm
