#include "matting/temporal_smoother.h"

#include <cmath>
#include <cstdlib>

namespace hm {

Status TemporalSmoother::set_strength(float strength) {
  if (!(strength >= 0.0f && strength <= 1.0f)) {
    return Status::error("temporal strength must be a number in [0, 1]");
  }
  strength_ = strength;
  return Status{};
}

void TemporalSmoother::apply(uint8_t* alpha, int width, int height) {
  if (width <= 0 || height <= 0) return;
  if (strength_ == 0.0f) {  // off: keep no history, so turning it on later starts from that frame
    state_.clear();
    return;
  }
  const size_t n = static_cast<size_t>(width) * height;
  if (state_.size() != n || width != width_ || height != height_) {
    // No past (first frame, after reset, or a new size): the frame is its own history.
    width_ = width;
    height_ = height;
    state_.resize(n);
    for (size_t i = 0; i < n; ++i) state_[i] = alpha[i] * (1.0f / 255.0f);
    return;
  }
  const float k = 0.9f * strength_;
  float* m = state_.data();
  for (size_t i = 0; i < n; ++i) {
    const float p = alpha[i] * (1.0f / 255.0f);
    const float c = 2.0f * p - 1.0f;
    const float w = k * (1.0f - c * c);
    const float v = p + w * (m[i] - p);  // (1 - w) p + w m_prev
    m[i] = v;
    alpha[i] = static_cast<uint8_t>(v * 255.0f + 0.5f);
  }
}

double mean_abs_change(const uint8_t* a, const uint8_t* b, size_t n) {
  if (n == 0) return 0.0;
  uint64_t sum = 0;
  for (size_t i = 0; i < n; ++i) sum += static_cast<uint64_t>(std::abs(int{a[i]} - int{b[i]}));
  return static_cast<double>(sum) / (255.0 * static_cast<double>(n));
}

}  // namespace hm
