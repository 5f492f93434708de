// The engine's limits, names and defaults that the JS library, the CLI and the page must know too: their
// one definition. scripts/gen-constants.mjs copies every `constexpr` between the facts markers below into
// bindings/js/constants.mjs (generated, committed; tests/node/one-home.test.mjs regenerates it and fails on
// any difference, and fails when one of these values is written down anywhere else). So a limit or a name
// changes here, then `node scripts/gen-constants.mjs`, and nowhere else.
//
// The generator reads only these forms, one per line: `constexpr <integer or float type> kName = <number>;`
// (a product of numbers is allowed) and `constexpr const char* kName[] = {"a", "b"};` (a list of names);
// kName becomes NAME (k dropped, camel case to upper snake case), a list a frozen array.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace hm {

// facts:begin
// Threads per instance, the caller's included. The pthread build starts one wasm worker per thread at
// start-up (PTHREAD_POOL_SIZE), each with its own stack in the 2 GiB heap that the memory check does not
// count, and the network splits each layer into 8 x threads row blocks: 16 is the most that pays.
constexpr uint32_t kMaxThreads = 16;

// The network's square input side: a multiple of kInputSizeStep (the encoder's total stride) in
// kMinInputSize..kMaxInputSize. The upper bound is not what keeps the wasm heap safe (the memory check of
// src/network/memory_budget.h refuses any plan that does not fit, with an Error naming both sizes);
// it bounds the 64-bit size arithmetic: 4096^2 x 64 floats is already 4 GiB of activations.
constexpr uint32_t kMinInputSize = 32;
constexpr uint32_t kMaxInputSize = 4096;
constexpr uint32_t kInputSizeStep = 32;

// Frames and images (segment(), recolor(), decodeImage(), encodePng()): at most kMaxFrameSide per side and
// kMaxFramePixels in all (64 MiB of RGBA, e.g. 4096 x 4096): the pipeline's float planes at that size stay
// far below the 2 GiB wasm memory cap, and a decoder never allocates more than that for a hostile header.
constexpr uint32_t kMaxFrameSide = 16384;
constexpr uint32_t kMaxFramePixels = 16 * 1024 * 1024;

// Architectures by their id in the model file's header (docs/model-format.md): index = hm::Arch.
constexpr const char* kArchNames[] = {"hairsegnet", "hairmattenet"};

// The models shipped in the package: models/<name>.hmm, copied into dist/models/ by scripts/build-wasm.sh.
// The first is the default model. Adding a model is adding its name here (then the generator).
constexpr const char* kBundledModels[] = {"hairmattenet", "hairsegnet", "hairmattenet-int8"};

// The model the try-on widget and the demo page load when the page names none: the int8 HairMatteNet, half
// the download of the fp16 file for the same mattes (issue #14's quality budget met: README, "Models").
// An index into kBundledModels; HairMatte.create() itself keeps kBundledModels[0].
constexpr int kPageModelIndex = 2;

// Recolour modes: index = hm::RecolorMode (the shader's u_mode).
constexpr const char* kRecolorModes[] = {"solid", "ombre", "highlights"};

// Matte refinement (hm::Refine) and network quality (hm::Quality) by name; the first of each is the default.
constexpr const char* kRefineModes[] = {"guided", "none"};
constexpr const char* kQualities[] = {"fast", "best"};

// The default look: Burgundy #8b2252 at strength 0.8 (hm::RecolorLook's defaults; the JS default look).
constexpr uint32_t kDefaultLookColor = 0x8b2252;
constexpr float kDefaultLookStrength = 0.8f;
// facts:end

// For messages: {"a", "b", "c"} -> "'a', 'b' or 'c'".
inline std::string quoted_list(const char* const* names, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) out += i + 1 == count ? " or " : ", ";
    out += std::string("'") + names[i] + "'";
  }
  return out;
}

}  // namespace hm
