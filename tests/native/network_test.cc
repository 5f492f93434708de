// Whole-network tests: the engine (loader -> repacked weights -> planned kernels, fused final stage,
// thread pool, arena) against the naive NCHW reference of reference_network.h on the same weights.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "network/engine.h"
#include "network/model_file.h"
#include "network/model_file_writer.h"
#include "reference_network.h"

namespace {

struct NetCase {
  hm::Arch arch;
  uint32_t depth;
  uint32_t width;
  uint32_t size;
};

std::string case_name(const testing::TestParamInfo<NetCase>& info) {
  const NetCase& c = info.param;
  return std::string(hm::arch_name(c.arch)) + "_d" + std::to_string(c.depth) + "_w" + std::to_string(c.width) +
         "_s" + std::to_string(c.size);
}

// A smooth random image with some structure (gradients plus noise), rows padded to `stride` bytes.
std::vector<uint8_t> random_image(uint32_t size, size_t stride, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> noise(-40, 40);
  std::vector<uint8_t> img(stride * size, 0xAB);
  for (uint32_t y = 0; y < size; ++y)
    for (uint32_t x = 0; x < size; ++x)
      for (int c = 0; c < 4; ++c) {
        const int base = c == 0 ? int(255 * x / size) : c == 1 ? int(255 * y / size) : 128;
        img[y * stride + 4 * x + c] = uint8_t(std::min(255, std::max(0, base + noise(rng))));
      }
  return img;
}

std::shared_ptr<const hm::Model> load_or_fail(const std::vector<uint8_t>& bytes) {
  hm::Status st;
  auto model = hm::Model::load(bytes.data(), bytes.size(), &st);
  EXPECT_TRUE(st.ok) << st.message;
  return model;
}

class NetworkVsReference : public testing::TestWithParam<NetCase> {};

TEST_P(NetworkVsReference, MatchesNaiveImplementation) {
  const NetCase c = GetParam();
  hm::ArchSpec spec{c.arch, c.depth, c.width, 224};
  const hm::ModelFileContents contents = hm::random_model_contents(spec, 1234 + c.size);
  auto model = load_or_fail(hm::write_model_file(contents, hm::TensorDType::kFloat32));
  ASSERT_TRUE(model);
  hm::Status st;
  auto net = hm::Network::create(model, c.size, 2, &st);
  ASSERT_TRUE(net) << st.message;

  const size_t stride = c.size * 4 + 12;  // rows not packed: the engine must honour the stride
  const std::vector<uint8_t> image = random_image(c.size, stride, 7);
  std::vector<float> prob(size_t(c.size) * c.size, -1.f);
  net->run(image.data(), stride, prob.data());

  hm_reference::ReferenceNetwork reference(contents);
  const std::vector<float> expected = reference.run(image.data(), int(c.size), stride);
  EXPECT_EQ(net->multiply_adds(), reference.multiply_adds());

  double max_diff = 0, mean = 0, mean_sq = 0;
  for (size_t i = 0; i < prob.size(); ++i) {
    max_diff = std::max(max_diff, double(std::fabs(prob[i] - expected[i])));
    mean += expected[i];
    mean_sq += double(expected[i]) * expected[i];
  }
  mean /= prob.size();
  const double spread = std::sqrt(std::max(0.0, mean_sq / prob.size() - mean * mean));
  EXPECT_LT(max_diff, 1e-4) << "max |engine - reference| over " << prob.size() << " pixels";
  // The comparison means something only if the output is not saturated or constant.
  EXPECT_GT(spread, 1e-3) << "reference output is nearly constant (mean " << mean << ")";
  RecordProperty("max_abs_diff", std::to_string(max_diff));
}

INSTANTIATE_TEST_SUITE_P(Network, NetworkVsReference,
                         // d128 keeps every skip unfolded (folding would not save work there); the
                         // others fold the inner skip into its stage's 1x1 convolution (model_weights.cc).
                         testing::Values(NetCase{hm::Arch::kHairMatteNet, 16, 1000, 64},
                                         NetCase{hm::Arch::kHairMatteNet, 128, 1000, 64},
                                         NetCase{hm::Arch::kHairMatteNet, 64, 1000, 96},
                                         NetCase{hm::Arch::kHairMatteNet, 64, 1000, 224},
                                         NetCase{hm::Arch::kHairMatteNet, 32, 500, 128},
                                         NetCase{hm::Arch::kHairSegNet, 16, 1000, 64},
                                         NetCase{hm::Arch::kHairSegNet, 64, 1000, 96},
                                         NetCase{hm::Arch::kHairSegNet, 64, 250, 224}),
                         case_name);

TEST(NetworkThreads, OneTwoThreeThreadsAgree) {
  for (hm::Arch arch : {hm::Arch::kHairMatteNet, hm::Arch::kHairSegNet}) {
    hm::Status st;
    auto model = hm::Model::random(hm::ArchSpec{arch, 16, 1000, 224}, 5, &st);
    ASSERT_TRUE(model) << st.message;
    const uint32_t size = 96;
    const std::vector<uint8_t> image = random_image(size, size * 4, 11);
    std::vector<float> baseline;
    for (uint32_t threads : {1u, 2u, 3u}) {
      auto net = hm::Network::create(model, size, threads, &st);
      ASSERT_TRUE(net) << st.message;
      EXPECT_EQ(net->threads(), threads);
      // Bit-identical, run after run: which thread computes a chunk of a layer (the dynamic split hands
      // them out first come, first served) must not change a single value.
      for (int run = 0; run < 3; ++run) {
        std::vector<float> prob(size * size);
        net->run(image.data(), size * 4, prob.data());
        if (baseline.empty()) {
          baseline = prob;
          continue;
        }
        for (size_t i = 0; i < prob.size(); ++i) {
          ASSERT_EQ(prob[i], baseline[i]) << hm::arch_name(arch) << " threads " << threads << " run " << run
                                          << " pixel " << i;
        }
      }
    }
  }
}

TEST(NetworkArena, RunsAreRepeatableAndTheArenaIsFixed) {
  hm::Status st;
  auto model = hm::Model::random(hm::ArchSpec{hm::Arch::kHairMatteNet, 64, 1000, 224}, 9, &st);
  ASSERT_TRUE(model) << st.message;
  auto net = hm::Network::create(model, 224, 2, &st);
  ASSERT_TRUE(net) << st.message;
  const size_t arena = net->arena_bytes();
  // Liveness reuse: the activations of HairMatteNet 224 add up to ~60 MB; far fewer are alive at once.
  EXPECT_GT(arena, size_t{112 * 112 * 64 * 4});
  EXPECT_LT(arena, size_t{16} << 20);
  const std::vector<uint8_t> a = random_image(224, 224 * 4, 1), b = random_image(224, 224 * 4, 2);
  std::vector<float> first(224 * 224), other(224 * 224), again(224 * 224);
  net->run(a.data(), 224 * 4, first.data());
  net->run(b.data(), 224 * 4, other.data());
  net->run(a.data(), 224 * 4, again.data());
  EXPECT_EQ(first, again) << "a run must not depend on the previous one";
  EXPECT_NE(first, other);
  EXPECT_EQ(net->arena_bytes(), arena);
  RecordProperty("arena_bytes", std::to_string(arena));
}

TEST(NetworkPlan, HairMatteNet224MultiplyAddsMatchThePaperScale) {
  hm::Status st;
  auto model = hm::Model::random(hm::ArchSpec{hm::Arch::kHairMatteNet, 64, 1000, 224}, 1, &st);
  ASSERT_TRUE(model) << st.message;
  auto net = hm::Network::create(model, 224, 1, &st);
  ASSERT_TRUE(net) << st.message;
  // MobileNet-v1 224 is 569 M multiply-adds; the skip decoder adds ~525 M (TOOLCHAIN.md: 1.093 G).
  EXPECT_NEAR(net->multiply_adds(), 1.0935e9, 0.002e9);
}

bool plan_has_op(const hm::Network& net, const std::string& prefix) {
  for (size_t i = 0; i < net.op_count(); ++i)
    if (net.op_label(i).rfind(prefix, 0) == 0) return true;
  return false;
}

// HairMatteNet's inner skip (14x14x512 -> 1024) is folded into its stage at any input size, but not at
// decoder depth 128 (no work saved); the outer skips never are.
TEST(NetworkPlan, FoldsTheInnerSkipOnlyWhereItPays) {
  hm::Status st;
  auto d64 = hm::Model::random(hm::ArchSpec{hm::Arch::kHairMatteNet, 64, 1000, 224}, 1, &st);
  auto d128 = hm::Model::random(hm::ArchSpec{hm::Arch::kHairMatteNet, 128, 1000, 224}, 1, &st);
  ASSERT_TRUE(d64 && d128) << st.message;
  auto at224 = hm::Network::create(d64, 224, 1, &st), at480 = hm::Network::create(d64, 480, 1, &st),
       deep = hm::Network::create(d128, 224, 1, &st);
  ASSERT_TRUE(at224 && at480 && deep) << st.message;
  EXPECT_TRUE(plan_has_op(*at224, "im2col+pw 14x14x1024 + 3x3 of 14x14x512 -> 64"));
  EXPECT_FALSE(plan_has_op(*at224, "pw 14x14x512 -> 1024"));
  EXPECT_TRUE(plan_has_op(*at224, "pw 28x28x256 -> 64")) << "outer skips stay 1x1 convolutions";
  EXPECT_TRUE(plan_has_op(*at480, "im2col+pw 30x30x1024 + 3x3 of 30x30x512 -> 64"));
  EXPECT_FALSE(plan_has_op(*deep, "im2col"));
}

TEST(NetworkCreate, RejectsBadArguments) {
  hm::Status st;
  auto model = hm::Model::random(hm::ArchSpec{hm::Arch::kHairSegNet, 16, 250, 224}, 1, &st);
  ASSERT_TRUE(model) << st.message;
  EXPECT_FALSE(hm::Network::create(model, 0, 1, &st));
  EXPECT_NE(st.message.find("input size 0"), std::string::npos) << st.message;
  EXPECT_FALSE(hm::Network::create(model, 100, 1, &st));
  EXPECT_NE(st.message.find("input size 100"), std::string::npos) << st.message;
  EXPECT_FALSE(hm::Network::create(model, 64, 0, &st));
  EXPECT_NE(st.message.find("threads 0"), std::string::npos) << st.message;
  EXPECT_FALSE(hm::Network::create(nullptr, 64, 1, &st));
  EXPECT_NE(st.message.find("model is null"), std::string::npos) << st.message;
  EXPECT_TRUE(hm::Network::create(model, 32, 1, &st)) << st.message;
  EXPECT_TRUE(st.ok);
}

TEST(NetworkRandomModel, IsDeterministicInTheSeed) {
  hm::Status st;
  const hm::ArchSpec spec{hm::Arch::kHairMatteNet, 16, 250, 224};
  auto a = hm::Model::random(spec, 42, &st), b = hm::Model::random(spec, 42, &st),
       c = hm::Model::random(spec, 43, &st);
  const std::vector<uint8_t> image = random_image(64, 256, 3);
  std::vector<float> pa(64 * 64), pb(64 * 64), pc(64 * 64);
  hm::Network::create(a, 64, 1, &st)->run(image.data(), 256, pa.data());
  hm::Network::create(b, 64, 1, &st)->run(image.data(), 256, pb.data());
  hm::Network::create(c, 64, 1, &st)->run(image.data(), 256, pc.data());
  EXPECT_EQ(pa, pb);
  EXPECT_NE(pa, pc);
  EXPECT_EQ(a->metadata_json(), "{}");
  EXPECT_FALSE(hm::Model::random(hm::ArchSpec{hm::Arch::kHairMatteNet, 0, 1000, 224}, 1, &st));
  EXPECT_NE(st.message.find("decoder depth 0"), std::string::npos) << st.message;
}

}  // namespace
