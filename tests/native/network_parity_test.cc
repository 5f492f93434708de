// Parity with PyTorch: training/fixtures/parity_<arch>.hmm are random-weight models written by the
// Python exporter (training/hairmatte_train/model_file.py, BatchNorm folded, float16), and the .json
// files hold a 64x64 RGB input with PyTorch's hair probabilities for it (training/make_parity_fixture.py).
// The engine must load the Python-written files and reproduce PyTorch's output.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "network/engine.h"

namespace {

std::string fixture_dir() {
  std::string file = __FILE__;  // <repo>/tests/native/network_parity_test.cc
  for (int up = 0; up < 3; ++up) file = file.substr(0, file.find_last_of('/'));
  return file + "/training/fixtures/";
}

bool read_text(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

// The numbers of the JSON array `"key": [ ... ]` (the fixture's flat arrays of numbers).
std::vector<double> json_number_array(const std::string& json, const std::string& key) {
  std::vector<double> values;
  size_t at = json.find("\"" + key + "\"");
  if (at == std::string::npos) return values;
  at = json.find('[', at);
  const size_t end = json.find(']', at);
  const char* p = json.c_str() + at + 1;
  const char* stop = json.c_str() + end;
  while (p < stop) {
    char* next = nullptr;
    const double v = std::strtod(p, &next);
    if (next == p) {
      ++p;  // a comma or whitespace
      continue;
    }
    values.push_back(v);
    p = next;
  }
  return values;
}

class NetworkParity : public testing::TestWithParam<const char*> {};

TEST_P(NetworkParity, MatchesPyTorchOnTheExportedFixture) {
  const std::string arch = GetParam();
  std::string model_bytes, json;
  const std::string base = fixture_dir() + "parity_" + arch;
  if (!read_text(base + ".hmm", &model_bytes) || !read_text(base + ".json", &json)) {
    GTEST_SKIP() << "no parity fixture at " << base << ".{hmm,json} (made by training/make_parity_fixture.py)";
  }
  hm::Status st;
  auto model = hm::Model::load(reinterpret_cast<const uint8_t*>(model_bytes.data()), model_bytes.size(), &st);
  ASSERT_TRUE(model) << st.message;
  EXPECT_EQ(hm::arch_name(model->spec().arch), arch);

  const std::vector<double> rgb = json_number_array(json, "rgb");
  const std::vector<double> expected = json_number_array(json, "probability");
  const size_t size = 64;
  ASSERT_EQ(rgb.size(), size * size * 3);
  ASSERT_EQ(expected.size(), size * size);
  std::vector<uint8_t> rgba(size * size * 4, 255);
  for (size_t i = 0; i < size * size; ++i)
    for (size_t c = 0; c < 3; ++c) rgba[4 * i + c] = uint8_t(rgb[3 * i + c]);

  for (uint32_t threads : {1u, 2u}) {
    auto net = hm::Network::create(model, size, threads, &st);
    ASSERT_TRUE(net) << st.message;
    std::vector<float> prob(size * size);
    net->run(rgba.data(), size * 4, prob.data());
    double max_diff = 0;
    for (size_t i = 0; i < prob.size(); ++i) max_diff = std::max(max_diff, std::fabs(prob[i] - expected[i]));
    EXPECT_LT(max_diff, 1e-4) << arch << " with " << threads << " threads";
  }
}

INSTANTIATE_TEST_SUITE_P(Network, NetworkParity, testing::Values("hairmattenet", "hairsegnet"));

}  // namespace
