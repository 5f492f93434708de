#include "pipeline/frame_segmenter.h"

#include <cstring>
#include <string>

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
  const size_t s = network->input_size();
  std::unique_ptr<FrameSegmenter> segmenter(new FrameSegmenter(static_cast<int>(s)));
  segmenter->input_.assign(s * s * 4, 0);
  segmenter->probability_.assign(s * s, 0.0f);
  segmenter->network_ = std::move(network);
  *status = Status{};
  return segmenter;
}

Status FrameSegmenter::run_network(const uint8_t* rgba, size_t width, size_t height, size_t row_stride,
                                   CropRect* crop) {
  if (width == 0 || height == 0 || width > kMaxFrameSide || height > kMaxFrameSide)
    return Status::error("frame size " + std::to_string(width) + "x" + std::to_string(height) +
                         " is outside 1.." + std::to_string(kMaxFrameSide) + " per side");
  if (row_stride < width * 4) return Status::error("row stride is smaller than width * 4");
  if (!rgba) return Status::error("null frame");
  const size_t s = network_->input_size();
  Status st = pipeline_.prepare_input(rgba, static_cast<int>(width), static_cast<int>(height), row_stride,
                                      input_.data(), crop);
  if (!st.ok) return st;
  network_->run(input_.data(), s * 4, probability_.data());
  if (quality_ == Quality::kBest) average_with_mirror();
  return st;
}

void FrameSegmenter::average_with_mirror() {
  const size_t s = network_->input_size();
  mirrored_input_.resize(s * s * 4);
  mirrored_probability_.resize(s * s);
  for (size_t v = 0; v < s; ++v) {
    const uint8_t* row = input_.data() + v * s * 4;
    uint8_t* out = mirrored_input_.data() + v * s * 4;
    for (size_t u = 0; u < s; ++u) std::memcpy(out + u * 4, row + (s - 1 - u) * 4, 4);  // one RGBA pixel
  }
  network_->run(mirrored_input_.data(), s * 4, mirrored_probability_.data());
  for (size_t v = 0; v < s; ++v) {
    float* row = probability_.data() + v * s;
    const float* mirrored = mirrored_probability_.data() + v * s;
    for (size_t u = 0; u < s; ++u) row[u] = 0.5f * (row[u] + mirrored[s - 1 - u]);
  }
}

Status FrameSegmenter::segment(const uint8_t* rgba, size_t width, size_t height, size_t row_stride,
                               uint8_t* alpha) {
  if (!alpha) return Status::error("null alpha buffer");
  CropRect crop;
  Status st = run_network(rgba, width, height, row_stride, &crop);
  if (!st.ok) return st;
  return pipeline_.finish(rgba, static_cast<int>(width), static_cast<int>(height), row_stride,
                          probability_.data(), crop, alpha);
}

Status FrameSegmenter::probability(const uint8_t* rgba, size_t width, size_t height, size_t row_stride,
                                   float* probability, CropRect* region) {
  if (!probability || !region) return Status::error("null probability buffer");
  Status st = run_network(rgba, width, height, row_stride, region);
  if (!st.ok) return st;
  sample_crop_probability(probability_.data(), static_cast<int>(network_->input_size()), *region, 1.0f,
                          static_cast<int>(width), static_cast<int>(height), probability);
  return st;
}

}  // namespace hm
