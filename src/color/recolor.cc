#include "color/recolor.h"

#include <cmath>
#include <cstring>
#include <string>

#include "color/oklab.h"

namespace hm {
namespace {

constexpr float kDarkenFollow = 0.85f;   // fraction of the lightness gap dye closes when darkening...
constexpr float kLightenFollow = 0.5f;   // ...and when lightening (bleach is needed for the rest)
constexpr float kMinTargetLightness = 0.05f;
constexpr float kMinLightnessSd = 0.02f;

inline float clamp01(float v) { return v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f; }
inline float smoothstep(float e0, float e1, float x) {
  const float t = clamp01((x - e0) / (e1 - e0));
  return t * t * (3.0f - 2.0f * t);
}
inline float mix(float x, float y, float t) { return x + (y - x) * t; }
inline float max_of(float x, float y) { return x > y ? x : y; }  // not std::fmax: a libm call in some builds
inline float min_of(float x, float y) { return x < y ? x : y; }
inline uint8_t to_byte(float v) { return static_cast<uint8_t>(clamp01(v) * 255.0f + 0.5f); }

Lab oklab_of(const uint8_t rgb[3]) { return srgb8_to_oklab(rgb); }

// Everything that is the same for all pixels of one call: the shader's uniforms.
struct Uniforms {
  Lab target, target_end;
  RecolorMode mode;
  float strength;
  HairStats stats;
};

// The per-pixel formula (docs/recolor.md, recolor.glsl: hm_recolor_lab). y: the pixel's row centre.
inline Lab recolor_lab(Lab px, float y, const Uniforms& u) {
  Lab target = u.target;
  if (u.mode == RecolorMode::kOmbre) {
    const float extent = max_of(u.stats.bottom - u.stats.top, 1.0f);
    const float t = smoothstep(0.2f, 0.8f, clamp01((y - u.stats.top) / extent));  // 0 at roots, 1 at tips
    target = Lab{mix(u.target.L, u.target_end.L, t), mix(u.target.a, u.target_end.a, t),
                 mix(u.target.b, u.target_end.b, t)};
  }
  float weight = u.strength;
  if (u.mode == RecolorMode::kHighlights) {
    const float sd = max_of(u.stats.lightness_sd, kMinLightnessSd);
    weight *= smoothstep(u.stats.lightness - 0.5f * sd, u.stats.lightness + 1.5f * sd, px.L);
  }
  const float gap = target.L - u.stats.lightness;
  const float L = clamp01(px.L + gap * (gap < 0.0f ? kDarkenFollow : kLightenFollow));
  const float chroma_scale = min_of(1.0f, L / max_of(target.L, kMinTargetLightness));
  return Lab{mix(px.L, L, weight), mix(px.a, target.a * chroma_scale, weight),
             mix(px.b, target.b * chroma_scale, weight)};
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
    bool row_has_hair = false;
    for (int x = 0; x < width; ++x) row_has_hair |= m[x] >= 128;
    if (row_has_hair) {
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

Status recolor(const uint8_t* rgba, int width, int height, size_t stride, const uint8_t* matte,
               const RecolorLook& look, const HairStats& stats, uint8_t* out, size_t out_stride) {
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
  const Uniforms u{oklab_of(look.color), oklab_of(look.color_end), look.mode, look.strength, stats};

  const float* decode = srgb8_to_linear_table();
  const float* encode = linear_to_srgb_table();
  constexpr float kInv255 = 1.0f / 255.0f;
  for (int y = 0; y < height; ++y) {
    const uint8_t* src = rgba + static_cast<size_t>(y) * stride;
    uint8_t* dst = out + static_cast<size_t>(y) * out_stride;
    const uint8_t* m = matte + static_cast<size_t>(y) * width;
    const float row_centre = static_cast<float>(y) + 0.5f;
    for (int x = 0; x < width; ++x) {
      const uint8_t* p = src + 4 * x;
      uint8_t* q = dst + 4 * x;
      if (m[x] == 0 || u.strength == 0.0f) {  // untouched, bit for bit
        if (q != p) std::memcpy(q, p, 4);
        continue;
      }
      const Lab lab = recolor_lab(srgb8_to_oklab(decode, p), row_centre, u);
      const Rgb lin = oklab_to_linear(lab);
      const float alpha = m[x] * kInv255;
      const float rec[3] = {linear_to_srgb(encode, lin.r), linear_to_srgb(encode, lin.g), linear_to_srgb(encode, lin.b)};
      for (int c = 0; c < 3; ++c) {
        const float in = p[c] * kInv255;
        q[c] = to_byte(in + (rec[c] - in) * alpha);  // mix(in, recoloured, matte), as the shader's mix()
      }
      q[3] = p[3];
    }
  }
  return Status{};
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
  if (s == "solid") *mode = RecolorMode::kSolid;
  else if (s == "ombre") *mode = RecolorMode::kOmbre;
  else if (s == "highlights") *mode = RecolorMode::kHighlights;
  else return false;
  return true;
}

}  // namespace hm
