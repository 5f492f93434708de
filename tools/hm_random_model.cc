// Writes a model file with random (He-initialised) weights for the given architecture:
//   hm_random_model --arch hairmattenet --depth 64 --width 1000 --input-size 224 --seed 1 \
//                   --dtype f32 --output random.hmm
// Used for JS/engine test fixtures and benchmarks that need no trained weights.
#include <cstdio>
#include <iterator>
#include <map>
#include <string>

#include "base/facts.h"
#include "network/architecture.h"
#include "network/model_file_writer.h"
#include "tool_args.h"

namespace {
const char* kUsage =
    "usage: hm_random_model --output FILE [--arch ARCH] [--depth 64] [--width 1000]\n"
    "                       [--input-size 224] [--seed 1] [--dtype f32|f16] [--metadata JSON]\n"
    "       ARCH: %s (default %s)\n";
}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> args;
  if (!hm_tools::parse_args(argc, argv, "output arch depth width input-size seed dtype metadata", &args) ||
      !args.count("output")) {
    std::fprintf(stderr, kUsage, hm::quoted_list(hm::kArchNames, std::size(hm::kArchNames)).c_str(),
                 hm::arch_name(hm::ArchSpec{}.arch));
    return 2;
  }
  hm::ArchSpec spec;
  const std::string arch = args.count("arch") ? args["arch"] : hm::arch_name(spec.arch);
  if (!hm::arch_from_name(arch, &spec.arch)) {
    std::fprintf(stderr, "error: --arch '%s' is not %s\n", arch.c_str(),
                 hm::quoted_list(hm::kArchNames, std::size(hm::kArchNames)).c_str());
    return 2;
  }
  unsigned seed = 1;
  const struct {
    const char* name;
    unsigned* value;
  } numbers[] = {{"depth", &spec.decoder_depth}, {"width", &spec.width_permille},
                 {"input-size", &spec.input_size}, {"seed", &seed}};
  for (const auto& n : numbers) {
    if (args.count(n.name) && !hm_tools::parse_u32(args[n.name], n.value)) {
      std::fprintf(stderr, "error: --%s '%s' is not a non-negative integer\n", n.name, args[n.name].c_str());
      return 2;
    }
  }
  const hm::Status valid = hm::validate_arch_spec(spec);
  if (!valid.ok) {
    std::fprintf(stderr, "error: %s\n", valid.message.c_str());
    return 2;
  }
  const std::string dtype = args.count("dtype") ? args["dtype"] : "f32";
  if (dtype != "f32" && dtype != "f16") {
    std::fprintf(stderr, "error: --dtype '%s' is not f32 or f16\n", dtype.c_str());
    return 2;
  }
  hm::ModelFileContents contents = hm::random_model_contents(spec, seed);
  contents.metadata_json = args.count("metadata")
                               ? args["metadata"]
                               : "{\"weights\":\"random\",\"init\":\"he-normal\",\"seed\":" + std::to_string(seed) + "}";
  const std::vector<uint8_t> bytes =
      hm::write_model_file(contents, dtype == "f16" ? hm::TensorDType::kFloat16 : hm::TensorDType::kFloat32);
  std::FILE* f = std::fopen(args["output"].c_str(), "wb");
  if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size() || std::fclose(f) != 0) {
    std::fprintf(stderr, "error: cannot write %s\n", args["output"].c_str());
    return 1;
  }
  std::printf("wrote %s: %s depth %u width %u input %u seed %u, %zu bytes (%s)\n", args["output"].c_str(),
              hm::arch_name(spec.arch), spec.decoder_depth, spec.width_permille, spec.input_size, seed,
              bytes.size(), dtype.c_str());
  return 0;
}
