// Reading and validating a `.hmm` model file (docs/model-format.md). The parser checks the whole file
// (header, record bounds, checksum, dtypes, ranks, names, shapes, finiteness, and in a quantised file the
// consistency of its scales and zero points) before returning any of it; every error message names the
// offending field or tensor.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "network/engine.h"

namespace hm {

constexpr char kModelFileMagic[8] = {'H', 'A', 'I', 'R', 'M', 'A', 'T', 'T'};
constexpr uint32_t kModelFileVersion = 1;       // float models (fp32 / fp16) are still written as 1
constexpr uint32_t kModelFileVersionInt8 = 2;   // version 2 adds int8 / int32 tensors: quantised models
constexpr uint32_t kModelFileVersionPacked = 3; // version 3 = version 2 + codebook-packed int8 weights
// A codebook-packed int8 tensor (dtype 5, version 3): u32 level count (kPackedLevels), the int8 levels,
// u32 index byte count (ceil(n / 2)), then one 4-bit level index per weight, element 2i in the low nibble
// of byte i and 2i+1 in its high nibble. Read back as the int8 tensor it encodes.
constexpr uint32_t kPackedLevels = 16;
constexpr size_t kModelFileHeaderBytes = 36;  // magic .. metadata length
constexpr size_t kModelFileChecksumBytes = 4;

// kInt8Packed is a storage form only: the reader returns such a tensor as kInt8 (values in `ints`); the
// writer packs a kInt8 tensor given as kInt8Packed.
enum class TensorDType : uint8_t { kFloat32 = 1, kFloat16 = 2, kInt8 = 3, kInt32 = 4, kInt8Packed = 5 };

// What a model's weights are stored as: every convolution in float32, in float16, or quantised to int8
// (then the engine runs the int8 network).
enum class ModelPrecision { kFloat32, kFloat16, kInt8 };
const char* precision_name(ModelPrecision precision);  // "fp32" | "fp16" | "int8"

// One tensor in PyTorch layout: float dtypes converted to float32 in `values`, integer dtypes in `ints`.
struct NamedTensor {
  std::string name;
  std::vector<uint32_t> shape;
  std::vector<float> values;
  std::vector<int32_t> ints;
  TensorDType dtype = TensorDType::kFloat32;
};

// A model file's content: the header's architecture, its metadata, its tensors in file order.
struct ModelFileContents {
  ArchSpec spec;
  ModelPrecision precision = ModelPrecision::kFloat32;
  std::string metadata_json = "{}";
  std::vector<NamedTensor> tensors;
};

// Parses and fully validates `bytes`; on success fills *out (tensors in the order of required_tensors(spec),
// or of required_int8_tensors(spec) for a quantised file) and returns ok.
Status parse_model_file(const uint8_t* bytes, size_t size, ModelFileContents* out);

// The tensor named `name` in `contents`, or null.
const NamedTensor* find_tensor(const ModelFileContents& contents, const std::string& name);

}  // namespace hm
