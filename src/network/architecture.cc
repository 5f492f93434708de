#include "network/architecture.h"

#include <algorithm>
#include <iterator>

#include "base/facts.h"
#include "network/architecture_facts.h"

namespace hm {

const char* arch_name(Arch arch) {
  const auto id = static_cast<uint32_t>(arch);
  return id < std::size(kArchNames) ? kArchNames[id] : "unknown";
}

bool arch_from_name(const std::string& name, Arch* arch) {
  for (uint32_t id = 0; id < std::size(kArchNames); ++id) {
    if (name == kArchNames[id]) {
      *arch = static_cast<Arch>(id);
      return true;
    }
  }
  return false;
}

Status validate_arch_spec(const ArchSpec& spec) {
  if (spec.arch != Arch::kHairSegNet && spec.arch != Arch::kHairMatteNet) {
    return Status::error("unknown architecture " + std::to_string(static_cast<uint32_t>(spec.arch)) + " (0 = " +
                         arch_name(Arch::kHairSegNet) + ", 1 = " + arch_name(Arch::kHairMatteNet) + ")");
  }
  if (spec.decoder_depth < kMinDecoderDepth || spec.decoder_depth > kMaxDecoderDepth) {
    return Status::error("decoder depth " + std::to_string(spec.decoder_depth) + " is outside " +
                         std::to_string(kMinDecoderDepth) + ".." + std::to_string(kMaxDecoderDepth));
  }
  const uint32_t w = spec.width_permille;
  if (std::find(std::begin(kEncoderWidths), std::end(kEncoderWidths), w) == std::end(kEncoderWidths)) {
    std::string widths;
    for (uint32_t known : kEncoderWidths) widths += (widths.empty() ? "" : ", ") + std::to_string(known);
    return Status::error("encoder width " + std::to_string(w) + " (thousandths) is not one of " + widths);
  }
  if (spec.input_size == 0 || spec.input_size % 32 != 0) {
    return Status::error("input size " + std::to_string(spec.input_size) +
                         " is not a positive multiple of 32");
  }
  return Status{};
}

static_assert(std::size(kEncoderBaseChannels) == kEncoderBlocks + 1, "architecture_facts.h: C(0..13)");
static_assert(std::size(kHairSegNetDilations) == kEncoderBlocks + 1, "architecture_facts.h: dilations");

uint32_t encoder_channels(const ArchSpec& spec, int k) {
  // Every base count is a multiple of 32 and every width a multiple of 250/1000, so this integer
  // product is exactly MobileNet's int(c * alpha).
  return kEncoderBaseChannels[k] * spec.width_permille / 1000;
}

namespace {
template <size_t N>
bool contains(const uint32_t (&list)[N], int k) {
  return std::find(std::begin(list), std::end(list), static_cast<uint32_t>(k)) != std::end(list);
}
}  // namespace

DepthwiseGeometry encoder_dw_geometry(const ArchSpec& spec, int k) {
  DepthwiseGeometry g;
  if (spec.arch == Arch::kHairMatteNet) {
    g.stride = contains(kHairMatteNetStride2Blocks, k) ? 2 : 1;
    return g;
  }
  // HairSegNet (DeepLab-style dilated encoder): dw6 and dw12 keep the resolution, dw7..dw12 are
  // dilated by 2 and dw13 by 4, so the encoder output is 1/8 of the input.
  g.stride = contains(kHairSegNetStride2Blocks, k) ? 2 : 1;
  g.dilation = kHairSegNetDilations[k];
  return g;
}

int decoder_stages(const ArchSpec& spec) {
  return static_cast<int>(spec.arch == Arch::kHairMatteNet ? kHairMatteNetDecoderStages : kHairSegNetDecoderStages);
}

int decoder_skip_block(const ArchSpec& spec, int stage) {
  if (spec.arch != Arch::kHairMatteNet) return 0;
  constexpr int kSkips = static_cast<int>(std::size(kHairMatteNetSkipBlocks));
  return (stage >= 1 && stage <= kSkips) ? static_cast<int>(kHairMatteNetSkipBlocks[stage - 1]) : 0;
}

uint32_t decoder_stage_channels(const ArchSpec& spec, int stage) {
  return stage == 1 ? encoder_channels(spec, kEncoderBlocks) : spec.decoder_depth;
}

namespace {
void add_conv(std::vector<TensorSpec>* out, const std::string& name, uint32_t out_c, uint32_t in_c,
              uint32_t k) {
  out->push_back({name + ".weight", {out_c, in_c, k, k}});
  out->push_back({name + ".bias", {out_c}});
}
}  // namespace

std::vector<TensorSpec> required_tensors(const ArchSpec& spec) {
  std::vector<TensorSpec> t;
  const uint32_t depth = spec.decoder_depth;
  add_conv(&t, "enc.conv0", encoder_channels(spec, 0), 3, 3);
  for (int k = 1; k <= kEncoderBlocks; ++k) {
    const uint32_t in_c = encoder_channels(spec, k - 1);
    add_conv(&t, "enc.dw" + std::to_string(k), in_c, 1, 3);
    add_conv(&t, "enc.pw" + std::to_string(k), encoder_channels(spec, k), in_c, 1);
  }
  for (int s = 1; s <= decoder_stages(spec); ++s) {
    const std::string stage = "dec" + std::to_string(s);
    const uint32_t c = decoder_stage_channels(spec, s);
    if (int block = decoder_skip_block(spec, s)) {
      add_conv(&t, stage + ".skip", c, encoder_channels(spec, block), 1);
    }
    add_conv(&t, stage + ".dw", c, 1, 3);
    add_conv(&t, stage + ".pw", depth, c, 1);
  }
  add_conv(&t, "head", 2, depth, 1);
  return t;
}

std::string shape_to_string(const std::vector<uint32_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

}  // namespace hm
