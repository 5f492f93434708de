// Codebook-packed int8 weights (version 3, docs/model-format.md): a file whose convolution weights are
// stored as 16 int8 levels + 4-bit indices must load as exactly the int8 tensors of its plain (version 2)
// twin and run to bit-identical probabilities; every malformed packed record is rejected with a message
// naming the tensor. The byte layout is checked against hand-computed bytes, not only through the writer.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "network/engine.h"
#include "network/int8_layout.h"
#include "network/model_file.h"
#include "network/model_file_writer.h"
#include "model_file_test_util.h"

namespace {

using hm_test::fix_crc;
using hm_test::load_error;

const char* const kPackedLayers[] = {"enc.conv0.weight", "enc.pw13.weight", "dec1.skip.weight", "dec2.dw.weight",
                                     "head.weight"};

hm::NamedTensor& tensor(hm::ModelFileContents& c, const std::string& name) {
  for (hm::NamedTensor& t : c.tensors)
    if (t.name == name) return t;
  ADD_FAILURE() << "no tensor " << name;
  return c.tensors[0];
}

// A small int8 model whose kPackedLayers take at most 16 values each (a different set per layer, with a
// gap, so the codebook is not simply -7..8), stored plain; packed() is the same model stored packed.
hm::ModelFileContents plain_model() {
  hm::ModelFileContents c = hm::random_int8_model_contents(hm::ArchSpec{hm::Arch::kHairMatteNet, 16, 250, 64}, 9);
  int layer = 0;
  for (const char* name : kPackedLayers) {
    ++layer;
    for (int32_t& v : tensor(c, name).ints) v = (((v % 15) + 15) % 15) * 9 - 63 + layer;  // 15 levels
    tensor(c, name).ints[0] = 127;  // a 16th level: the extremes must survive
  }
  return c;
}

hm::ModelFileContents packed(hm::ModelFileContents c) {
  for (const char* name : kPackedLayers) tensor(c, name).dtype = hm::TensorDType::kInt8Packed;
  return c;
}

std::vector<uint8_t> bytes_of(const hm::ModelFileContents& c) { return hm::write_model_file(c, hm::TensorDType::kInt8); }

uint32_t u32_at(const std::vector<uint8_t>& b, size_t at) {
  return b[at] | b[at + 1] << 8 | b[at + 2] << 16 | static_cast<uint32_t>(b[at + 3]) << 24;
}
void set_u32(std::vector<uint8_t>* b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) (*b)[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

// The offset of tensor `name`'s data in a file (walking the records as the format defines them).
size_t data_offset(const std::vector<uint8_t>& b, const std::string& name) {
  size_t at = 36 + u32_at(b, 32);
  for (uint32_t i = 0, n = u32_at(b, 28); i < n; ++i) {
    const size_t len = b[at] | b[at + 1] << 8;
    const std::string record(reinterpret_cast<const char*>(&b[at + 2]), len);
    const uint8_t dtype = b[at + 2 + len], rank = b[at + 3 + len];
    size_t count = 1;
    for (int d = 0; d < rank; ++d) count *= u32_at(b, at + 4 + len + 4 * d);
    at += 4 + len + 4 * rank;
    at += (4 - at % 4) % 4;
    if (record == name) return at;
    at += dtype == 5 ? 24 + (count + 1) / 2 : dtype == 3 ? count : 4 * count;
  }
  ADD_FAILURE() << "no record " << name;
  return 0;
}

TEST(PackedWeights, LoadAsTheExactInt8TensorsOfThePlainTwin) {
  const hm::ModelFileContents plain = plain_model();
  const std::vector<uint8_t> plain_bytes = bytes_of(plain), packed_bytes = bytes_of(packed(plain));
  EXPECT_EQ(plain_bytes[8], 2);
  EXPECT_EQ(packed_bytes[8], 3);
  // Size: each packed layer of n weights takes 4 + 16 + 4 + ceil(n / 2) data bytes instead of n.
  size_t saved = 0;
  for (const char* name : kPackedLayers) {
    const size_t n = tensor(const_cast<hm::ModelFileContents&>(plain), name).ints.size();
    saved += n - (24 + (n + 1) / 2);
  }
  EXPECT_EQ(plain_bytes.size() - packed_bytes.size(), saved);

  hm::ModelFileContents a, b;
  hm::Status st = hm::parse_model_file(plain_bytes.data(), plain_bytes.size(), &a);
  ASSERT_TRUE(st.ok) << st.message;
  st = hm::parse_model_file(packed_bytes.data(), packed_bytes.size(), &b);
  ASSERT_TRUE(st.ok) << st.message;
  EXPECT_EQ(b.precision, hm::ModelPrecision::kInt8);
  ASSERT_EQ(a.tensors.size(), b.tensors.size());
  for (size_t i = 0; i < a.tensors.size(); ++i) {
    EXPECT_EQ(b.tensors[i].name, a.tensors[i].name);
    EXPECT_EQ(b.tensors[i].dtype, a.tensors[i].dtype) << a.tensors[i].name;  // packed reads back as int8
    EXPECT_EQ(b.tensors[i].ints, a.tensors[i].ints) << a.tensors[i].name;
    EXPECT_EQ(b.tensors[i].values, a.tensors[i].values) << a.tensors[i].name;
  }
}

TEST(PackedWeights, ByteLayoutIsLevelsAscendingThenLowNibbleFirst) {
  const hm::ModelFileContents plain = plain_model();
  const std::vector<uint8_t> bytes = bytes_of(packed(plain));
  const std::vector<int32_t>& w = tensor(const_cast<hm::ModelFileContents&>(plain), "head.weight").ints;
  const size_t at = data_offset(bytes, "head.weight");
  EXPECT_EQ(at % 4, 0u);
  EXPECT_EQ(u32_at(bytes, at), 16u);
  EXPECT_EQ(u32_at(bytes, at + 20), (w.size() + 1) / 2);
  std::vector<int32_t> levels;
  for (int k = 0; k < 16; ++k) levels.push_back(static_cast<int8_t>(bytes[at + 4 + k]));
  for (size_t i = 0; i < w.size(); ++i) {
    const uint8_t byte = bytes[at + 24 + i / 2];
    const int index = i % 2 == 0 ? byte & 15 : byte >> 4;
    ASSERT_EQ(levels[index], w[i]) << "element " << i;
  }
  // The distinct values ascending, then unused levels of 0.
  std::vector<int32_t> distinct(w);
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  distinct.resize(16, 0);
  EXPECT_EQ(levels, distinct);
}

std::vector<float> run(const std::vector<uint8_t>& bytes, uint32_t threads) {
  hm::Status st;
  auto model = hm::Model::load(bytes.data(), bytes.size(), &st);
  EXPECT_TRUE(model) << st.message;
  if (!model) return {};
  auto net = hm::Network::create(model, 64, threads, &st);
  EXPECT_TRUE(net) << st.message;
  std::vector<uint8_t> rgba(64 * 64 * 4);
  for (size_t i = 0; i < rgba.size(); ++i) rgba[i] = static_cast<uint8_t>((i * 53 + i / 256 * 7) & 0xff);
  std::vector<float> p(64 * 64, -1.0f);
  if (net) net->run(rgba.data(), 64 * 4, p.data());
  return p;
}

TEST(PackedWeights, RunToTheSameProbabilitiesAsThePlainFile) {
  const hm::ModelFileContents plain = plain_model();
  const std::vector<float> want = run(bytes_of(plain), 1);
  ASSERT_EQ(want.size(), 64u * 64u);
  EXPECT_EQ(run(bytes_of(packed(plain)), 1), want);
  EXPECT_EQ(run(bytes_of(packed(plain)), 2), want);
}

struct Corruption {
  const char* what;
  void (*edit)(std::vector<uint8_t>*);
  const char* expected;
};

TEST(PackedWeightsErrors, MalformedRecordsAreNamed) {
  const Corruption cases[] = {
      {"codebook length 8",
       [](std::vector<uint8_t>* b) { set_u32(b, data_offset(*b, "enc.pw13.weight"), 8); },
       "tensor record 130 ('enc.pw13.weight'): packed int8 codebook length 8, the format's is 16"},
      {"index data one byte short",
       [](std::vector<uint8_t>* b) {
         const size_t at = data_offset(*b, "dec1.skip.weight");
         set_u32(b, at + 20, u32_at(*b, at + 20) - 1);
       },
       "tensor record 135 ('dec1.skip.weight'): packed int8 index data is 16383 bytes but its 32768 weights "
       "[256, 128, 1, 1] need 16384"},
      {"codebook level -128",
       [](std::vector<uint8_t>* b) { (*b)[data_offset(*b, "dec2.dw.weight") + 4 + 3] = 0x80; },
       "tensor 'dec2.dw.weight' has the codebook level -128 at entry 3"},
      {"packed weights in a version-2 file",
       [](std::vector<uint8_t>* b) { (*b)[8] = 2; },
       "tensor record 0 ('enc.conv0.weight'): dtype 5 (codebook-packed int8) needs a version 3 file, this is version 2"},
      {"packed weights in a version-1 file",
       [](std::vector<uint8_t>* b) { (*b)[8] = 1; },
       "('enc.conv0.weight'): unknown dtype 5 (version 1: 1 = float32, 2 = float16)"},
      {"version 4", [](std::vector<uint8_t>* b) { (*b)[8] = 4; }, "unsupported model file version 4"},
  };
  for (const Corruption& k : cases) {
    std::vector<uint8_t> bytes = bytes_of(packed(plain_model()));
    k.edit(&bytes);
    fix_crc(&bytes);
    EXPECT_MESSAGE_HAS(load_error(bytes), k.expected) << k.what;
  }
}

TEST(PackedWeightsErrors, OnlyConvolutionWeightsMayBePacked) {
  hm::ModelFileContents c = packed(plain_model());
  tensor(c, "enc.pw2.bias").dtype = hm::TensorDType::kInt8Packed;  // an int32 tensor
  EXPECT_MESSAGE_HAS(load_error(bytes_of(c)),
                     "tensor 'enc.pw2.bias' is stored codebook-packed (dtype 5), which only convolution weights");
  hm::ModelFileContents s = packed(plain_model());
  tensor(s, "dec1.add.output_zero_point").dtype = hm::TensorDType::kInt8Packed;
  EXPECT_MESSAGE_HAS(load_error(bytes_of(s)), "tensor 'dec1.add.output_zero_point' is stored codebook-packed");
}

TEST(PackedWeightsErrors, ACutFileIsTruncatedNotMisread) {
  std::vector<uint8_t> bytes = bytes_of(packed(plain_model()));
  const size_t at = data_offset(bytes, "enc.pw13.weight");
  bytes.resize(at + 10);  // inside the codebook
  bytes.resize(bytes.size() + 4);
  EXPECT_MESSAGE_HAS(load_error(bytes), "file is truncated: tensor record 130 ('enc.pw13.weight') needs its codebook");
}

TEST(PackedWeightsErrors, ALevelOutsideTheUsedOnesIsStillChecked) {
  // The writer pads a codebook of fewer than 16 values with zeros; an unused entry of -128 is still an error.
  hm::ModelFileContents c = plain_model();
  for (int32_t& v : tensor(c, "enc.pw13.weight").ints) v = v > 0 ? 5 : -5;
  std::vector<uint8_t> bytes = bytes_of(packed(c));
  const size_t at = data_offset(bytes, "enc.pw13.weight");
  EXPECT_EQ(bytes[at + 4], static_cast<uint8_t>(-5));
  EXPECT_EQ(bytes[at + 5], 5);
  EXPECT_EQ(bytes[at + 6 + 9], 0);  // padding level
  bytes[at + 4 + 15] = 0x80;
  fix_crc(&bytes);
  EXPECT_MESSAGE_HAS(load_error(bytes), "tensor 'enc.pw13.weight' has the codebook level -128 at entry 15");
}

}  // namespace

namespace {

// Every byte of a packed record's header and codebook, set to values at the edges of its field: the
// parser must either accept the file or return an error, never read outside it (ASan) or abort.
TEST(PackedWeightsErrors, EditedRecordBytesNeverCrashTheReader) {
  const std::vector<uint8_t> good = bytes_of(packed(plain_model()));
  const size_t data = data_offset(good, "dec2.dw.weight");
  const std::string key = std::string("\x0e\x00", 2) + "dec2.dw.weight";  // u16 name length 14, the name
  const size_t record = std::search(good.begin(), good.end(), key.begin(), key.end()) - good.begin();
  ASSERT_LT(record, data);
  size_t accepted = 0, rejected = 0;
  for (size_t at = record; at < data + 24 + 8; ++at) {
    for (uint8_t value : {0x00, 0x01, 0x05, 0x0F, 0x10, 0x7F, 0x80, 0xFF}) {
      std::vector<uint8_t> bytes = good;
      if (bytes[at] == value) continue;
      bytes[at] = value;
      fix_crc(&bytes);
      hm::ModelFileContents out;
      const hm::Status st = hm::parse_model_file(bytes.data(), bytes.size(), &out);
      if (st.ok) {
        ++accepted;
      } else {
        ++rejected;
        EXPECT_FALSE(st.message.empty());
      }
    }
  }
  EXPECT_GT(rejected, 0u);
  EXPECT_GT(accepted, 0u);  // a level or index byte changed within the rules is a valid, different file
}

}  // namespace
