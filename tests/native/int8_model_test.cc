// Quantised (int8, version 2) model files: round trips through the C++ writer, the engine running them
// (deterministic, the same with 1 and 3 threads, probabilities in [0, 1]), float files still loading, and
// the rejection of inconsistent quantisation parameters with a message naming the tensor or node. The
// engine's int8 output against the quantiser's simulated int8 network is tests/node/int8-engine.test.mjs.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "network/crc32.h"
#include "network/engine.h"
#include "network/int8_layout.h"
#include "network/int8_network.h"
#include "network/model_file.h"
#include "network/model_file_writer.h"
#include "runtime/arena.h"
#include "runtime/thread_pool.h"
#include "model_file_test_util.h"

namespace {

using hm_test::fix_crc;
using hm_test::load_error;

hm::ModelFileContents small_int8(hm::Arch arch = hm::Arch::kHairMatteNet) {
  hm::ModelFileContents c = hm::random_int8_model_contents(hm::ArchSpec{arch, 16, 250, 64}, 5);
  c.metadata_json = R"({"note":"int8 test model"})";
  return c;
}

std::vector<uint8_t> bytes_of(const hm::ModelFileContents& c) { return hm::write_model_file(c, hm::TensorDType::kInt8); }


hm::NamedTensor& tensor(hm::ModelFileContents& c, const std::string& name) {
  for (hm::NamedTensor& t : c.tensors)
    if (t.name == name) return t;
  ADD_FAILURE() << "no tensor " << name;
  return c.tensors[0];
}



TEST(Int8ModelFile, RoundTripsThroughTheWriter) {
  const hm::ModelFileContents original = small_int8();
  const std::vector<uint8_t> bytes = bytes_of(original);
  EXPECT_EQ(bytes[8], 2);  // version 2
  hm::ModelFileContents parsed;
  const hm::Status st = hm::parse_model_file(bytes.data(), bytes.size(), &parsed);
  ASSERT_TRUE(st.ok) << st.message;
  EXPECT_EQ(parsed.precision, hm::ModelPrecision::kInt8);
  EXPECT_EQ(parsed.metadata_json, original.metadata_json);
  ASSERT_EQ(parsed.tensors.size(), hm::required_int8_tensors(original.spec).size());
  for (size_t i = 0; i < parsed.tensors.size(); ++i) {
    EXPECT_EQ(parsed.tensors[i].name, original.tensors[i].name);
    EXPECT_EQ(parsed.tensors[i].dtype, original.tensors[i].dtype) << parsed.tensors[i].name;
    EXPECT_EQ(parsed.tensors[i].ints, original.tensors[i].ints) << parsed.tensors[i].name;
    EXPECT_EQ(parsed.tensors[i].values, original.tensors[i].values) << parsed.tensors[i].name;
  }
}

TEST(Int8ModelFile, FloatFilesStillLoadAsVersion1) {
  const hm::ArchSpec spec{hm::Arch::kHairMatteNet, 16, 250, 64};
  for (hm::TensorDType dtype : {hm::TensorDType::kFloat32, hm::TensorDType::kFloat16}) {
    const std::vector<uint8_t> bytes = hm::write_model_file(hm::random_model_contents(spec, 1), dtype);
    EXPECT_EQ(bytes[8], 1);
    hm::Status st;
    auto model = hm::Model::load(bytes.data(), bytes.size(), &st);
    ASSERT_TRUE(model) << st.message;
    EXPECT_STREQ(model->precision(), dtype == hm::TensorDType::kFloat32 ? "fp32" : "fp16");
    EXPECT_EQ(model->int8_weights(), nullptr);
  }
}

std::vector<float> run(std::shared_ptr<const hm::Model> model, uint32_t threads, const std::vector<uint8_t>& rgba) {
  hm::Status st;
  auto net = hm::Network::create(model, 64, threads, &st);
  EXPECT_TRUE(net) << st.message;
  std::vector<float> p(64 * 64, -1.0f);
  if (net) net->run(rgba.data(), 64 * 4, p.data());
  return p;
}

TEST(Int8Network, RunsBothArchitecturesDeterministicallyOnAnyThreadCount) {
  std::vector<uint8_t> rgba(64 * 64 * 4);
  for (size_t i = 0; i < rgba.size(); ++i) rgba[i] = static_cast<uint8_t>((i * 37 + i / 256 * 11) & 0xff);
  for (hm::Arch arch : {hm::Arch::kHairMatteNet, hm::Arch::kHairSegNet}) {
    const std::vector<uint8_t> bytes = bytes_of(small_int8(arch));
    hm::Status st;
    auto model = hm::Model::load(bytes.data(), bytes.size(), &st);
    ASSERT_TRUE(model) << st.message;
    EXPECT_STREQ(model->precision(), "int8");
    const std::vector<float> one = run(model, 1, rgba), three = run(model, 3, rgba);
    EXPECT_EQ(one, three) << hm::arch_name(arch);
    for (float p : one) {
      ASSERT_GE(p, 0.0f);
      ASSERT_LE(p, 1.0f);
    }
    EXPECT_EQ(run(model, 1, rgba), one);  // a second run: no state left behind
  }
}

// The decoder bands (network/int8_network.h) against the node-by-node schedule of the same weights, bit for
// bit: at 224 (several bands) and 96 (a partial last band), on 1 and 3 threads.
TEST(Int8Network, DecoderBandsEqualTheNodeByNodeSchedule) {
  for (hm::Arch arch : {hm::Arch::kHairMatteNet, hm::Arch::kHairSegNet}) {
    const std::vector<uint8_t> bytes = bytes_of(small_int8(arch));
    hm::Status st;
    auto model = hm::Model::load(bytes.data(), bytes.size(), &st);
    ASSERT_TRUE(model) << st.message;
    const hm::Int8Weights& weights = *model->int8_weights();
    for (uint32_t size : {224u, 96u}) {
      const std::string what = std::string(hm::arch_name(arch)) + " at " + std::to_string(size);
      std::vector<uint8_t> rgba(size_t{size} * size * 4);
      for (size_t i = 0; i < rgba.size(); ++i) rgba[i] = static_cast<uint8_t>((i * 37 + i / 512 * 11) & 0xff);
      hm::ThreadPool one(1);
      hm::Int8Plan node_by_node(weights, size, 1, /*fuse_bands=*/false);
      hm::Arena arena(node_by_node.arena_bytes());
      node_by_node.bind(&arena);
      std::vector<float> want(size_t{size} * size, -1.0f);
      for (size_t i = 0; i < node_by_node.op_count(); ++i) node_by_node.run_op(i, one, rgba.data(), size * 4, want.data());
      // Not vacuous: the engine's plan has bands, more than one of them at 224.
      const hm::Int8Plan banded(weights, size, 1);
      size_t fewest_rows = size;
      bool any_band = false;
      for (size_t i = 0; i < banded.op_count(); ++i) {
        const std::string label = banded.op_label(i);
        const size_t at = label.find("bands of ");
        if (at == std::string::npos) continue;
        any_band = true;
        fewest_rows = std::min<size_t>(fewest_rows, std::stoul(label.substr(at + 9)));
      }
      if (arch == hm::Arch::kHairMatteNet && size == 224) EXPECT_LT(fewest_rows, 112u) << what << ": not in several bands";
      if (any_band) EXPECT_LT(banded.arena_bytes(), node_by_node.arena_bytes()) << what;
      for (uint32_t threads : {1u, 3u}) {
        auto net = hm::Network::create(model, size, threads, &st);
        ASSERT_TRUE(net) << st.message;
        std::vector<float> got(want.size(), -1.0f);
        net->run(rgba.data(), size * 4, got.data());
        EXPECT_EQ(got, want) << what << ", " << threads << " thread(s)";
      }
    }
  }
}

TEST(Int8ModelFileErrors, InconsistentScalesAndZeroPointsAreNamed) {
  struct Case {
    const char* what;
    void (*edit)(hm::ModelFileContents&);
    const char* expected;
  };
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  static float bad_value;
  const Case cases[] = {
      {"zero weight scale", [](hm::ModelFileContents& c) { tensor(c, "enc.pw3.weight_scale").values[5] = 0.0f; },
       "tensor 'enc.pw3.weight_scale' holds the scale 0.000000 at element 5"},
      {"negative output scale", [](hm::ModelFileContents& c) { tensor(c, "dec2.add.output_scale").values[0] = -0.1f; },
       "tensor 'dec2.add.output_scale' holds the scale -0.1"},
      {"NaN scale", [](hm::ModelFileContents& c) { tensor(c, "enc.dw1.weight_scale").values[0] = bad_value; },
       "tensor 'enc.dw1.weight_scale' holds a NaN value at element 0"},
      {"zero point out of range", [](hm::ModelFileContents& c) { tensor(c, "enc.dw4.output_zero_point").ints[0] = 200; },
       "tensor 'enc.dw4.output_zero_point' is 200, outside the int8 range -128..127"},
      {"weight -128", [](hm::ModelFileContents& c) { tensor(c, "dec3.pw.weight").ints[7] = -128; },
       "tensor 'dec3.pw.weight' holds -128 at element 7"},
      {"bias that could overflow the accumulator", [](hm::ModelFileContents& c) {
         tensor(c, "enc.dw3.bias").ints[2] = 2147483000;
       }, "tensor 'enc.dw3.bias' holds 2147483000 at element 2: with its weights (sum |w| = "},
      {"count mismatch", [](hm::ModelFileContents& c) {
         hm::NamedTensor& t = tensor(c, "enc.pw5.weight_scale");
         t.values.pop_back();
         t.shape[0] -= 1;
       }, "tensor 'enc.pw5.weight_scale' has shape"},
      {"missing node", [](hm::ModelFileContents& c) {
         for (size_t i = 0; i < c.tensors.size(); ++i)
           if (c.tensors[i].name == "dec1.add.output_zero_point") c.tensors.erase(c.tensors.begin() + i);
       }, "missing tensor 'dec1.add.output_zero_point'"},
      {"add scales out of range", [](hm::ModelFileContents& c) { tensor(c, "dec3.add.output_scale").values[0] = 1e-9f; },
       "node 'dec3.add'"},
      {"requantisation overflow", [](hm::ModelFileContents& c) {
         tensor(c, "enc.pw2.weight_scale").values[0] = 3e38f;
         tensor(c, "enc.pw2.output_scale").values[0] = 1e-3f;
       },
       "node 'enc.pw2', channel 0: the requantisation scale"},
  };
  bad_value = nan;
  for (const Case& k : cases) {
    hm::ModelFileContents c = small_int8();
    k.edit(c);
    EXPECT_MESSAGE_HAS(load_error(bytes_of(c)), k.expected) << k.what;
  }
  bad_value = inf;
  hm::ModelFileContents c = small_int8();
  tensor(c, "head.weight_scale").values[1] = inf;
  EXPECT_MESSAGE_HAS(load_error(bytes_of(c)), "tensor 'head.weight_scale' holds an infinite value at element 1");
}

TEST(Int8ModelFileErrors, DtypesMustMatchTheVersion) {
  // A quantised tensor in a version-1 file: the dtype is unknown there.
  std::vector<uint8_t> bytes = bytes_of(small_int8());
  bytes[8] = 1;
  fix_crc(&bytes);
  const std::string v1 = load_error(bytes);
  EXPECT_MESSAGE_HAS(v1, "unknown dtype 3");
  // A version-2 file whose weights are float: not what an int8 file stores.
  hm::ModelFileContents c = small_int8();
  hm::NamedTensor& w = tensor(c, "enc.pw1.weight");
  w.dtype = hm::TensorDType::kFloat32;
  w.values.assign(w.ints.begin(), w.ints.end());
  w.ints.clear();
  EXPECT_MESSAGE_HAS(load_error(bytes_of(c)), "tensor 'enc.pw1.weight' has dtype 1 but");
}

}  // namespace

// The folded first decoder stage (network/int8_fold.h) against the graph as quantised, on a random model:
// the fold moves dec1's quantisation points (no skip output, no requantised skip sum), so the two are
// close, not equal; the exact check of the fold's arithmetic is the engine against the quantiser's
// simulation of the same fold (tests/node/int8-engine.test.mjs).
TEST(Int8Network, FoldedFirstDecoderStageIsCloseToTheGraphAsQuantised) {
  const hm::ModelFileContents contents = small_int8();
  hm::ModelFileContents parsed;
  const std::vector<uint8_t> bytes = bytes_of(contents);
  ASSERT_TRUE(hm::parse_model_file(bytes.data(), bytes.size(), &parsed).ok);
  const hm::Int8Weights folded = hm::Int8Weights::pack(parsed);
  const hm::Int8Weights plain = hm::Int8Weights::pack(parsed, /*fold_dec1=*/false);
  ASSERT_TRUE(folded.folded());  // depth 16 * 9 < 256 channels
  ASSERT_FALSE(plain.folded());
  const uint32_t size = 96;
  std::vector<uint8_t> rgba(size_t{size} * size * 4);
  for (size_t i = 0; i < rgba.size(); ++i) rgba[i] = static_cast<uint8_t>((i * 37 + i / 512 * 11) & 0xff);
  // dec1.pw's int8 output.
  const hm::Int8Dec1Fold& f = folded.fold;
  auto run_plan = [&](hm::Int8Plan* plan, std::vector<int8_t>* dec1) {
    hm::ThreadPool pool(1);
    hm::Arena arena(plan->arena_bytes());
    plan->bind(&arena);
    std::vector<float> p(size_t{size} * size);
    for (size_t i = 0; i < plan->op_count(); ++i) {
      plan->run_op(i, pool, rgba.data(), size * 4, p.data());
      if (static_cast<int>(i) == f.pw) {
        const hm::Int8Activation& a = plan->activation(i);
        dec1->assign(plan->output(i), plan->output(i) + size_t{a.h} * a.w * a.c);
      }
    }
  };
  hm::Int8Plan folded_plan(folded, size, 1), plain_plan(plain, size, 1);
  std::vector<int8_t> dec1_folded, dec1_plain;
  run_plan(&folded_plan, &dec1_folded);
  run_plan(&plain_plan, &dec1_plain);
  ASSERT_EQ(dec1_folded.size(), dec1_plain.size());
  double sum = 0, differ = 0, clamped = 0;
  for (size_t i = 0; i < dec1_folded.size(); ++i) {
    sum += std::abs(dec1_folded[i] - dec1_plain[i]);
    differ += dec1_folded[i] != dec1_plain[i];
    clamped += dec1_plain[i] == folded.nodes[f.pw].output.min || dec1_plain[i] == 127;
  }
  const double n = double(dec1_folded.size());
  // Measured: 6.1% of the values differ, by 0.061 quanta on average (88% are clamped by the ReLU).
  EXPECT_GT(differ, 0.0) << "the fold changed nothing: is it in use?";
  EXPECT_LT(clamped, n) << "every value clamped: the comparison would be vacuous";
  EXPECT_LT(sum / n, 0.25) << "mean |difference| in quanta";
  // The architecture's multiply-adds either way (as the fp32 plan, which folds dec1 in float).
  EXPECT_DOUBLE_EQ(plain_plan.multiply_adds(), folded_plan.multiply_adds());
  EXPECT_NE(folded_plan.op_label(f.skip).find("folded"), std::string::npos);
  EXPECT_LT(folded.bytes(), plain.bytes());
}
