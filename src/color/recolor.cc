#include "color/recolor.h"

#include <cmath>
#include <cstring>
#include <iterator>
#include <string>

#include "color/oklab.h"
#include "color/recolor_formula.h"
#include "base/simd128.h"

namespace hm {

using namespace recolor_detail;

namespace {

// Whether any matte value of the row is >= 128 (the sign bit of the byte), 16 at a time.
bool row_has_hair(const uint8_t* m, int width) {
  int x = 0;
  for (; x + 16 <= width; x += 16) {
    if (wasm_i8x16_bitmask(wasm_v128_load(m + x))) return true;
  }
  for (; x < width; ++x) {
    if (m[x] >= 128) return true;
  }
  return false;
}

}  // namespace

HairStats compute_hair_stats(const uint8_t* rgba, int width, int height, size_t stride, const uint8_t* matte) {
  HairStats stats;
  if (!rgba || !matte || width <= 0 || height <= 0) return stats;
  const float* decode = srgb8_to_linear_table();
  double sum_w = 0, sum_l = 0, sum_ll = 0;
  int top = -1, bottom = -1;
  for (int y = 0; y < height; ++y) {
    const uint8_t* m = matte + static_cast<size_t>(y) * width;
    if (row_has_hair(m, width)) {
      if (top < 0) top = y;
      bottom = y + 1;
    }
    if (y % 2) continue;
    const uint8_t* px = rgba + static_cast<size_t>(y) * stride;
    for (int x = 0; x < width; x += 2) {
      if (m[x] == 0) continue;
      const double w = m[x], L = srgb8_to_oklab(decode, px + 4 * x).L;
      sum_w += w;
      sum_l += w * L;
      sum_ll += w * L * L;
    }
  }
  if (sum_w <= 0.0 || top < 0) return stats;
  stats.found = true;
  stats.lightness = static_cast<float>(sum_l / sum_w);
  stats.lightness_sd = static_cast<float>(std::sqrt(std::fmax(0.0, sum_ll / sum_w - (sum_l / sum_w) * (sum_l / sum_w))));
  stats.top = static_cast<float>(top);
  stats.bottom = static_cast<float>(bottom);
  return stats;
}

namespace {

Status recolor_rows(const uint8_t* rgba, int width, int height, size_t stride, const uint8_t* matte,
                    const RecolorLook& look, const HairStats& stats, uint8_t* out, size_t out_stride,
                    RecolorRowFn row_function) {
  if (!rgba || !matte || !out) return Status::error("recolor: null image");
  if (width <= 0 || height <= 0) {
    return Status::error("recolor: image size must be positive, got " + std::to_string(width) + "x" +
                         std::to_string(height));
  }
  if (stride < static_cast<size_t>(width) * 4 || out_stride < static_cast<size_t>(width) * 4) {
    return Status::error("recolor: row stride is smaller than width * 4");
  }
  if (!(look.strength >= 0.0f && look.strength <= 1.0f)) {
    return Status::error("recolor: strength must be a number in [0, 1]");
  }
  if (look.mode != RecolorMode::kSolid && look.mode != RecolorMode::kOmbre && look.mode != RecolorMode::kHighlights) {
    return Status::error("recolor: unknown mode");
  }
  if (!std::isfinite(stats.lightness) || !std::isfinite(stats.lightness_sd) || !std::isfinite(stats.top) ||
      !std::isfinite(stats.bottom)) {
    return Status::error("recolor: hair statistics are not finite");
  }
  const Uniforms u{srgb8_to_oklab(look.color), srgb8_to_oklab(look.color_end), look.mode, look.strength, stats};
  for (int y = 0; y < height; ++y) {
    const uint8_t* src = rgba + static_cast<size_t>(y) * stride;
    uint8_t* dst = out + static_cast<size_t>(y) * out_stride;
    if (u.strength == 0.0f) {  // nothing to do but copy
      if (dst != src) std::memcpy(dst, src, static_cast<size_t>(width) * 4);
      continue;
    }
    row_function(src, matte + static_cast<size_t>(y) * width, width, row_constants(u, static_cast<float>(y) + 0.5f),
                 u, dst);
  }
  return Status{};
}

}  // namespace

Status recolor(const uint8_t* rgba, int width, int height, size_t stride, const uint8_t* matte,
               const RecolorLook& look, const HairStats& stats, uint8_t* out, size_t out_stride) {
  return recolor_rows(rgba, width, height, stride, matte, look, stats, out, out_stride, kRecolorKernels.row);
}

Status recolor_scalar(const uint8_t* rgba, int width, int height, size_t stride, const uint8_t* matte,
                      const RecolorLook& look, const HairStats& stats, uint8_t* out, size_t out_stride) {
  return recolor_rows(rgba, width, height, stride, matte, look, stats, out, out_stride,
                      rgba8_recolor_row__scalar);
}

bool parse_hex_color(const char* text, uint8_t rgb[3]) {
  if (!text) return false;
  if (*text == '#') ++text;
  int value[6];
  for (int i = 0; i < 6; ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') value[i] = c - '0';
    else if (c >= 'a' && c <= 'f') value[i] = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') value[i] = c - 'A' + 10;
    else return false;  // also stops at a terminating NUL of a short string
  }
  if (text[6] != '\0') return false;
  for (int c = 0; c < 3; ++c) rgb[c] = static_cast<uint8_t>(value[2 * c] * 16 + value[2 * c + 1]);
  return true;
}

bool parse_recolor_mode(const char* text, RecolorMode* mode) {
  if (!text || !mode) return false;
  const std::string s(text);
  for (size_t i = 0; i < std::size(kRecolorModes); ++i) {
    if (s == kRecolorModes[i]) {
      *mode = static_cast<RecolorMode>(i);
      return true;
    }
  }
  return false;
}

std::string recolor_mode_names() { return quoted_list(kRecolorModes, std::size(kRecolorModes)); }

}  // namespace hm
