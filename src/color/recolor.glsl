// GLSL ES 3.00 twin of src/color/recolor.cc: the same formula (docs/recolor.md), constant for constant,
// so the page's GPU recolour and the C++ one (Node, CLI) agree to within rounding. Change both together.
//
// Include in a fragment shader (precision highp float) and call hm_recolor_pixel per pixel:
//   rgb:   the frame pixel, sRGB in [0, 1] (texelFetch of an RGBA8 texture)
//   alpha: the matte in [0, 1] (texelFetch of an R8 texture)
//   texel: integer pixel position, row 0 at the top of the frame (for ombre)
// Uniforms: the look, with the target colours already in OKLab (as hm::srgb8_to_oklab of the bytes), and
// compute_hair_stats() of the frame and matte (recolor.h):
uniform vec3 u_target;     // OKLab of the colour (roots, for ombre)
uniform vec3 u_targetEnd;  // OKLab of the end colour (tips, ombre only)
uniform int u_mode;        // 0 solid, 1 ombre, 2 highlights
uniform float u_strength;  // 0..1
uniform vec4 u_hair;       // HairStats: (lightness, lightness_sd, top, bottom)

vec3 hm_srgb_to_linear(vec3 c) {
  return mix(c / 12.92, pow((c + 0.055) / 1.055, vec3(2.4)), step(vec3(0.04045), c));
}

vec3 hm_linear_to_srgb(vec3 c) {  // c in [0, 1]
  return mix(12.92 * c, 1.055 * pow(c, vec3(1.0 / 2.4)) - 0.055, step(vec3(0.0031308), c));
}

// OKLab (Ottosson 2020), the matrices of src/color/oklab.h.
vec3 hm_linear_to_oklab(vec3 c) {
  vec3 lms = vec3(dot(vec3(0.4122214708, 0.5363325363, 0.0514459929), c),
                  dot(vec3(0.2119034982, 0.6806995451, 0.1073969566), c),
                  dot(vec3(0.0883024619, 0.2817188376, 0.6299787005), c));
  vec3 r = pow(max(lms, vec3(0.0)), vec3(1.0 / 3.0));
  return vec3(dot(vec3(0.2104542553, 0.7936177850, -0.0040720468), r),
              dot(vec3(1.9779984951, -2.4285922050, 0.4505937099), r),
              dot(vec3(0.0259040371, 0.7827717662, -0.8086757660), r));
}

vec3 hm_oklab_to_linear(vec3 lab) {
  vec3 r = vec3(lab.x + 0.3963377774 * lab.y + 0.2158037573 * lab.z,
                lab.x - 0.1055613458 * lab.y - 0.0638541728 * lab.z,
                lab.x - 0.0894841775 * lab.y - 1.2914855480 * lab.z);
  vec3 lms = r * r * r;
  return vec3(dot(vec3(4.0767416621, -3.3077115913, 0.2309699292), lms),
              dot(vec3(-1.2684380046, 2.6097574011, -0.3413193965), lms),
              dot(vec3(-0.0041960863, -0.7034186147, 1.7076147010), lms));
}

// The per-pixel formula on one OKLab colour; y is the pixel's row centre (row + 0.5).
vec3 hm_recolor_lab(vec3 lab, float y) {
  vec3 target = u_target;
  if (u_mode == 1) {  // ombre: roots -> tips over the hair's rows
    float extent = max(u_hair.w - u_hair.z, 1.0);
    target = mix(u_target, u_targetEnd, smoothstep(0.2, 0.8, clamp((y - u_hair.z) / extent, 0.0, 1.0)));
  }
  float weight = u_strength;
  if (u_mode == 2) {  // highlights: more on the strands lighter than the hair's mean
    float sd = max(u_hair.y, 0.02);
    weight *= smoothstep(u_hair.x - 0.5 * sd, u_hair.x + 1.5 * sd, lab.x);
  }
  float gap = target.x - u_hair.x;
  float L = clamp(lab.x + gap * (gap < 0.0 ? 0.85 : 0.5), 0.0, 1.0);  // dye darkens more than it lightens
  float chromaScale = min(1.0, L / max(target.x, 0.05));
  return mix(lab, vec3(L, target.yz * chromaScale), weight);
}

vec3 hm_recolor_pixel(vec3 rgb, float alpha, ivec2 texel) {
  if (alpha <= 0.0 || u_strength <= 0.0) return rgb;  // untouched, as in C++
  vec3 lab = hm_recolor_lab(hm_linear_to_oklab(hm_srgb_to_linear(rgb)), float(texel.y) + 0.5);
  vec3 recoloured = hm_linear_to_srgb(clamp(hm_oklab_to_linear(lab), 0.0, 1.0));
  return mix(rgb, recoloured, alpha);
}
