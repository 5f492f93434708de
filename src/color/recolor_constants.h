// The numbers of the recolour formula (docs/recolor.md): Ottosson's OKLab matrices, the sRGB transfer
// function and the formula's own constants. This file is their one definition: the scalar C++ (oklab.h,
// oklab.cc, recolor_formula.h) and the SIMD128 version (recolor_simd128.cc) use these names, and
// scripts/gen-constants.mjs copies them into the shader (src/color/recolor_constants.glsl, prepended to
// recolor.glsl) and into bindings/js/constants.mjs (the page's hair statistics and uniforms). Generated
// files are committed; tests/node/one-home.test.mjs regenerates them and fails on any difference, and fails
// when one of these numbers is written down in another source file.
//
// Change a number here, run `node scripts/gen-constants.mjs`, and every copy follows. The generator reads
// only `constexpr float kName = <number>;` and `constexpr float kName[R][C] = {{...}, ...};` between the
// markers (see src/base/facts.h for the naming).
#pragma once

namespace hm {

// facts:begin
// OKLab (B. Ottosson, 2020), row-major: lms = kLinearToLms * rgb (linear light), lab = kLmsToOklab *
// cbrt(lms); back: lms' = (L + row . (a, b)) per row of kOklabToLms (the L coefficient is 1 in every row),
// rgb = kLmsToLinear * lms'^3.
constexpr float kLinearToLms[3][3] = {{0.4122214708f, 0.5363325363f, 0.0514459929f},
                                      {0.2119034982f, 0.6806995451f, 0.1073969566f},
                                      {0.0883024619f, 0.2817188376f, 0.6299787005f}};
constexpr float kLmsToOklab[3][3] = {{0.2104542553f, 0.7936177850f, -0.0040720468f},
                                     {1.9779984951f, -2.4285922050f, 0.4505937099f},
                                     {0.0259040371f, 0.7827717662f, -0.8086757660f}};
constexpr float kOklabToLms[3][2] = {{0.3963377774f, 0.2158037573f},
                                     {-0.1055613458f, -0.0638541728f},
                                     {-0.0894841775f, -1.2914855480f}};
constexpr float kLmsToLinear[3][3] = {{4.0767416621f, -3.3077115913f, 0.2309699292f},
                                      {-1.2684380046f, 2.6097574011f, -0.3413193965f},
                                      {-0.0041960863f, -0.7034186147f, 1.7076147010f}};

// The sRGB transfer function (IEC 61966-2-1): decode v <= kSrgbDecodeKnee ? v / kSrgbLinearSlope :
// ((v + kSrgbOffset) / kSrgbScale)^kSrgbGamma; encode the inverse, linear below kSrgbEncodeKnee.
constexpr float kSrgbDecodeKnee = 0.04045f;
constexpr float kSrgbEncodeKnee = 0.0031308f;
constexpr float kSrgbLinearSlope = 12.92f;
constexpr float kSrgbOffset = 0.055f;
constexpr float kSrgbScale = 1.055f;
constexpr float kSrgbGamma = 2.4f;

// The formula: dye closes kDarkenFollow of the lightness gap when darkening and kLightenFollow when
// lightening (bleach is needed for the rest); the chroma scale divides by at least kMinTargetLightness;
// ombre blends roots -> tips by smoothstep(kOmbreStart, kOmbreEnd) over the hair's rows; highlights weigh
// pixels by smoothstep(mean - kHighlightBelowSd sd, mean + kHighlightAboveSd sd) of the hair's lightness,
// with sd at least kMinLightnessSd.
constexpr float kDarkenFollow = 0.85f;
constexpr float kLightenFollow = 0.5f;
constexpr float kMinTargetLightness = 0.05f;
constexpr float kMinLightnessSd = 0.02f;
constexpr float kOmbreStart = 0.2f;
constexpr float kOmbreEnd = 0.8f;
constexpr float kHighlightBelowSd = 0.5f;
constexpr float kHighlightAboveSd = 1.5f;
// facts:end

}  // namespace hm
