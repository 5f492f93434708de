// The guided filter (K. He, J. Sun, X. Tang, "Guided Image Filtering", TPAMI 2013) with a colour guide:
// the pipeline guides the matte by the RGB frame.
//
// Inside every (2r+1)^2 window w_k the output is a linear transform of the guide, q = a_k . I + b_k (Eq. 4),
// with the ridge-regression coefficients
//   a_k = (Sigma_k + eps U)^-1 cov_k(I, p)   (a 3-vector; Eq. 14, the colour form of Eq. 7)
//   b_k = mean_k(p) - a_k . mean_k(I)        (Eq. 15)
// and each pixel averages the coefficients of the windows that cover it: q_i = mean(a) . I_i + mean(b)
// (Eq. 8, 16). All means are clipped box means (BoxMean), so the cost is O(pixels) for any radius.
//
// The coefficient step and the apply step are separate so that the fast guided filter (fast_guided_upsample.h)
// can compute coefficients at low resolution and apply them to the full-resolution guide.
//
//   hm::GuidedFilterColor gf;
//   hm::Status st = gf.compute_coefficients(r, g, b, p, w, h, {8, 1e-3f});
//   if (st.ok) gf.apply(r, g, b, q);
#pragma once
#include <vector>

#include "matting/box_filter.h"
#include "base/status.h"

namespace hm {

struct GuidedFilterParams {
  int radius = 8;     // window (2r+1)^2 pixels; r >= 0
  float eps = 1e-3f;  // regularisation, in squared guide units (guide in [0, 1]); > 0
};

// Checks the filter's arguments: positive sizes, radius >= 0, finite eps > 0.
Status check_guided_filter_args(int width, int height, GuidedFilterParams params);

class GuidedFilterColor {
 public:
  // guide_r/g/b, input: width x height float planes. Fills mean_a(0..2) and mean_b().
  Status compute_coefficients(const float* guide_r, const float* guide_g, const float* guide_b,
                              const float* input, int width, int height, GuidedFilterParams params);
  // out = mean_a . (r, g, b) + mean_b at the resolution of the coefficients.
  void apply(const float* guide_r, const float* guide_g, const float* guide_b, float* out) const;

  const float* mean_a(int channel) const { return mean_a_[channel].data(); }
  const float* mean_b() const { return mean_b_.data(); }
  int width() const { return width_; }
  int height() const { return height_; }

 private:
  BoxMean box_;
  int width_ = 0, height_ = 0;
  std::vector<float> mean_i_[3], mean_p_, corr_ip_[3], corr_ii_[6], tmp_, a_[3], b_, mean_a_[3], mean_b_;
};

// One-shot convenience. out: width x height floats.
Status guided_filter_color(const float* guide_r, const float* guide_g, const float* guide_b,
                           const float* input, int width, int height, GuidedFilterParams params, float* out);

}  // namespace hm
