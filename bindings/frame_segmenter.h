// The per-frame pipeline behind HairMatte.segment(): any frame size in, an alpha matte at that size out.
//
//   frame (W x H RGBA) --bilinear--> network input (S x S) --Network--> P(hair) (S x S floats)
//     --temporal EMA (optional)--> --bilinear--> alpha (W x H bytes, 0..255)
//
// Temporal smoothing is an exponential moving average of P(hair) at the network resolution:
//   p_t = (1 - s) * p_net + s * p_{t-1},  s = temporal strength in [0, 1), 0 = off.
// Buffers are sized once per network; segment() allocates nothing for a frame size it has seen.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "network/engine.h"

namespace hm {

class FrameSegmenter {
 public:
  // The largest frame side accepted; keeps width * height * 4 far from size_t / wasm memory limits.
  static constexpr size_t kMaxFrameSide = 16384;

  static std::unique_ptr<FrameSegmenter> create(std::shared_ptr<const Model> model, uint32_t input_size,
                                                uint32_t threads, Status* status);

  // rgba: width x height pixels of 4 bytes, rows `row_stride` bytes apart; alpha: width * height bytes.
  Status segment(const uint8_t* rgba, size_t width, size_t height, size_t row_stride, uint8_t* alpha);

  Status set_temporal(float strength);  // [0, 1): 0 = off
  float temporal() const { return temporal_; }
  void reset() { has_history_ = false; }  // forget the previous frame (new video, new person)

  const Network& network() const { return *network_; }

 private:
  FrameSegmenter() = default;

  std::unique_ptr<Network> network_;
  std::vector<uint8_t> input_;      // S x S x 4, the resized frame
  std::vector<float> probability_;  // S x S, the network's P(hair)
  std::vector<float> smoothed_;     // S x S, the temporal average
  float temporal_ = 0.0f;
  bool has_history_ = false;
};

}  // namespace hm
