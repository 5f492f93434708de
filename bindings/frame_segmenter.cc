#include "frame_segmenter.h"

#include <cmath>
#include <string>

#include "image/resize.h"

namespace hm {

std::unique_ptr<FrameSegmenter> FrameSegmenter::create(std::shared_ptr<const Model> model,
                                                       uint32_t input_size, uint32_t threads,
                                                       Status* status) {
  if (!model) {
    *status = Status::error("no model");
    return nullptr;
  }
#ifndef HM_THREADS
  if (threads > 1) {
    *status = Status::error("threads: this build is single-threaded; ask for 1 thread or load the pthread build");
    return nullptr;
  }
#endif
  auto network = Network::create(std::move(model), input_size, threads, status);
  if (!network) return nullptr;
  std::unique_ptr<FrameSegmenter> segmenter(new FrameSegmenter());
  const size_t s = network->input_size();
  segmenter->input_.assign(s * s * 4, 0);
  segmenter->probability_.assign(s * s, 0.0f);
  segmenter->smoothed_.assign(s * s, 0.0f);
  segmenter->network_ = std::move(network);
  *status = Status{};
  return segmenter;
}

Status FrameSegmenter::set_temporal(float strength) {
  if (!std::isfinite(strength) || strength < 0.0f || strength >= 1.0f)
    return Status::error("temporal must be a number in [0, 1), got " + std::to_string(strength));
  temporal_ = strength;
  return Status{};
}

Status FrameSegmenter::segment(const uint8_t* rgba, size_t width, size_t height, size_t row_stride,
                               uint8_t* alpha) {
  if (width == 0 || height == 0 || width > kMaxFrameSide || height > kMaxFrameSide)
    return Status::error("frame size " + std::to_string(width) + "x" + std::to_string(height) +
                         " is outside 1.." + std::to_string(kMaxFrameSide) + " per side");
  if (row_stride < width * 4) return Status::error("row stride is smaller than width * 4");
  if (!rgba || !alpha) return Status::error("null frame or alpha buffer");

  const size_t s = network_->input_size();
  resize_bilinear_rgba8(rgba, width, height, row_stride, input_.data(), s, s, s * 4);
  network_->run(input_.data(), s * 4, probability_.data());

  const float* p = probability_.data();
  if (temporal_ > 0.0f) {
    if (!has_history_) {
      smoothed_ = probability_;
    } else {
      const float keep = temporal_, take = 1.0f - temporal_;
      for (size_t i = 0; i < smoothed_.size(); ++i) smoothed_[i] = take * probability_[i] + keep * smoothed_[i];
    }
    has_history_ = true;
    p = smoothed_.data();
  } else {
    has_history_ = false;  // smoothing turned off: the next time it is on, start from that frame
  }
  resize_bilinear_prob_to_alpha8(p, s, s, alpha, width, height);
  return Status{};
}

}  // namespace hm
