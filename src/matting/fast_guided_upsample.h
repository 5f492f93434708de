// Joint upsampling of a low-resolution matte to the camera frame's resolution with the fast guided filter
// (K. He, J. Sun, "Fast Guided Filter", arXiv:1505.00996, 2015), guided by the full-resolution frame.
//
// The frame is subsampled by s (s x s block means), the colour guided filter's coefficients (mean_a, mean_b;
// guided_filter.h) are computed at that resolution with radius r / s, upsampled bilinearly, and applied to
// the full-resolution guide: q = mean_a(up) . I + mean_b(up). The matte gets the frame's edges (hair strands,
// the face outline) instead of the blocky or blurred edge of an upsampled 224 x 224 map, and the cost of the
// filter is that of a frame s^2 times smaller.
//
//   hm::FastGuidedUpsampler up;
//   int lw = hm::subsampled_size(w, s), lh = hm::subsampled_size(h, s);
//   // low: lw x lh floats, cell (i, j) = the matte over frame block [i s, i s + s) x [j s, j s + s)
//   hm::Status st = up.run(rgba, w, h, stride, low, {8, 1e-3f, s}, alpha);   // alpha: w x h bytes
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "matting/guided_filter.h"

namespace hm {

struct FastGuidedParams {
  int radius = 8;     // in full-resolution pixels; the low-resolution radius is max(1, round(radius / s))
  float eps = 1e-3f;  // guide in [0, 1] units squared
  int subsample = 2;  // 1 <= s <= 256
};

inline int subsampled_size(int full, int s) { return (full + s - 1) / s; }

class FastGuidedUpsampler {
 public:
  // frame: width x height RGBA bytes, rows frame_stride bytes apart (alpha channel ignored).
  // low_matte: subsampled_size(width, s) x subsampled_size(height, s) floats in [0, 1].
  // alpha: width x height bytes (tightly packed), round(255 * clamp(q, 0, 1)).
  Status run(const uint8_t* frame, int width, int height, size_t frame_stride, const float* low_matte,
             FastGuidedParams params, uint8_t* alpha);

  // The coefficients of the last run, for tests.
  const GuidedFilterColor& filter() const { return filter_; }

 private:
  GuidedFilterColor filter_;
  std::vector<float> guide_[3];       // low-resolution guide planes
  std::vector<uint16_t> column_sums_;  // one block row of the frame summed over its s rows, per byte
  struct WideRow {
    int low_row = -1;           // the low-resolution row held, -1 = none
    std::vector<float> values;  // mean_a r/g/b and mean_b of that row interpolated to the frame's width
  };
  WideRow wide_rows_[2];
  struct ColumnTap {
    int i0, i1;
    float w1;
  };
  std::vector<ColumnTap> column_taps_;  // per full-resolution column: its low-resolution neighbours
};

}  // namespace hm
