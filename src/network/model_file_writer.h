// Writing a `.hmm` model file (docs/model-format.md) from tensors in PyTorch layout. Used by the native
// tools (tools/hm_random_model) and by tests, which also use it to build deliberately broken files.
#pragma once
#include <cstdint>
#include <vector>

#include "network/model_file.h"

namespace hm {

// Serialises `contents` exactly as given: header from contents.spec, the metadata, the tensors in the
// given order (no validation, so tests can write files the loader must reject), then the CRC-32.
// float16 rounds to nearest even. dtype kInt8 writes a quantised file (version 2): each tensor in its
// own dtype (NamedTensor::dtype: int8 / int32 from `ints`, float32 from `values`); a tensor given as
// kInt8Packed is written codebook-packed from `ints` (at most 16 distinct values), and the file is then
// version 3.
std::vector<uint8_t> write_model_file(const ModelFileContents& contents, TensorDType dtype);

// The tensors of `spec` with He-initialised weights (normal, std sqrt(2 / fan_in)) and small random
// biases (uniform in [-0.1, 0.1]), deterministic in `seed` on every platform.
ModelFileContents random_model_contents(const ArchSpec& spec, uint32_t seed);

// A quantised model (the tensors of required_int8_tensors) with random int8 weights in [-127, 127],
// random biases, and weight and activation scales that keep every activation in a useful range.
// Deterministic in `seed`. For tests of the format and of the int8 engine's plumbing.
ModelFileContents random_int8_model_contents(const ArchSpec& spec, uint32_t seed);

}  // namespace hm
