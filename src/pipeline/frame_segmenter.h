// The per-frame work behind HairMatte.segment(): the network (src/network) inside the matting pipeline
// (src/matting/matte_pipeline.h), which picks the region the network sees (the whole frame for a still,
// the head-following region for video), refines and smooths the matte:
//
//   frame (W x H RGBA) --prepare_input--> S x S network input --Network--> P(hair), S x S floats
//     (quality kBest: also the network on the input's mirror image, mirrored back and averaged)
//     --finish (guided | none, temporal, head tracking)--> alpha, W x H bytes
//
// Buffers are sized once per network; segment() allocates only when the frame size changes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "base/facts.h"
#include "matting/matte_pipeline.h"
#include "network/engine.h"

namespace hm {

// kFast: the network once per frame. kBest: the network on the input and on its left-right mirror image,
// the two maps averaged (twice the network's time; a test-time augmentation for stills).
enum class Quality { kFast = 0, kBest = 1 };

class FrameSegmenter {
 public:
  // The largest frame side accepted; keeps width * height * 4 far from the wasm memory limits.
  static constexpr size_t kMaxFrameSide = ::hm::kMaxFrameSide;  // base/facts.h

  static std::unique_ptr<FrameSegmenter> create(std::shared_ptr<const Model> model, uint32_t input_size,
                                                uint32_t threads, Status* status);

  // rgba: width x height pixels of 4 bytes, rows `row_stride` bytes apart; alpha: width * height bytes.
  Status segment(const uint8_t* rgba, size_t width, size_t height, size_t row_stride, uint8_t* alpha);

  // The network's P(hair) at the frame's resolution, as floats: the probability map of the region that
  // segment() would use for this frame, mapped bilinearly onto the frame's pixels (0 outside the region).
  // No refinement, temporal smoothing or matte levels, and no change of state (the next segment() is
  // unaffected). probability: width * height floats; region: where the network looked.
  Status probability(const uint8_t* rgba, size_t width, size_t height, size_t row_stride, float* probability,
                     CropRect* region);

  Status set_options(const MatteOptions& options) { return pipeline_.set_options(options); }
  const MatteOptions& options() const { return pipeline_.options(); }
  void set_quality(Quality quality) { quality_ = quality; }
  Quality quality() const { return quality_; }
  void reset() { pipeline_.reset(); }  // forget the previous frames (new video, new person)

  const Network& network() const { return *network_; }

 private:
  explicit FrameSegmenter(int input_size) : pipeline_(input_size) {}

  // Checks the frame, picks its region and runs the network on it (into probability_).
  Status run_network(const uint8_t* rgba, size_t width, size_t height, size_t row_stride, CropRect* crop);
  // probability_ = the mean of itself and the network's map of the mirrored input, mirrored back.
  void average_with_mirror();

  std::unique_ptr<Network> network_;
  MattePipeline pipeline_;
  Quality quality_ = Quality::kFast;
  std::vector<uint8_t> input_;      // S x S x 4, the frame's region resized
  std::vector<float> probability_;  // S x S, the network's P(hair)
  std::vector<uint8_t> mirrored_input_;      // kBest only: input_ mirrored left-right
  std::vector<float> mirrored_probability_;  // kBest only: the network's map of it
};

}  // namespace hm
