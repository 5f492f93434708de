// The recolour formula four pixels at a time with wasm SIMD128 (recolor_formula.h has the formula and
// rgba8_recolor_row__scalar.cc the scalar row this follows line by line; tests hold the two within one
// 8-bit step). Table lookups (sRGB decode and encode) are per-lane scalar loads; everything between them
// is vector arithmetic.
#include <cstring>

#include "color/recolor_formula.h"
#include "image/pixel_simd128.h"
#include "base/simd128.h"

namespace hm {
namespace recolor_detail {
namespace {

inline v128_t splat(float v) { return wasm_f32x4_splat(v); }
inline v128_t madd(v128_t a, v128_t b, v128_t c) { return wasm_f32x4_add(wasm_f32x4_mul(a, b), c); }
inline v128_t dot3(float c0, float c1, float c2, v128_t x, v128_t y, v128_t z) {
  return madd(splat(c0), x, madd(splat(c1), y, wasm_f32x4_mul(splat(c2), z)));
}
// A row of a matrix of recolor_constants.h times (x, y, z).
inline v128_t dot3(const float (&row)[3], v128_t x, v128_t y, v128_t z) { return dot3(row[0], row[1], row[2], x, y, z); }
inline v128_t clamp01x4(v128_t v) { return wasm_f32x4_pmin(wasm_f32x4_pmax(v, splat(0.0f)), splat(1.0f)); }
inline v128_t mixx4(v128_t x, v128_t y, v128_t t) { return madd(wasm_f32x4_sub(y, x), t, x); }

// cbrt_nonnegative (oklab.h) per lane: the exponent / 3 estimate is formed in float (no integer division
// in SIMD128), then the same two Halley steps; lanes with x <= 0 give 0.
inline v128_t cbrt_nonnegative_x4(v128_t x) {
  const v128_t bits = wasm_u32x4_trunc_sat_f32x4(wasm_f32x4_mul(wasm_f32x4_convert_u32x4(x), splat(1.0f / 3.0f)));
  v128_t y = wasm_i32x4_add(bits, wasm_i32x4_splat(709921077));
  for (int k = 0; k < 2; ++k) {
    const v128_t y3 = wasm_f32x4_mul(wasm_f32x4_mul(y, y), y);
    y = wasm_f32x4_mul(y, wasm_f32x4_div(madd(splat(2.0f), x, y3), madd(splat(2.0f), y3, x)));
  }
  return wasm_v128_and(y, wasm_f32x4_gt(x, splat(0.0f)));
}

// smoothstep(e0, e1, x) per lane.
inline v128_t smoothstep_x4(float e0, float e1, v128_t x) {
  const v128_t t = clamp01x4(wasm_f32x4_mul(wasm_f32x4_sub(x, splat(e0)), splat(1.0f / (e1 - e0))));
  return wasm_f32x4_mul(wasm_f32x4_mul(t, t), wasm_f32x4_sub(splat(3.0f), wasm_f32x4_add(t, t)));
}

// linear_to_srgb (oklab.h) per lane: clamp, index, then four scalar table reads and interpolation.
inline void encode_x4(const float* table, v128_t v, float out[4]) {
  const v128_t x = wasm_f32x4_mul(clamp01x4(v), splat(static_cast<float>(kLinearToSrgbSteps)));
  int32_t index[4];
  float xs[4];
  wasm_v128_store(index, wasm_i32x4_trunc_sat_f32x4(x));
  wasm_v128_store(xs, x);
  for (int k = 0; k < 4; ++k) {
    const int i = index[k];
    out[k] = table[i] + (table[i + 1] - table[i]) * (xs[k] - static_cast<float>(i));
  }
}

}  // namespace

void rgba8_recolor_row__wasmsimd(const uint8_t* src, const uint8_t* matte, int width, const RowConstants& rc,
                                 const Uniforms& u, uint8_t* dst) {
  const float* decode = srgb8_to_linear_table();
  const float* encode = linear_to_srgb_table();
  constexpr float kInv255 = 1.0f / 255.0f;
  int x = 0;
  for (; x + 4 <= width; x += 4) {
    const uint8_t* p = src + 4 * x;
    uint8_t* q = dst + 4 * x;
    uint32_t four_mattes;
    std::memcpy(&four_mattes, matte + x, 4);
    if (four_mattes == 0) {  // the common case outside the hair: untouched, bit for bit
      if (q != p) std::memcpy(q, p, 16);
      continue;
    }
    // sRGB bytes -> linear -> OKLab (linear_to_oklab).
    const v128_t r = wasm_f32x4_make(decode[p[0]], decode[p[4]], decode[p[8]], decode[p[12]]);
    const v128_t g = wasm_f32x4_make(decode[p[1]], decode[p[5]], decode[p[9]], decode[p[13]]);
    const v128_t b = wasm_f32x4_make(decode[p[2]], decode[p[6]], decode[p[10]], decode[p[14]]);
    const v128_t l_ = cbrt_nonnegative_x4(dot3(kLinearToLms[0], r, g, b));
    const v128_t m_ = cbrt_nonnegative_x4(dot3(kLinearToLms[1], r, g, b));
    const v128_t s_ = cbrt_nonnegative_x4(dot3(kLinearToLms[2], r, g, b));
    const v128_t L = dot3(kLmsToOklab[0], l_, m_, s_);
    const v128_t A = dot3(kLmsToOklab[1], l_, m_, s_);
    const v128_t B = dot3(kLmsToOklab[2], l_, m_, s_);

    // recolor_lab.
    v128_t weight = splat(u.strength);
    if (u.mode == RecolorMode::kHighlights) {
      weight = wasm_f32x4_mul(weight, smoothstep_x4(rc.highlight_lo, rc.highlight_hi, L));
    }
    const v128_t L2 = clamp01x4(wasm_f32x4_add(L, splat(rc.shift)));
    const v128_t chroma_scale = wasm_f32x4_pmin(wasm_f32x4_mul(L2, splat(rc.inv_target_lightness)), splat(1.0f));
    const v128_t Lo = mixx4(L, L2, weight);
    const v128_t Ao = mixx4(A, wasm_f32x4_mul(splat(rc.target.a), chroma_scale), weight);
    const v128_t Bo = mixx4(B, wasm_f32x4_mul(splat(rc.target.b), chroma_scale), weight);

    // OKLab -> linear (oklab_to_linear) -> sRGB.
    const v128_t l1 = dot3(1.0f, kOklabToLms[0][0], kOklabToLms[0][1], Lo, Ao, Bo);
    const v128_t m1 = dot3(1.0f, kOklabToLms[1][0], kOklabToLms[1][1], Lo, Ao, Bo);
    const v128_t s1 = dot3(1.0f, kOklabToLms[2][0], kOklabToLms[2][1], Lo, Ao, Bo);
    const v128_t l3 = wasm_f32x4_mul(wasm_f32x4_mul(l1, l1), l1);
    const v128_t m3 = wasm_f32x4_mul(wasm_f32x4_mul(m1, m1), m1);
    const v128_t s3 = wasm_f32x4_mul(wasm_f32x4_mul(s1, s1), s1);
    alignas(16) float rec[3][4];
    encode_x4(encode, dot3(kLmsToLinear[0], l3, m3, s3), rec[0]);
    encode_x4(encode, dot3(kLmsToLinear[1], l3, m3, s3), rec[1]);
    encode_x4(encode, dot3(kLmsToLinear[2], l3, m3, s3), rec[2]);

    // mix(in, recoloured, matte) per channel, to bytes, and back into RGBA with the input's alpha channel;
    // matte-0 lanes keep the input pixel bit for bit.
    const v128_t px = wasm_v128_load(p);
    const v128_t mattes = wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(wasm_i32x4_splat(static_cast<int32_t>(four_mattes))));
    const v128_t alpha = wasm_f32x4_mul(wasm_f32x4_convert_i32x4(mattes), splat(kInv255));
    v128_t in[3];
    simd::load_4_rgba8_planar(p, &in[0], &in[1], &in[2]);
    v128_t packed = wasm_v128_and(px, wasm_i32x4_splat(static_cast<int32_t>(0xff000000u)));
    for (int c = 0; c < 3; ++c) {
      const v128_t v = wasm_f32x4_mul(in[c], splat(kInv255));
      const v128_t mixed = madd(wasm_f32x4_sub(wasm_v128_load(rec[c]), v), alpha, v);
      const v128_t byte = wasm_i32x4_trunc_sat_f32x4(
          wasm_f32x4_add(wasm_f32x4_mul(clamp01x4(mixed), splat(255.0f)), splat(0.5f)));
      packed = wasm_v128_or(packed, wasm_i32x4_shl(byte, 8 * c));
    }
    const v128_t untouched = wasm_i32x4_eq(mattes, wasm_i32x4_splat(0));
    wasm_v128_store(q, wasm_v128_bitselect(px, packed, untouched));
  }
  rgba8_recolor_row__scalar(src + 4 * x, matte + x, width - x, rc, u, dst + 4 * x);  // the last 0-3 pixels
}

}  // namespace recolor_detail
}  // namespace hm
