// Internal to src/color: the recolour formula of docs/recolor.md shared by the row kernels, the scalar
// reference (rgba8_recolor_row__scalar.cc) and the SIMD128 variant (rgba8_recolor_row__wasmsimd.cc),
// named like the network's kernels (src/kernels/kernels.h), and the build's choice between them
// (kRecolorKernels). Not part of the public surface.
#pragma once
#include <cstdint>

#include "base/kernel_isa.h"
#include "color/oklab.h"
#include "color/recolor.h"
#include "color/recolor_constants.h"

namespace hm {
namespace recolor_detail {

inline float clamp01(float v) { return v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f; }
inline float smoothstep(float e0, float e1, float x) {
  const float t = clamp01((x - e0) / (e1 - e0));
  return t * t * (3.0f - 2.0f * t);
}
inline float mix(float x, float y, float t) { return x + (y - x) * t; }
inline float max_of(float x, float y) { return x > y ? x : y; }  // not std::fmax: a libm call in some builds
inline float min_of(float x, float y) { return x < y ? x : y; }
inline uint8_t to_byte(float v) { return static_cast<uint8_t>(clamp01(v) * 255.0f + 0.5f); }

// Everything that is the same for all pixels of one call: the shader's uniforms.
struct Uniforms {
  Lab target, target_end;
  RecolorMode mode;
  float strength;
  HairStats stats;
};

// Everything that is the same along one row: the (ombre) target, the lightness shift k * gap, and
// 1 / max(L_t, 0.05) for the chroma scale.
struct RowConstants {
  Lab target;
  float shift;
  float inv_target_lightness;
  float highlight_lo, highlight_hi;  // smoothstep edges of the highlight weight
};

inline RowConstants row_constants(const Uniforms& u, float y) {
  RowConstants rc;
  rc.target = u.target;
  if (u.mode == RecolorMode::kOmbre) {
    const float extent = max_of(u.stats.bottom - u.stats.top, 1.0f);
    const float t = smoothstep(kOmbreStart, kOmbreEnd, clamp01((y - u.stats.top) / extent));  // 0 roots, 1 tips
    rc.target = Lab{mix(u.target.L, u.target_end.L, t), mix(u.target.a, u.target_end.a, t),
                    mix(u.target.b, u.target_end.b, t)};
  }
  const float gap = rc.target.L - u.stats.lightness;
  rc.shift = gap * (gap < 0.0f ? kDarkenFollow : kLightenFollow);
  rc.inv_target_lightness = 1.0f / max_of(rc.target.L, kMinTargetLightness);
  const float sd = max_of(u.stats.lightness_sd, kMinLightnessSd);
  rc.highlight_lo = u.stats.lightness - kHighlightBelowSd * sd;
  rc.highlight_hi = u.stats.lightness + kHighlightAboveSd * sd;
  return rc;
}

// The per-pixel formula (recolor.glsl: hm_recolor_lab).
inline Lab recolor_lab(Lab px, const RowConstants& rc, const Uniforms& u) {
  float weight = u.strength;
  if (u.mode == RecolorMode::kHighlights) weight *= smoothstep(rc.highlight_lo, rc.highlight_hi, px.L);
  const float L = clamp01(px.L + rc.shift);
  const float chroma_scale = min_of(1.0f, L * rc.inv_target_lightness);
  return Lab{mix(px.L, L, weight), mix(px.a, rc.target.a * chroma_scale, weight),
             mix(px.b, rc.target.b * chroma_scale, weight)};
}

// One row: src/dst RGBA, matte bytes. dst may equal src. Pixels with matte 0 are copied unchanged.
using RecolorRowFn = void (*)(const uint8_t* src, const uint8_t* matte, int width, const RowConstants& rc,
                              const Uniforms& u, uint8_t* dst);
void rgba8_recolor_row__scalar(const uint8_t* src, const uint8_t* matte, int width, const RowConstants& rc,
                               const Uniforms& u, uint8_t* dst);
void rgba8_recolor_row__wasmsimd(const uint8_t* src, const uint8_t* matte, int width, const RowConstants& rc,
                                 const Uniforms& u, uint8_t* dst);

// The build's recolour kernels, chosen at build time like the network's (kernels/kernel_table.h): the
// SIMD128 row in the SIMD wasm builds and natively, the scalar one in the plain build. recolor() calls
// through it; recolor_scalar() always runs the reference.
struct RecolorKernelTable {
  const char* isa;  // the variants' suffix (kKernelIsa)
  RecolorRowFn row;
};
#if HM_KERNEL_ISA_WASMSIMD
inline constexpr RecolorKernelTable kRecolorKernels = {"wasmsimd", rgba8_recolor_row__wasmsimd};
#else
inline constexpr RecolorKernelTable kRecolorKernels = {"scalar", rgba8_recolor_row__scalar};
#endif

}  // namespace recolor_detail
}  // namespace hm
