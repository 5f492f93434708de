#include "network/model_file_writer.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "network/architecture.h"
#include "network/crc32.h"
#include "network/half_float.h"
#include "network/int8_layout.h"

namespace hm {
namespace {

void put_u32(std::vector<uint8_t>* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void put_u16(std::vector<uint8_t>* out, uint16_t v) {
  out->push_back(static_cast<uint8_t>(v));
  out->push_back(static_cast<uint8_t>(v >> 8));
}

// SplitMix64: a tiny generator whose output is fixed by its definition (std:: distributions are not
// specified bit-exactly, and random models must be identical in every build).
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double normal() {  // Box-Muller
    const double u1 = 1.0 - uniform();  // (0, 1]
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  uint64_t state_;
};

// A codebook-packed record's data (model_file.h): the tensor's distinct values ascending, padded with
// zeros to kPackedLevels levels, then the 4-bit indices. Values past the 16th distinct one cannot be
// stored: they are written as index 0 (callers pack only tensors of at most 16 values).
void put_packed(std::vector<uint8_t>* out, const std::vector<int32_t>& ints) {
  std::vector<int32_t> levels(ints);
  std::sort(levels.begin(), levels.end());
  levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
  levels.resize(kPackedLevels, 0);
  put_u32(out, kPackedLevels);
  for (int32_t v : levels) out->push_back(static_cast<uint8_t>(static_cast<int8_t>(v)));
  put_u32(out, static_cast<uint32_t>((ints.size() + 1) / 2));
  const size_t first = out->size();
  out->resize(first + (ints.size() + 1) / 2, 0);
  for (size_t i = 0; i < ints.size(); ++i) {
    const auto it = std::find(levels.begin(), levels.end(), ints[i]);
    const uint8_t index = it == levels.end() ? 0 : static_cast<uint8_t>(it - levels.begin());
    (*out)[first + i / 2] |= static_cast<uint8_t>(i % 2 == 0 ? index : index << 4);
  }
}

}  // namespace

std::vector<uint8_t> write_model_file(const ModelFileContents& contents, TensorDType dtype) {
  std::vector<uint8_t> out(kModelFileMagic, kModelFileMagic + 8);
  const bool quantized = dtype == TensorDType::kInt8;
  bool packed = false;
  for (const NamedTensor& t : contents.tensors) packed |= t.dtype == TensorDType::kInt8Packed;
  put_u32(&out, !quantized ? kModelFileVersion : packed ? kModelFileVersionPacked : kModelFileVersionInt8);
  put_u32(&out, static_cast<uint32_t>(contents.spec.arch));
  put_u32(&out, contents.spec.decoder_depth);
  put_u32(&out, contents.spec.width_permille);
  put_u32(&out, contents.spec.input_size);
  put_u32(&out, static_cast<uint32_t>(contents.tensors.size()));
  put_u32(&out, static_cast<uint32_t>(contents.metadata_json.size()));
  out.insert(out.end(), contents.metadata_json.begin(), contents.metadata_json.end());
  for (const NamedTensor& t : contents.tensors) {
    put_u16(&out, static_cast<uint16_t>(t.name.size()));
    out.insert(out.end(), t.name.begin(), t.name.end());
    const TensorDType record_dtype = quantized ? t.dtype : dtype;
    out.push_back(static_cast<uint8_t>(record_dtype));
    out.push_back(static_cast<uint8_t>(t.shape.size()));
    for (uint32_t d : t.shape) put_u32(&out, d);
    while (out.size() % 4 != 0) out.push_back(0);
    if (record_dtype == TensorDType::kInt8Packed) {
      put_packed(&out, t.ints);
      continue;
    }
    if (record_dtype == TensorDType::kInt8) {
      for (int32_t v : t.ints) out.push_back(static_cast<uint8_t>(static_cast<int8_t>(v)));
      continue;
    }
    if (record_dtype == TensorDType::kInt32) {
      for (int32_t v : t.ints) put_u32(&out, static_cast<uint32_t>(v));
      continue;
    }
    for (float v : t.values) {
      if (dtype == TensorDType::kFloat16) {
        put_u16(&out, float_to_half(v));
      } else {
        uint32_t bits;
        std::memcpy(&bits, &v, 4);
        put_u32(&out, bits);
      }
    }
  }
  put_u32(&out, crc32_ieee(out.data(), out.size()));
  return out;
}

ModelFileContents random_model_contents(const ArchSpec& spec, uint32_t seed) {
  ModelFileContents contents;
  contents.spec = spec;
  SplitMix64 rng(0x6861697200000000ull ^ seed);
  for (const TensorSpec& ts : required_tensors(spec)) {
    NamedTensor t;
    t.name = ts.name;
    t.shape = ts.shape;
    size_t count = 1;
    for (uint32_t d : ts.shape) count *= d;
    t.values.resize(count);
    if (ts.shape.size() == 4) {
      const double fan_in = static_cast<double>(ts.shape[1]) * ts.shape[2] * ts.shape[3];
      const double std_dev = std::sqrt(2.0 / fan_in);
      for (float& v : t.values) v = static_cast<float>(rng.normal() * std_dev);
    } else {
      for (float& v : t.values) v = static_cast<float>(0.2 * rng.uniform() - 0.1);
    }
    contents.tensors.push_back(std::move(t));
  }
  return contents;
}

ModelFileContents random_int8_model_contents(const ArchSpec& spec, uint32_t seed) {
  ModelFileContents contents;
  contents.spec = spec;
  contents.precision = ModelPrecision::kInt8;
  SplitMix64 rng(0x696e743800000000ull ^ seed);
  for (const QTensorSpec& ts : required_int8_tensors(spec)) {
    NamedTensor t;
    t.name = ts.name;
    t.shape = ts.shape;
    t.dtype = ts.dtype;
    size_t count = 1;
    for (uint32_t d : ts.shape) count *= d;
    auto ends_with = [&ts](const char* suffix) {
      const std::string s(suffix);
      return ts.name.size() >= s.size() && ts.name.compare(ts.name.size() - s.size(), s.size(), s) == 0;
    };
    if (ts.dtype == TensorDType::kInt8) {  // weights
      for (size_t i = 0; i < count; ++i) t.ints.push_back(static_cast<int32_t>(rng.next() % 255) - 127);
    } else if (ends_with(".weight_scale")) {
      for (size_t i = 0; i < count; ++i) t.values.push_back(static_cast<float>((0.5 + rng.uniform()) / 127.0 / 8.0));
    } else if (ends_with(".bias")) {
      for (size_t i = 0; i < count; ++i) t.ints.push_back(static_cast<int32_t>(rng.next() % 2001) - 1000);
    } else if (ends_with(".output_scale")) {
      t.values.push_back(static_cast<float>(0.02 + 0.03 * rng.uniform()));
    } else {  // .output_zero_point
      t.ints.push_back(static_cast<int32_t>(rng.next() % 64) - 100);
    }
    contents.tensors.push_back(std::move(t));
  }
  return contents;
}

}  // namespace hm
