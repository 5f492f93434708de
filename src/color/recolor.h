// Hair recolouring: the formula of docs/recolor.md, in C++ (Node, CLI) and, identically, in GLSL
// (recolor.glsl, for the page). Per hair pixel, in OKLab:
//
//   L' = L + k (L_t - L_hair),  k = 0.85 when darkening (L_t < L_hair), 0.5 when lightening
//   (a', b') = (a_t, b_t) * min(1, L' / max(L_t, 0.05))
//   lab_out = mix(lab, (L', a', b'), strength * w),  w = 1 (solid, ombre) or the highlight weight
//   out = mix(in, srgb(lab_out), matte)
//
// The hair keeps its own lightness texture (L' - L is the same for every pixel: strands and shading
// survive), takes the target's hue and chroma (so dark hair visibly takes the colour), and dye darkens more
// easily than it lightens. A pixel whose matte is 0 is copied unchanged, bit for bit.
//
//   hm::HairStats stats = hm::compute_hair_stats(rgba, w, h, w * 4, matte);
//   hm::RecolorLook look;  hm::parse_hex_color("#c9a16b", look.color);  look.strength = 0.6f;
//   hm::Status st = hm::recolor(rgba, w, h, w * 4, matte, look, stats, out, w * 4);
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/facts.h"
#include "base/status.h"

namespace hm {

// Named by kRecolorModes (base/facts.h) in this order.
enum class RecolorMode { kSolid = 0, kOmbre = 1, kHighlights = 2 };

// The default look is kDefaultLookColor at kDefaultLookStrength (base/facts.h).
struct RecolorLook {
  static constexpr uint8_t kDefaultRgb[3] = {kDefaultLookColor >> 16, (kDefaultLookColor >> 8) & 255,
                                             kDefaultLookColor & 255};
  uint8_t color[3] = {kDefaultRgb[0], kDefaultRgb[1], kDefaultRgb[2]};      // sRGB target (roots, for ombre)
  uint8_t color_end[3] = {kDefaultRgb[0], kDefaultRgb[1], kDefaultRgb[2]};  // sRGB target at the tips (ombre)
  RecolorMode mode = RecolorMode::kSolid;
  float strength = kDefaultLookStrength;  // 0..1
};

// What the formula needs to know about the hair as a whole (uniforms of the shader).
struct HairStats {
  float lightness = 0.5f;     // matte-weighted mean OKLab L of the hair
  float lightness_sd = 0.1f;  // its standard deviation
  float top = 0.0f;           // first and one-past-last row holding hair (matte >= 128)
  float bottom = 1.0f;
  bool found = false;  // false: no hair in the matte (the fields keep the defaults above)
};

// Mean and spread of the hair's lightness (on every second pixel of every second row; the matte weights
// them) and its vertical extent (on every row). matte: width x height bytes.
HairStats compute_hair_stats(const uint8_t* rgba, int width, int height, size_t stride, const uint8_t* matte);

// out may be the input (in place). Strides in bytes; matte is width x height bytes. Through the build's
// row kernel: four pixels at a time with wasm SIMD128 (SIMDe natively), the scalar row in the plain build.
Status recolor(const uint8_t* rgba, int width, int height, size_t stride, const uint8_t* matte,
               const RecolorLook& look, const HairStats& stats, uint8_t* out, size_t out_stride);

// The same, one pixel at a time: the readable reference the SIMD128 version above is tested against.
Status recolor_scalar(const uint8_t* rgba, int width, int height, size_t stride, const uint8_t* matte,
                      const RecolorLook& look, const HairStats& stats, uint8_t* out, size_t out_stride);

// "#RRGGBB" or "RRGGBB" (hex digits of either case) -> rgb. False, rgb untouched, on anything else.
bool parse_hex_color(const char* text, uint8_t rgb[3]);

// A name of kRecolorModes (base/facts.h) -> mode. False on anything else.
bool parse_recolor_mode(const char* text, RecolorMode* mode);
// "'solid', 'ombre' or 'highlights'": the names, for messages.
std::string recolor_mode_names();

}  // namespace hm
