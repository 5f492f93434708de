// The frame segmenter (src/pipeline/): the network inside the matting pipeline. Checked against the same
// steps composed by hand from their own layers (MattePipeline, Network, sample_crop_probability), so a
// change in how the segmenter wires them (order, buffers, state, the mirrored pass) shows here.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "matting/crop_square.h"
#include "matting/matte_pipeline.h"
#include "network/engine.h"
#include "pipeline/frame_segmenter.h"

namespace hm {
namespace {

constexpr uint32_t kInput = 64;

std::shared_ptr<const Model> small_model() {
  Status st;
  auto model = Model::random(ArchSpec{Arch::kHairSegNet, 16, 250, kInput}, 7, &st);
  EXPECT_TRUE(st.ok) << st.message;
  return model;
}

std::vector<uint8_t> random_frame(int width, int height, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> frame(static_cast<size_t>(width) * height * 4);
  for (auto& b : frame) b = static_cast<uint8_t>(rng());
  return frame;
}

std::unique_ptr<FrameSegmenter> make_segmenter(std::shared_ptr<const Model> model) {
  Status st;
  auto segmenter = FrameSegmenter::create(std::move(model), kInput, 1, &st);
  EXPECT_TRUE(st.ok) << st.message;
  return segmenter;
}

// What segment() is meant to do, step by step, with its own pipeline and network.
struct HandComposed {
  explicit HandComposed(std::shared_ptr<const Model> model) : pipeline(kInput) {
    Status st;
    network = Network::create(std::move(model), kInput, 1, &st);
    EXPECT_TRUE(st.ok) << st.message;
  }
  // The network's map of the frame's region; with `mirror`, averaged with the map of the mirrored input.
  std::vector<float> network_map(const std::vector<uint8_t>& frame, int w, int h, bool mirror, CropRect* crop) {
    std::vector<uint8_t> input(kInput * kInput * 4);
    EXPECT_TRUE(pipeline.prepare_input(frame.data(), w, h, w * 4, input.data(), crop).ok);
    std::vector<float> map(kInput * kInput);
    network->run(input.data(), kInput * 4, map.data());
    if (!mirror) return map;
    std::vector<uint8_t> flipped(input.size());
    for (uint32_t v = 0; v < kInput; ++v)
      for (uint32_t u = 0; u < kInput; ++u)
        std::memcpy(&flipped[(v * kInput + u) * 4], &input[(v * kInput + kInput - 1 - u) * 4], 4);
    std::vector<float> flipped_map(map.size());
    network->run(flipped.data(), kInput * 4, flipped_map.data());
    for (uint32_t v = 0; v < kInput; ++v)
      for (uint32_t u = 0; u < kInput; ++u)
        map[v * kInput + u] = 0.5f * (map[v * kInput + u] + flipped_map[v * kInput + kInput - 1 - u]);
    return map;
  }
  std::vector<uint8_t> segment(const std::vector<uint8_t>& frame, int w, int h, bool mirror) {
    CropRect crop;
    const std::vector<float> map = network_map(frame, w, h, mirror, &crop);
    std::vector<uint8_t> alpha(static_cast<size_t>(w) * h);
    EXPECT_TRUE(pipeline.finish(frame.data(), w, h, w * 4, map.data(), crop, alpha.data()).ok);
    return alpha;
  }
  MattePipeline pipeline;
  std::unique_ptr<Network> network;
};

TEST(FrameSegmenter, SegmentIsThePipelineAroundTheNetworkOverAVideo) {
  auto model = small_model();
  auto segmenter = make_segmenter(model);
  HandComposed reference(model);
  MatteOptions options;
  options.temporal = 0.5f;  // video: the second frame's region and matte depend on the first
  ASSERT_TRUE(segmenter->set_options(options).ok);
  ASSERT_TRUE(reference.pipeline.set_options(options).ok);
  const int w = 96, h = 72;
  for (uint32_t seed : {1u, 2u, 3u}) {
    const auto frame = random_frame(w, h, seed);
    std::vector<uint8_t> alpha(static_cast<size_t>(w) * h);
    ASSERT_TRUE(segmenter->segment(frame.data(), w, h, w * 4, alpha.data()).ok);
    EXPECT_EQ(alpha, reference.segment(frame, w, h, false)) << "frame " << seed;
  }
}

TEST(FrameSegmenter, BestQualityAveragesTheNetworkWithItsMirrorImage) {
  auto model = small_model();
  auto segmenter = make_segmenter(model);
  segmenter->set_quality(Quality::kBest);
  HandComposed reference(model);
  const int w = 80, h = 100;
  const auto frame = random_frame(w, h, 11);
  std::vector<uint8_t> alpha(static_cast<size_t>(w) * h);
  ASSERT_TRUE(segmenter->segment(frame.data(), w, h, w * 4, alpha.data()).ok);
  EXPECT_EQ(alpha, reference.segment(frame, w, h, true));
  // The mirrored pass changes the result (else this test could not tell kBest from kFast).
  HandComposed fast(model);
  EXPECT_NE(alpha, fast.segment(frame, w, h, false));
}

TEST(FrameSegmenter, ProbabilityIsTheMapOnTheFrameAndChangesNoState) {
  auto model = small_model();
  auto segmenter = make_segmenter(model);
  MatteOptions options;
  options.temporal = 0.5f;
  ASSERT_TRUE(segmenter->set_options(options).ok);
  const int w = 64, h = 48;
  const auto a = random_frame(w, h, 21), b = random_frame(w, h, 22), c = random_frame(w, h, 23);
  std::vector<uint8_t> alpha(static_cast<size_t>(w) * h);
  ASSERT_TRUE(segmenter->segment(a.data(), w, h, w * 4, alpha.data()).ok);

  std::vector<float> probability(static_cast<size_t>(w) * h);
  CropRect region;
  ASSERT_TRUE(segmenter->probability(b.data(), w, h, w * 4, probability.data(), &region).ok);
  HandComposed reference(model);
  ASSERT_TRUE(reference.pipeline.set_options(options).ok);
  reference.segment(a, w, h, false);  // the same state as the segmenter before probability()
  CropRect crop;
  const std::vector<float> map = reference.network_map(b, w, h, false, &crop);
  EXPECT_EQ(region.x, crop.x);
  EXPECT_EQ(region.width, crop.width);
  std::vector<float> expected(probability.size());
  sample_crop_probability(map.data(), kInput, crop, 1.0f, w, h, expected.data());
  EXPECT_EQ(probability, expected);

  // The next segment() is as if probability() had not been called.
  ASSERT_TRUE(segmenter->segment(c.data(), w, h, w * 4, alpha.data()).ok);
  HandComposed untouched(model);
  ASSERT_TRUE(untouched.pipeline.set_options(options).ok);
  untouched.segment(a, w, h, false);
  EXPECT_EQ(alpha, untouched.segment(c, w, h, false));
}

TEST(FrameSegmenter, RefusesBadFramesAndStaysUsable) {
  auto segmenter = make_segmenter(small_model());
  const auto frame = random_frame(8, 8, 5);
  std::vector<uint8_t> alpha(64);
  const size_t too_big = FrameSegmenter::kMaxFrameSide + 1;
  EXPECT_FALSE(segmenter->segment(frame.data(), 0, 8, 32, alpha.data()).ok);
  EXPECT_FALSE(segmenter->segment(frame.data(), 8, too_big, 32, alpha.data()).ok);
  EXPECT_FALSE(segmenter->segment(frame.data(), 8, 8, 31, alpha.data()).ok);  // stride < width * 4
  EXPECT_FALSE(segmenter->segment(nullptr, 8, 8, 32, alpha.data()).ok);
  EXPECT_FALSE(segmenter->segment(frame.data(), 8, 8, 32, nullptr).ok);
  const Status st = segmenter->segment(frame.data(), 8, 8, 32, alpha.data());
  EXPECT_TRUE(st.ok) << st.message;

  Status create_status;
  EXPECT_EQ(FrameSegmenter::create(nullptr, kInput, 1, &create_status), nullptr);
  EXPECT_FALSE(create_status.ok);
}

}  // namespace
}  // namespace hm
