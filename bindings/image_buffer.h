// An image in the wasm heap that JS fills or reads through a zero-copy view: a frame (RGBA), a matte
// (1 byte per pixel) or a recoloured result. The Embind classes take it by reference, so every call says
// which image it works on (nothing is taken silently from an earlier call). A view is valid only until
// the next call that may allocate (memory growth detaches it): JS takes a fresh one with view().
#pragma once
#include <emscripten/val.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "pipeline/frame_segmenter.h"

namespace hm {

class ImageBuffer {
 public:
  // Sizes the image to width x height x channels bytes (kept when the size stays) and returns a view of
  // them; null when a side is outside 1..FrameSegmenter::kMaxFrameSide (JS words the Error).
  emscripten::val resize(uint32_t width, uint32_t height, uint32_t channels) {
    if (!allocate(width, height, channels)) return emscripten::val::null();
    return view();
  }
  // Sizes it from C++ (the output of a call); false for a size resize() would refuse.
  bool allocate(uint32_t width, uint32_t height, uint32_t channels) {
    if (width == 0 || height == 0 || width > FrameSegmenter::kMaxFrameSide ||
        height > FrameSegmenter::kMaxFrameSide || channels == 0 || channels > 4)
      return false;
    const size_t bytes = static_cast<size_t>(width) * height * channels;
    if (bytes_.size() != bytes) bytes_.assign(bytes, 0);
    width_ = width;
    height_ = height;
    channels_ = channels;
    return true;
  }
  emscripten::val view() { return emscripten::val(emscripten::typed_memory_view(bytes_.size(), bytes_.data())); }
  // Frees the bytes now (JS also calls delete() on this object).
  void release() {
    std::vector<uint8_t>().swap(bytes_);
    width_ = height_ = channels_ = 0;
  }

  uint32_t width() const { return width_; }
  uint32_t height() const { return height_; }
  uint32_t channels() const { return channels_; }
  size_t row_stride() const { return static_cast<size_t>(width_) * channels_; }
  bool empty() const { return bytes_.empty(); }
  const uint8_t* data() const { return bytes_.data(); }
  uint8_t* data() { return bytes_.data(); }

 private:
  std::vector<uint8_t> bytes_;
  uint32_t width_ = 0, height_ = 0, channels_ = 0;
};

}  // namespace hm
