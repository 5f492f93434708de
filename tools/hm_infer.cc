// Runs the engine on one image and writes P(hair) as raw little-endian float32 (size x size, row-major):
//   hm_infer --model model.hmm --input face.png --output prob.f32 [--threads 1] [--repeat 30]
//   hm_infer --random hairmattenet:64:1000 --size 224 --repeat 50        # timing with random weights
// The image must already be square at the network's input size (resizing is not this tool's job);
// a raw .rgba file (size x size x 4 bytes) needs --size. --repeat N times N runs and prints the median.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#include <stb_image.h>

#include "base/facts.h"
#include "network/engine.h"
#include "tool_args.h"

namespace {

const char* kUsage =
    "usage: hm_infer (--model FILE | --random ARCH[:DEPTH[:WIDTH]]) [--input IMAGE.png|.jpg|.rgba]\n"
    "                [--size N] [--output PROB.f32] [--threads 1] [--repeat 0]\n";

bool read_file(const std::string& path, std::vector<uint8_t>* bytes) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  uint8_t buf[1 << 16];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) bytes->insert(bytes->end(), buf, buf + n);
  const bool ok = !std::ferror(f);
  std::fclose(f);
  return ok;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "hairmattenet:64:1000" -> spec; false on a malformed description.
bool parse_random_spec(const std::string& text, hm::ArchSpec* spec) {
  std::vector<std::string> parts(1);
  for (char c : text) {
    if (c == ':') parts.emplace_back();
    else parts.back().push_back(c);
  }
  if (parts.size() > 3) return false;
  if (!hm::arch_from_name(parts[0], &spec->arch)) return false;
  if (parts.size() > 1 && !hm_tools::parse_u32(parts[1], &spec->decoder_depth)) return false;
  if (parts.size() > 2 && !hm_tools::parse_u32(parts[2], &spec->width_permille)) return false;
  return true;
}

int fail(const std::string& message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> args;
  if (!hm_tools::parse_args(argc, argv, "model random input size output threads repeat", &args) ||
      (args.count("model") == args.count("random"))) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  unsigned size = 0, threads = 1, repeat = 0;
  if ((args.count("size") && !hm_tools::parse_u32(args["size"], &size)) ||
      (args.count("threads") && !hm_tools::parse_u32(args["threads"], &threads)) ||
      (args.count("repeat") && !hm_tools::parse_u32(args["repeat"], &repeat))) {
    return fail("--size, --threads and --repeat take non-negative integers");
  }

  hm::Status st;
  std::shared_ptr<const hm::Model> model;
  if (args.count("model")) {
    std::vector<uint8_t> bytes;
    if (!read_file(args["model"], &bytes)) return fail("cannot read model file " + args["model"]);
    model = hm::Model::load(bytes.data(), bytes.size(), &st);
  } else {
    hm::ArchSpec spec;
    if (!parse_random_spec(args["random"], &spec)) {
      return fail("--random '" + args["random"] + "' is not ARCH[:DEPTH[:WIDTH]] (ARCH " +
                  hm::quoted_list(hm::kArchNames, std::size(hm::kArchNames)) + ")");
    }
    model = hm::Model::random(spec, 1, &st);
  }
  if (!model) return fail(st.message);

  // The image: raw RGBA (needs --size), PNG/JPEG (square), or a synthetic gradient for timing runs.
  std::vector<uint8_t> rgba;
  if (args.count("input")) {
    const std::string& path = args["input"];
    if (ends_with(path, ".rgba")) {
      if (size == 0) return fail("a raw .rgba input needs --size");
      if (!read_file(path, &rgba)) return fail("cannot read " + path);
      if (rgba.size() != size_t{size} * size * 4) {
        return fail(path + " has " + std::to_string(rgba.size()) + " bytes, not " + std::to_string(size) + "x" +
                    std::to_string(size) + "x4");
      }
    } else {
      int w = 0, h = 0, channels = 0;
      uint8_t* pixels = stbi_load(path.c_str(), &w, &h, &channels, 4);
      if (!pixels) return fail("cannot decode " + path + ": " + stbi_failure_reason());
      rgba.assign(pixels, pixels + size_t(w) * h * 4);
      stbi_image_free(pixels);
      if (w != h) return fail(path + " is " + std::to_string(w) + "x" + std::to_string(h) + ", not square");
      if (size != 0 && unsigned(w) != size) return fail(path + " is " + std::to_string(w) + " pixels wide, not --size");
      size = unsigned(w);
    }
  } else {
    if (size == 0) size = model->spec().input_size;
    rgba.resize(size_t{size} * size * 4);
    for (size_t y = 0; y < size; ++y)
      for (size_t x = 0; x < size; ++x)
        for (size_t c = 0; c < 4; ++c) rgba[(y * size + x) * 4 + c] = uint8_t((x * (c + 1) + y * (3 - c)) & 255);
  }

  auto net = hm::Network::create(model, size, threads, &st);
  if (!net) return fail(st.message);
  std::vector<float> probability(size_t{size} * size);
  net->run(rgba.data(), size_t{size} * 4, probability.data());

  // Wall time per run, and process CPU time (all threads): on a shared, loaded machine the CPU time
  // of a single-threaded run is the steadier number.
  std::vector<double> ms, cpu_ms;
  for (unsigned i = 0; i < repeat; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    net->run(rgba.data(), size_t{size} * 4, probability.data());
    cpu_ms.push_back(1000.0 * double(std::clock() - c0) / CLOCKS_PER_SEC);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::printf("%s depth %u width %u | input %u | threads %u | %.4f GMAC | arena %.2f MB", 
              hm::arch_name(model->spec().arch), model->spec().decoder_depth, model->spec().width_permille, size,
              net->threads(), net->multiply_adds() * 1e-9, net->arena_bytes() / 1048576.0);
  if (!ms.empty()) {
    std::sort(ms.begin(), ms.end());
    std::sort(cpu_ms.begin(), cpu_ms.end());
    const double median = ms[ms.size() / 2];
    std::printf(" | median %.2f ms (min %.2f) over %u runs, %.1f GFLOP/s | cpu median %.2f ms (min %.2f)", median,
                ms.front(), repeat, 2 * net->multiply_adds() / (median * 1e6), cpu_ms[cpu_ms.size() / 2],
                cpu_ms.front());
  }
  std::printf("\n");

  if (args.count("output")) {
    std::FILE* f = std::fopen(args["output"].c_str(), "wb");
    if (!f || std::fwrite(probability.data(), sizeof(float), probability.size(), f) != probability.size() ||
        std::fclose(f) != 0) {
      return fail("cannot write " + args["output"]);
    }
  }
  return 0;
}
