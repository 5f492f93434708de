// Reading and validating a `.hmm` model file (docs/model-format.md). The parser checks the whole file
// (header, record bounds, checksum, dtypes, ranks, names, shapes, finiteness) before returning any of
// it; every error message names the offending field or tensor.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "network/engine.h"

namespace hm {

constexpr char kModelFileMagic[8] = {'H', 'A', 'I', 'R', 'M', 'A', 'T', 'T'};
constexpr uint32_t kModelFileVersion = 1;
constexpr size_t kModelFileHeaderBytes = 36;  // magic .. metadata length
constexpr size_t kModelFileChecksumBytes = 4;

enum class TensorDType : uint8_t { kFloat32 = 1, kFloat16 = 2 };

// One tensor in PyTorch layout, values converted to float32.
struct NamedTensor {
  std::string name;
  std::vector<uint32_t> shape;
  std::vector<float> values;
};

// A model file's content: the header's architecture, its metadata, its tensors in file order.
struct ModelFileContents {
  ArchSpec spec;
  std::string metadata_json = "{}";
  std::vector<NamedTensor> tensors;
};

// Parses and fully validates `bytes`; on success fills *out (tensors in the order of
// required_tensors(spec)) and returns ok.
Status parse_model_file(const uint8_t* bytes, size_t size, ModelFileContents* out);

// The tensor named `name` in `contents`, or null.
const NamedTensor* find_tensor(const ModelFileContents& contents, const std::string& name);

}  // namespace hm
