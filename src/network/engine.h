// The engine's public C++ surface: load (or randomly build) a model, plan it for an input size, run it.
// This is what src/pipeline/, bindings/ and the native tools call; nothing behind it is visible to them.
//
//   hm::Status st;
//   auto model = hm::Model::load(bytes, size, &st);          // validates everything, repacks weights
//   if (!model) { report(st.message); }
//   hm::Network net(*model, /*input_size=*/224, /*threads=*/1);
//   net.run(rgba, 224, 224, 224 * 4, probability);           // probability: 224*224 floats
//
// No exceptions cross this boundary (the wasm build has them disabled): failures are reported in a
// Status (base/status.h) with a human-readable message, and the objects stay usable.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"

namespace hm {

enum class Arch : uint32_t { kHairSegNet = 0, kHairMatteNet = 1 };

struct ArchSpec {
  Arch arch = Arch::kHairMatteNet;
  uint32_t decoder_depth = 64;  // 16/32/64/128 in the paper's Table II
  uint32_t width_permille = 1000;  // MobileNet-v1 alpha x 1000
  uint32_t input_size = 224;       // size trained at; any multiple of 32 can be planned
};

const char* arch_name(Arch arch);  // kArchNames (base/facts.h)
bool arch_from_name(const std::string& name, Arch* arch);  // false if `name` is not in kArchNames

class ModelWeights;  // repacked, kernel-ready weights (src/network/model_weights.h)
class Int8Weights;   // the same for a quantised model (src/network/int8_network.h)

// An immutable, validated model. Cheap to share between several Networks.
class Model {
 public:
  // Parses and validates a model file (docs/model-format.md). Returns null and fills *status on error.
  static std::shared_ptr<const Model> load(const uint8_t* bytes, size_t size, Status* status);
  // The given architecture with random weights (He-style init), deterministic in `seed`.
  static std::shared_ptr<const Model> random(const ArchSpec& spec, uint32_t seed, Status* status);

  const ArchSpec& spec() const;
  const std::string& metadata_json() const;  // the file's free-form metadata ("{}" for random models)
  const ModelWeights& weights() const;   // float models (empty for an int8 one)
  // What the file stored the weights as, and so what runs: "fp32", "fp16" (both run in fp32) or "int8"
  // (the int8 network, int8_weights() set).
  const char* precision() const;
  const Int8Weights* int8_weights() const;
  ~Model();

 private:
  Model();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A model planned for one input size: activation arena allocated once, nothing allocated per run.
class Network {
 public:
  // input_size: a positive multiple of 32. threads: 1 = run on the calling thread.
  static std::unique_ptr<Network> create(std::shared_ptr<const Model> model, uint32_t input_size,
                                         uint32_t threads, Status* status);
  // rgba: input_size x input_size pixels, 4 bytes each (alpha ignored), rows `row_stride` bytes apart.
  // probability: input_size * input_size floats in [0, 1], P(hair) per pixel, row-major.
  void run(const uint8_t* rgba, size_t row_stride, float* probability);
  // run() that also writes the wall time of each planned op, in ms, to op_ms[0 .. op_count()) (for
  // benchmarks/wasm/network_bench.cc: where a frame's time goes, op by op, in the real schedule).
  void run_profiled(const uint8_t* rgba, size_t row_stride, float* probability, double* op_ms);
  size_t op_count() const;
  std::string op_label(size_t i) const;  // e.g. "dw 112x112x64 s2", "decoder 112->224 c64"

  uint32_t input_size() const;
  uint32_t threads() const;
  size_t arena_bytes() const;       // peak activation memory of the plan
  double multiply_adds() const;     // per run, for GFLOP/s reports
  const Model& model() const;
  ~Network();

 private:
  Network();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hm
