// PROVISIONAL until src/color/recolor.glsl lands: a luminance-preserving tint, so the pipeline can be
// exercised end to end. Replaced by the checked copy of the C++ formula's GLSL twin.
export const RECOLOR_GLSL = `
uniform vec3 u_color;
uniform vec3 u_colorEnd;
uniform int u_mode;
uniform float u_strength;
vec3 hm_recolor_pixel(vec3 rgb, float alpha, ivec2 texel) {
  float luma = dot(rgb, vec3(0.299, 0.587, 0.114));
  float rows = float(textureSize(u_frame, 0).y);
  vec3 color = u_mode == 1 ? mix(u_color, u_colorEnd, float(texel.y) / rows) : u_color;
  float weight = u_mode == 2 ? alpha * smoothstep(0.3, 0.6, luma) : alpha;
  return mix(rgb, clamp(color * (0.5 + luma), 0.0, 1.0), weight * u_strength);
}
`;

export const MODES = { solid: 0, ombre: 1, highlights: 2 };

export function parseHexColor(hex) {
  const m = /^#?([0-9a-f]{6})$/i.exec(String(hex).trim());
  if (!m) throw new Error(`colour must be #RRGGBB, got '${hex}'`);
  const v = parseInt(m[1], 16);
  return [(v >> 16) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255];
}

export function recolorUniforms(gl, location, look) {
  gl.uniform3fv(location('u_color'), parseHexColor(look.color));
  gl.uniform3fv(location('u_colorEnd'), parseHexColor(look.colorEnd || look.color));
  gl.uniform1i(location('u_mode'), MODES[look.mode] ?? 0);
  gl.uniform1f(location('u_strength'), look.strength);
}
