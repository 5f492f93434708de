// The per-frame work behind HairMatte.segment(): the network (src/network) inside the matting pipeline
// (src/matting/matte_pipeline.h), which crops the head's square, refines and smooths the matte:
//
//   frame (W x H RGBA) --prepare_input--> S x S network input --Network--> P(hair), S x S floats
//     --finish (guided | none, temporal, head tracking)--> alpha, W x H bytes
//
// Buffers are sized once per network; segment() allocates only when the frame size changes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "matting/matte_pipeline.h"
#include "network/engine.h"

namespace hm {

class FrameSegmenter {
 public:
  // The largest frame side accepted; keeps width * height * 4 far from the wasm memory limits.
  static constexpr size_t kMaxFrameSide = 16384;

  static std::unique_ptr<FrameSegmenter> create(std::shared_ptr<const Model> model, uint32_t input_size,
                                                uint32_t threads, Status* status);

  // rgba: width x height pixels of 4 bytes, rows `row_stride` bytes apart; alpha: width * height bytes.
  Status segment(const uint8_t* rgba, size_t width, size_t height, size_t row_stride, uint8_t* alpha);

  // The network's P(hair) at the frame's resolution, as floats: the probability map of the square that
  // segment() would use for this frame, mapped bilinearly onto the frame's pixels (0 outside the square).
  // No refinement, temporal smoothing or matte levels, and no change of state (the next segment() is
  // unaffected). probability: width * height floats; square: where the network looked.
  Status probability(const uint8_t* rgba, size_t width, size_t height, size_t row_stride, float* probability,
                     CropSquare* square);

  Status set_options(const MatteOptions& options) { return pipeline_.set_options(options); }
  const MatteOptions& options() const { return pipeline_.options(); }
  void reset() { pipeline_.reset(); }  // forget the previous frames (new video, new person)

  const Network& network() const { return *network_; }

 private:
  explicit FrameSegmenter(int input_size) : pipeline_(input_size) {}

  // Checks the frame, picks its square and runs the network on it (into probability_).
  Status run_network(const uint8_t* rgba, size_t width, size_t height, size_t row_stride, CropSquare* crop);

  std::unique_ptr<Network> network_;
  MattePipeline pipeline_;
  std::vector<uint8_t> input_;      // S x S x 4, the frame's square resized
  std::vector<float> probability_;  // S x S, the network's P(hair)
};

}  // namespace hm
