// The .hmm loader (docs/model-format.md): round trips through the C++ writer, float16 storage, and the
// rejection of every kind of broken file with a message that names what is wrong.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "network/crc32.h"
#include "network/engine.h"
#include "network/half_float.h"
#include "network/model_file.h"
#include "network/model_file_writer.h"
#include "model_file_test_util.h"

namespace {

using hm_test::fix_crc;
using hm_test::load_error;

// A small valid model: HairMatteNet at alpha 0.25, depth 16 (~0.2 M parameters).
hm::ModelFileContents small_contents() {
  hm::ModelFileContents c = hm::random_model_contents(hm::ArchSpec{hm::Arch::kHairMatteNet, 16, 250, 224}, 3);
  c.metadata_json = R"({"note":"test model"})";
  return c;
}

void put_u32(std::vector<uint8_t>* bytes, size_t offset, uint32_t v) {
  for (int i = 0; i < 4; ++i) (*bytes)[offset + i] = uint8_t(v >> (8 * i));
}
// Offset of the byte right after tensor `name`'s name in the file (its dtype byte).
size_t dtype_offset(const std::vector<uint8_t>& bytes, const std::string& name) {
  for (size_t i = 36; i + name.size() + 2 < bytes.size(); ++i) {
    if (bytes[i] == name.size() && bytes[i + 1] == 0 && std::memcmp(&bytes[i + 2], name.data(), name.size()) == 0)
      return i + 2 + name.size();
  }
  ADD_FAILURE() << "no record named " << name;
  return 0;
}

TEST(ModelFileCrc32, MatchesTheStandardCheckValue) {
  const char* check = "123456789";  // the CRC-32/ISO-HDLC check value from the CRC catalogue
  EXPECT_EQ(hm::crc32_ieee(reinterpret_cast<const uint8_t*>(check), 9), 0xCBF43926u);
  EXPECT_EQ(hm::crc32_ieee(nullptr, 0), 0u);
}

TEST(ModelFileCrc32, MatchesABitwiseReferenceAtEveryLengthAndAlignment) {
  std::vector<uint8_t> data(300);
  for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i * 131 + (i >> 3) * 7 + 1);
  for (size_t start = 0; start < 8; ++start) {
    for (size_t length = 0; start + length <= data.size(); length += 1 + length / 8) {
      uint32_t crc = 0xFFFFFFFFu;  // the textbook bit-at-a-time reflected CRC-32
      for (size_t i = start; i < start + length; ++i) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
      }
      ASSERT_EQ(hm::crc32_ieee(data.data() + start, length), crc ^ 0xFFFFFFFFu) << start << "+" << length;
    }
  }
}

TEST(ModelFileHalf, EveryHalfConvertsExactlyAndBack) {
  for (uint32_t h = 0; h < 65536; ++h) {
    const uint32_t exponent = (h >> 10) & 31, mantissa = h & 1023;
    const double sign = (h & 0x8000) ? -1.0 : 1.0;
    const float f = hm::half_to_float(uint16_t(h));
    if (exponent == 31) {
      EXPECT_TRUE(mantissa ? std::isnan(f) : std::isinf(f)) << h;
      continue;
    }
    // IEEE binary16: subnormal m * 2^-24, normal (1024 + m) * 2^(e - 25).
    const double expected = exponent == 0 ? sign * std::ldexp(double(mantissa), -24)
                                          : sign * std::ldexp(double(1024 + mantissa), int(exponent) - 25);
    ASSERT_EQ(double(f), expected) << "half 0x" << std::hex << h;
    ASSERT_EQ(hm::float_to_half(f), h) << "half 0x" << std::hex << h;
  }
}

TEST(ModelFileHalf, RoundsToNearestEven) {
  EXPECT_EQ(hm::float_to_half(1.0f + std::ldexp(1.0f, -11)), 0x3C00);        // tie -> even (1.0)
  EXPECT_EQ(hm::float_to_half(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3C02);    // tie -> even (up)
  EXPECT_EQ(hm::float_to_half(1.0f + std::ldexp(1.0f, -11) * 1.01f), 0x3C01);
  EXPECT_EQ(hm::float_to_half(65504.f), 0x7BFF);
  EXPECT_EQ(hm::float_to_half(65520.f), 0x7C00);  // halfway above the largest half: inf
  EXPECT_EQ(hm::float_to_half(std::ldexp(1.0f, -25)), 0x0000);  // tie between 0 and 2^-24 -> 0
  EXPECT_EQ(hm::float_to_half(std::ldexp(1.5f, -25)), 0x0001);
  EXPECT_EQ(hm::float_to_half(-std::ldexp(1.0f, -14)), 0x8400);
  EXPECT_TRUE(std::isnan(hm::half_to_float(hm::float_to_half(std::numeric_limits<float>::quiet_NaN()))));
}

TEST(ModelFileRoundTrip, Float32IsBitExactAndKeepsMetadata) {
  const hm::ModelFileContents original = small_contents();
  const std::vector<uint8_t> bytes = hm::write_model_file(original, hm::TensorDType::kFloat32);
  hm::ModelFileContents parsed;
  const hm::Status st = hm::parse_model_file(bytes.data(), bytes.size(), &parsed);
  ASSERT_TRUE(st.ok) << st.message;
  EXPECT_EQ(parsed.metadata_json, original.metadata_json);
  EXPECT_EQ(parsed.spec.decoder_depth, 16u);
  EXPECT_EQ(parsed.spec.width_permille, 250u);
  ASSERT_EQ(parsed.tensors.size(), original.tensors.size());
  for (size_t i = 0; i < parsed.tensors.size(); ++i) {
    EXPECT_EQ(parsed.tensors[i].name, original.tensors[i].name);
    EXPECT_EQ(parsed.tensors[i].shape, original.tensors[i].shape);
    EXPECT_EQ(parsed.tensors[i].values, original.tensors[i].values) << parsed.tensors[i].name;
  }
  hm::Status load_status;
  auto model = hm::Model::load(bytes.data(), bytes.size(), &load_status);
  ASSERT_TRUE(model) << load_status.message;
  EXPECT_EQ(model->metadata_json(), original.metadata_json);
  EXPECT_EQ(model->spec().arch, hm::Arch::kHairMatteNet);
}

TEST(ModelFileRoundTrip, TensorOrderInTheFileDoesNotMatter) {
  hm::ModelFileContents shuffled = small_contents();
  std::reverse(shuffled.tensors.begin(), shuffled.tensors.end());
  const std::vector<uint8_t> bytes = hm::write_model_file(shuffled, hm::TensorDType::kFloat32);
  hm::ModelFileContents parsed;
  const hm::Status st = hm::parse_model_file(bytes.data(), bytes.size(), &parsed);
  ASSERT_TRUE(st.ok) << st.message;
  EXPECT_EQ(parsed.tensors.front().name, "enc.conv0.weight");
}

TEST(ModelFileRoundTrip, Float16LoadsLikeFloat32ToHalfPrecision) {
  const hm::ModelFileContents original = small_contents();
  const std::vector<uint8_t> f32 = hm::write_model_file(original, hm::TensorDType::kFloat32);
  const std::vector<uint8_t> f16 = hm::write_model_file(original, hm::TensorDType::kFloat16);
  EXPECT_LT(f16.size(), f32.size() * 0.55);
  hm::ModelFileContents parsed;
  const hm::Status st = hm::parse_model_file(f16.data(), f16.size(), &parsed);
  ASSERT_TRUE(st.ok) << st.message;
  for (size_t i = 0; i < parsed.tensors.size(); ++i) {
    for (size_t j = 0; j < parsed.tensors[i].values.size(); ++j) {
      const float a = original.tensors[i].values[j], b = parsed.tensors[i].values[j];
      // Half has an 11-bit significand: relative error <= 2^-11, plus subnormal spacing 2^-24.
      ASSERT_LE(std::fabs(a - b), std::fabs(a) * std::ldexp(1.0, -11) + std::ldexp(1.0, -25))
          << parsed.tensors[i].name << "[" << j << "]";
    }
  }
  // The same network from both files gives nearly the same probabilities.
  hm::Status s1, s2;
  auto m32 = hm::Model::load(f32.data(), f32.size(), &s1);
  auto m16 = hm::Model::load(f16.data(), f16.size(), &s2);
  ASSERT_TRUE(m32 && m16) << s1.message << s2.message;
  std::vector<uint8_t> image(64 * 64 * 4);
  for (size_t i = 0; i < image.size(); ++i) image[i] = uint8_t(i * 37 + (i >> 8) * 11);
  std::vector<float> p32(64 * 64), p16(64 * 64);
  hm::Network::create(m32, 64, 1, &s1)->run(image.data(), 256, p32.data());
  hm::Network::create(m16, 64, 1, &s2)->run(image.data(), 256, p16.data());
  double max_diff = 0;
  for (size_t i = 0; i < p32.size(); ++i) max_diff = std::max(max_diff, double(std::fabs(p32[i] - p16[i])));
  EXPECT_LT(max_diff, 2e-2);
  EXPECT_GT(max_diff, 0.0);  // the files really differ
}

TEST(ModelFileErrors, TruncatedAtAnyOffsetIsReportedAsTruncated) {
  const std::vector<uint8_t> bytes = hm::write_model_file(small_contents(), hm::TensorDType::kFloat32);
  std::vector<size_t> cuts;
  for (size_t n = 0; n < 200; ++n) cuts.push_back(n);                       // header, metadata, first records
  for (size_t n = 200; n < bytes.size(); n += 4001) cuts.push_back(n);       // all through the records
  for (size_t n = bytes.size() - 64; n < bytes.size(); ++n) cuts.push_back(n);  // the last record and CRC
  for (size_t n : cuts) {
    const std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + n);
    hm::Status st;
    ASSERT_FALSE(hm::Model::load(cut.data(), cut.size(), &st)) << "cut at " << n;
    if (n == 0) {
      EXPECT_MESSAGE_HAS(st.message, "empty");
    } else {
      ASSERT_NE(st.message.find("truncated"), std::string::npos) << "cut at " << n << ": " << st.message;
    }
  }
}

TEST(ModelFileErrors, FlippedBytesFailTheChecksum) {
  const std::vector<uint8_t> bytes = hm::write_model_file(small_contents(), hm::TensorDType::kFloat32);
  const size_t data = dtype_offset(bytes, "enc.pw5.weight") + 20;  // inside a tensor's values
  for (size_t offset : {size_t{40}, data, data + 1001, bytes.size() - 9, bytes.size() - 1}) {
    std::vector<uint8_t> corrupt = bytes;
    corrupt[offset] ^= 0x10;
    const std::string message = load_error(corrupt);
    EXPECT_MESSAGE_HAS(message, "checksum mismatch") << " (flipped byte " << offset << ")";
  }
  // A flip anywhere must be caught, whatever the message.
  for (size_t offset = 0; offset < bytes.size(); offset += 4999) {
    std::vector<uint8_t> corrupt = bytes;
    corrupt[offset] ^= 0x01;
    hm::Status st;
    EXPECT_FALSE(hm::Model::load(corrupt.data(), corrupt.size(), &st)) << "flipped byte " << offset;
  }
}

// Issue 17: a flipped bit in the header's tensor count used to be reported as "file is truncated".
TEST(ModelFileErrors, FlippedTensorCountIsACorruptedHeaderNotATruncation) {
  const std::vector<uint8_t> bytes = hm::write_model_file(small_contents(), hm::TensorDType::kFloat32);
  for (size_t offset = 28; offset < 32; ++offset) {
    for (uint8_t bit : {uint8_t{0x01}, uint8_t{0x10}, uint8_t{0x80}}) {
      std::vector<uint8_t> corrupt = bytes;
      corrupt[offset] ^= bit;
      const std::string message = load_error(corrupt);
      EXPECT_MESSAGE_HAS(message, "checksum mismatch") << " (byte " << offset << " ^ " << int(bit) << ")";
      EXPECT_MESSAGE_HAS(message, "tensor count");
      EXPECT_EQ(message.find("truncated"), std::string::npos) << message;
    }
  }
}

TEST(ModelFileErrors, HeaderFieldsAreChecked) {
  const std::vector<uint8_t> good = hm::write_model_file(small_contents(), hm::TensorDType::kFloat32);
  struct Edit {
    size_t offset;
    uint32_t value;
    const char* expected;
  };
  for (const Edit& e : {Edit{8, 4, "version 4"}, Edit{12, 7, "architecture 7"}, Edit{16, 0, "decoder depth 0"},
                        Edit{16, 2000, "decoder depth 2000"}, Edit{20, 600, "width 600"},
                        Edit{24, 100, "input size 100"}, Edit{24, 0, "input size 0"},
                        Edit{28, 200, "tensor count"}}) {
    std::vector<uint8_t> bytes = good;
    put_u32(&bytes, e.offset, e.value);
    fix_crc(&bytes);
    EXPECT_MESSAGE_HAS(load_error(bytes), e.expected);
  }
  std::vector<uint8_t> bytes = good;
  bytes[0] = 'X';
  EXPECT_MESSAGE_HAS(load_error(bytes), "magic");
  const std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13};
  EXPECT_MESSAGE_HAS(load_error(png), "magic");
}

TEST(ModelFileErrors, WrongDepthInTheHeaderIsAShapeMismatch) {
  std::vector<uint8_t> bytes = hm::write_model_file(small_contents(), hm::TensorDType::kFloat32);
  put_u32(&bytes, 16, 32);  // the tensors were made for depth 16
  fix_crc(&bytes);
  const std::string message = load_error(bytes);
  EXPECT_MESSAGE_HAS(message, "shape");
  EXPECT_MESSAGE_HAS(message, "depth 32");
}

TEST(ModelFileErrors, RecordFieldsAreChecked) {
  const std::vector<uint8_t> good = hm::write_model_file(small_contents(), hm::TensorDType::kFloat32);
  const size_t dtype = dtype_offset(good, "enc.dw3.weight");
  std::vector<uint8_t> bytes = good;
  bytes[dtype] = 3;
  fix_crc(&bytes);
  std::string message = load_error(bytes);
  EXPECT_MESSAGE_HAS(message, "unknown dtype 3");
  EXPECT_MESSAGE_HAS(message, "enc.dw3.weight");
  bytes = good;
  bytes[dtype + 1] = 5;
  fix_crc(&bytes);
  EXPECT_MESSAGE_HAS(load_error(bytes), "rank 5");
  bytes = good;
  bytes[dtype + 1] = 0;
  fix_crc(&bytes);
  EXPECT_MESSAGE_HAS(load_error(bytes), "rank 0");
}

TEST(ModelFileErrors, TensorSetIsChecked) {
  const hm::ModelFileContents good = small_contents();
  {
    hm::ModelFileContents c = good;
    c.tensors.erase(c.tensors.begin() + 30);
    const std::string missing = good.tensors[30].name;
    EXPECT_MESSAGE_HAS(load_error(hm::write_model_file(c, hm::TensorDType::kFloat32)),
                       "missing tensor '" + missing + "'");
  }
  {
    hm::ModelFileContents c = good;
    c.tensors.push_back(hm::NamedTensor{"dec6.pw.bias", {16}, std::vector<float>(16, 0.f)});
    EXPECT_MESSAGE_HAS(load_error(hm::write_model_file(c, hm::TensorDType::kFloat32)),
                       "unknown tensor 'dec6.pw.bias'");
  }
  {
    hm::ModelFileContents c = good;
    c.tensors.push_back(good.tensors[5]);
    EXPECT_MESSAGE_HAS(load_error(hm::write_model_file(c, hm::TensorDType::kFloat32)),
                       "'" + good.tensors[5].name + "' appears twice");
  }
  {
    hm::ModelFileContents c = good;
    for (hm::NamedTensor& t : c.tensors) {
      if (t.name == "enc.pw4.weight") std::swap(t.shape[0], t.shape[1]);  // [64, 32] at alpha 0.25
    }
    const std::string message = load_error(hm::write_model_file(c, hm::TensorDType::kFloat32));
    EXPECT_MESSAGE_HAS(message, "tensor 'enc.pw4.weight' has shape [32, 64, 1, 1] but hairmattenet (depth 16, "
                                "width 250) needs [64, 32, 1, 1]");
  }
  {
    hm::ModelFileContents c = good;
    for (hm::NamedTensor& t : c.tensors) {
      if (t.name == "dec2.skip.weight") t.shape = {16, 64, 1};
    }
    EXPECT_MESSAGE_HAS(load_error(hm::write_model_file(c, hm::TensorDType::kFloat32)),
                       "tensor 'dec2.skip.weight' has shape [16, 64, 1] but hairmattenet");
  }
}

TEST(ModelFileErrors, NonFiniteValuesAreRejected) {
  const hm::ModelFileContents good = small_contents();
  for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    for (hm::TensorDType dtype : {hm::TensorDType::kFloat32, hm::TensorDType::kFloat16}) {
      hm::ModelFileContents c = good;
      for (hm::NamedTensor& t : c.tensors) {
        if (t.name == "enc.dw5.weight") t.values[17] = bad;
      }
      const std::string message = load_error(hm::write_model_file(c, dtype));
      EXPECT_MESSAGE_HAS(message, "'enc.dw5.weight'");
      EXPECT_MESSAGE_HAS(message, std::isnan(bad) ? "NaN" : "infinite");
      EXPECT_MESSAGE_HAS(message, "element 17");
    }
  }
  // float16 overflow: a finite float32 too large for half becomes inf and must be rejected too.
  hm::ModelFileContents c = good;
  c.tensors[1].values[0] = 1e6f;
  EXPECT_MESSAGE_HAS(load_error(hm::write_model_file(c, hm::TensorDType::kFloat16)), "holds an infinite value");
}

TEST(ModelFileErrors, HairSegNetFileRejectsHairMatteNetTensors) {
  // A HairMatteNet file relabelled as HairSegNet: the skip tensors are unknown to HairSegNet.
  std::vector<uint8_t> bytes = hm::write_model_file(small_contents(), hm::TensorDType::kFloat32);
  put_u32(&bytes, 12, 0);
  fix_crc(&bytes);
  EXPECT_MESSAGE_HAS(load_error(bytes), "hairsegnet");
}

}  // namespace
