// Frame-to-frame stability of the matte for video: each pixel blends the new matte with the previous
// smoothed one, leaning on the past only where the new frame is unsure.
//
//   p = new alpha / 255,  u = 1 - (2p - 1)^2          (0 where the network is sure, 1 at p = 0.5)
//   w = 0.9 * strength * u                             (weight of the past; <= 0.9 so nothing freezes)
//   m = (1 - w) p + w m_prev                           (m_prev kept in float between frames)
//
// Confident pixels follow the current frame at once (a head that moves leaves no ghost), while the
// uncertain band at the hair's edge, where a network flickers from frame to frame, is averaged over time.
// The state resets on reset() and whenever the frame size changes.
//
//   hm::TemporalSmoother smooth;
//   smooth.set_strength(0.5f);
//   smooth.apply(alpha, w, h);    // in place, every frame
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/status.h"

namespace hm {

class TemporalSmoother {
 public:
  // strength in [0, 1]; 0 turns smoothing off.
  Status set_strength(float strength);
  float strength() const { return strength_; }
  // alpha: width x height bytes, smoothed in place.
  void apply(uint8_t* alpha, int width, int height);
  void reset() { state_.clear(); }

 private:
  float strength_ = 0.0f;
  int width_ = 0, height_ = 0;
  std::vector<float> state_;  // previous smoothed matte in [0, 1], empty when there is none
};

// Flicker: the mean absolute per-pixel change between two mattes of n pixels, in [0, 1] units.
double mean_abs_change(const uint8_t* a, const uint8_t* b, size_t n);

}  // namespace hm
