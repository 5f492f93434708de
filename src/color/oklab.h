// sRGB <-> OKLab (B. Ottosson, "A perceptual color space for image processing", 2020): a perceptual space
// where L is lightness and (a, b) carry hue and chroma, so lightness can be kept while hue and chroma move.
//
// The matrices are Ottosson's (their one definition: recolor_constants.h). Conversions are inline because the recolour runs them per pixel; the cube
// root is a bit-trick estimate refined by Newton steps (std::cbrt is several times slower in wasm), and
// sRGB decoding/encoding use tables (exact per byte / 4096-entry interpolated, error < 1e-5).
// src/color/recolor.glsl holds the same formulas in GLSL with pow(); both agree to well under 1/255.
#pragma once
#include <cstdint>
#include <cstring>

#include "color/recolor_constants.h"

namespace hm {

struct Lab {
  float L, a, b;
};
struct Rgb {
  float r, g, b;  // linear-light sRGB primaries, [0, 1] in gamut
};

// Cube root of x >= 0 to ~1e-7 relative: an exponent-divided-by-3 bit trick (within ~4%), then two Halley
// steps y <- y (y^3 + 2x) / (2y^3 + x), each cubing the error (4% -> 6e-5 -> float rounding).
inline float cbrt_nonnegative(float x) {
  if (!(x > 0.0f)) return 0.0f;
  uint32_t i;
  std::memcpy(&i, &x, 4);
  i = i / 3 + 709921077u;
  float y;
  std::memcpy(&y, &i, 4);
  for (int k = 0; k < 2; ++k) {
    const float y3 = y * y * y;
    y *= (y3 + 2.0f * x) / (2.0f * y3 + x);
  }
  return y;
}

inline Lab linear_to_oklab(Rgb c) {
  constexpr auto& M1 = kLinearToLms;
  constexpr auto& M2 = kLmsToOklab;
  const float l = M1[0][0] * c.r + M1[0][1] * c.g + M1[0][2] * c.b;
  const float m = M1[1][0] * c.r + M1[1][1] * c.g + M1[1][2] * c.b;
  const float s = M1[2][0] * c.r + M1[2][1] * c.g + M1[2][2] * c.b;
  const float l_ = cbrt_nonnegative(l), m_ = cbrt_nonnegative(m), s_ = cbrt_nonnegative(s);
  return Lab{M2[0][0] * l_ + M2[0][1] * m_ + M2[0][2] * s_,
             M2[1][0] * l_ + M2[1][1] * m_ + M2[1][2] * s_,
             M2[2][0] * l_ + M2[2][1] * m_ + M2[2][2] * s_};
}

// The result may be out of gamut (components outside [0, 1]); callers clamp.
inline Rgb oklab_to_linear(Lab c) {
  constexpr auto& M2i = kOklabToLms;
  constexpr auto& M1i = kLmsToLinear;
  const float l_ = c.L + M2i[0][0] * c.a + M2i[0][1] * c.b;
  const float m_ = c.L + M2i[1][0] * c.a + M2i[1][1] * c.b;
  const float s_ = c.L + M2i[2][0] * c.a + M2i[2][1] * c.b;
  const float l = l_ * l_ * l_, m = m_ * m_ * m_, s = s_ * s_ * s_;
  return Rgb{M1i[0][0] * l + M1i[0][1] * m + M1i[0][2] * s,
             M1i[1][0] * l + M1i[1][1] * m + M1i[1][2] * s,
             M1i[2][0] * l + M1i[2][1] * m + M1i[2][2] * s};
}

// sRGB transfer function (IEC 61966-2-1), exact formulas: for references and one-off conversions.
float srgb_to_linear_exact(float v);
float linear_to_srgb_exact(float v);

// The tables: byte -> linear (256 entries), and linear [0, 1] -> sRGB [0, 1] (kLinearToSrgbSteps + 2
// entries, sampled at i / kLinearToSrgbSteps, read with linear interpolation).
constexpr int kLinearToSrgbSteps = 4096;
const float* srgb8_to_linear_table();
const float* linear_to_srgb_table();

// Linear [0, 1] (clamped; NaN -> 0) -> sRGB [0, 1] through the table (pass linear_to_srgb_table()).
inline float linear_to_srgb(const float* table, float v) {
  const float x = (v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f) * kLinearToSrgbSteps;
  const int i = static_cast<int>(x);
  return table[i] + (table[i + 1] - table[i]) * (x - static_cast<float>(i));
}
inline float linear_to_srgb(float v) { return linear_to_srgb(linear_to_srgb_table(), v); }

// decode: srgb8_to_linear_table().
inline Lab srgb8_to_oklab(const float* decode, const uint8_t* px) {
  return linear_to_oklab(Rgb{decode[px[0]], decode[px[1]], decode[px[2]]});
}
inline Lab srgb8_to_oklab(const uint8_t* px) { return srgb8_to_oklab(srgb8_to_linear_table(), px); }

}  // namespace hm
