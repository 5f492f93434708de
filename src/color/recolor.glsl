// GLSL ES 3.00 twin of src/color/recolor.cc: the same formula (docs/recolor.md), so the page's GPU
// recolour and the C++ one (Node, CLI) agree to within rounding. Change both together. The numbers (HM_*)
// are not written here: src/color/recolor_constants.glsl, generated from src/color/recolor_constants.h by
// scripts/gen-constants.mjs, declares them and comes first in the page's shader (recolor-shader-source.mjs).
//
// Include in a fragment shader (precision highp float) and call hm_recolor_pixel per pixel:
//   rgb:   the frame pixel, sRGB in [0, 1] (texelFetch of an RGBA8 texture)
//   alpha: the matte in [0, 1] (texelFetch of an R8 texture)
//   texel: integer pixel position, row 0 at the top of the frame (for ombre)
// Uniforms: the look, with the target colours already in OKLab (as hm::srgb8_to_oklab of the bytes), and
// compute_hair_stats() of the frame and matte (recolor.h):
uniform vec3 u_target;     // OKLab of the colour (roots, for ombre)
uniform vec3 u_targetEnd;  // OKLab of the end colour (tips, ombre only)
uniform int u_mode;        // HM_MODE_SOLID, HM_MODE_OMBRE or HM_MODE_HIGHLIGHTS
uniform float u_strength;  // 0..1
uniform vec4 u_hair;       // HairStats: (lightness, lightness_sd, top, bottom)

vec3 hm_srgb_to_linear(vec3 c) {
  return mix(c / HM_SRGB_LINEAR_SLOPE, pow((c + HM_SRGB_OFFSET) / HM_SRGB_SCALE, vec3(HM_SRGB_GAMMA)),
             step(vec3(HM_SRGB_DECODE_KNEE), c));
}

vec3 hm_linear_to_srgb(vec3 c) {  // c in [0, 1]
  return mix(HM_SRGB_LINEAR_SLOPE * c, HM_SRGB_SCALE * pow(c, vec3(1.0 / HM_SRGB_GAMMA)) - HM_SRGB_OFFSET,
             step(vec3(HM_SRGB_ENCODE_KNEE), c));
}

// OKLab (Ottosson 2020), the matrices of src/color/recolor_constants.h, one row per constant.
vec3 hm_linear_to_oklab(vec3 c) {
  vec3 lms = vec3(dot(HM_LINEAR_TO_LMS_0, c), dot(HM_LINEAR_TO_LMS_1, c), dot(HM_LINEAR_TO_LMS_2, c));
  vec3 r = pow(max(lms, vec3(0.0)), vec3(1.0 / 3.0));
  return vec3(dot(HM_LMS_TO_OKLAB_0, r), dot(HM_LMS_TO_OKLAB_1, r), dot(HM_LMS_TO_OKLAB_2, r));
}

vec3 hm_oklab_to_linear(vec3 lab) {
  vec3 r = vec3(lab.x + dot(HM_OKLAB_TO_LMS_0, lab.yz), lab.x + dot(HM_OKLAB_TO_LMS_1, lab.yz),
                lab.x + dot(HM_OKLAB_TO_LMS_2, lab.yz));
  vec3 lms = r * r * r;
  return vec3(dot(HM_LMS_TO_LINEAR_0, lms), dot(HM_LMS_TO_LINEAR_1, lms), dot(HM_LMS_TO_LINEAR_2, lms));
}

// The per-pixel formula on one OKLab colour; y is the pixel's row centre (row + 0.5).
vec3 hm_recolor_lab(vec3 lab, float y) {
  vec3 target = u_target;
  if (u_mode == HM_MODE_OMBRE) {  // roots -> tips over the hair's rows
    float extent = max(u_hair.w - u_hair.z, 1.0);
    target = mix(u_target, u_targetEnd,
                 smoothstep(HM_OMBRE_START, HM_OMBRE_END, clamp((y - u_hair.z) / extent, 0.0, 1.0)));
  }
  float weight = u_strength;
  if (u_mode == HM_MODE_HIGHLIGHTS) {  // more on the strands lighter than the hair's mean
    float sd = max(u_hair.y, HM_MIN_LIGHTNESS_SD);
    weight *= smoothstep(u_hair.x - HM_HIGHLIGHT_BELOW_SD * sd, u_hair.x + HM_HIGHLIGHT_ABOVE_SD * sd, lab.x);
  }
  float gap = target.x - u_hair.x;
  // Dye darkens more than it lightens.
  float L = clamp(lab.x + gap * (gap < 0.0 ? HM_DARKEN_FOLLOW : HM_LIGHTEN_FOLLOW), 0.0, 1.0);
  float chromaScale = min(1.0, L / max(target.x, HM_MIN_TARGET_LIGHTNESS));
  return mix(lab, vec3(L, target.yz * chromaScale), weight);
}

vec3 hm_recolor_pixel(vec3 rgb, float alpha, ivec2 texel) {
  if (alpha <= 0.0 || u_strength <= 0.0) return rgb;  // untouched, as in C++
  vec3 lab = hm_recolor_lab(hm_linear_to_oklab(hm_srgb_to_linear(rgb)), float(texel.y) + 0.5);
  vec3 recoloured = hm_linear_to_srgb(clamp(hm_oklab_to_linear(lab), 0.0, 1.0));
  return mix(rgb, recoloured, alpha);
}
