// int8 (QS8) nearest 2x upsampling fused with the skip addition, requantised (qs8_kernels.h).
//
// The arithmetic is XNNPACK's QS8 vadd: all integer, with the two scale ratios (input scale / output
// scale) as fixed-point multipliers under one shift, the zero points and the rounding constant folded into
// one bias:  acc = bias + a * a_mul + b * b_mul,  out = clamp((acc >> shift) + out_zp)  (arithmetic shift,
// so with bias's + 2^(shift-1) it rounds halves up). Multipliers are below 2^14, so every product fits
// i32x4.extmul_*_i16x8 and |acc| < 2^24.
//
// SIMD: per input pixel the a part (bias + a * a_mul) is computed once for the two output pixels it
// covers; blocks of 8 channels; the last c % 8 go through 8-byte buffers so no load runs past a tensor.
#include <cmath>
#include <cstring>

#include "kernels/qs8_kernels.h"
#include "base/simd128.h"

namespace hm {
namespace {

constexpr size_t kBlock = 8;

// The 8 outputs of one block, given the a part (two i32x4) and 8 skip values at b.
inline v128_t add_block(v128_t a_lo, v128_t a_hi, const int8_t* b, v128_t b_mul, uint32_t shift, v128_t zp,
                        v128_t out_min, v128_t out_max) {
  const v128_t vb = wasm_i16x8_load8x8(b);
  const v128_t lo = wasm_i32x4_shr(wasm_i32x4_add(a_lo, wasm_i32x4_extmul_low_i16x8(vb, b_mul)), shift);
  const v128_t hi = wasm_i32x4_shr(wasm_i32x4_add(a_hi, wasm_i32x4_extmul_high_i16x8(vb, b_mul)), shift);
  const v128_t v16 = wasm_i16x8_add_sat(wasm_i16x8_narrow_i32x4(lo, hi), zp);
  const v128_t v8 = wasm_i8x16_narrow_i16x8(v16, v16);
  return wasm_i8x16_min(wasm_i8x16_max(v8, out_min), out_max);
}

}  // namespace

bool qs8_add_params(float a_scale, int8_t a_zp, float b_scale, int8_t b_zp, float out_scale, QS8Output out,
                    QS8AddParams* params) {
  if (!(a_scale > 0.0f && b_scale > 0.0f && out_scale > 0.0f)) return false;
  const double ra = static_cast<double>(a_scale) / out_scale, rb = static_cast<double>(b_scale) / out_scale;
  const double r_max = ra > rb ? ra : rb;
  if (!(r_max >= std::ldexp(1.0, -10) && r_max < std::ldexp(1.0, 8))) return false;
  int e;
  std::frexp(r_max, &e);  // r_max in [2^(e-1), 2^e)
  const int shift = 14 - e;  // r_max * 2^shift in [2^13, 2^14): multipliers at most 2^14 after rounding
  params->a_mul = static_cast<int32_t>(std::lround(std::ldexp(ra, shift)));
  params->b_mul = static_cast<int32_t>(std::lround(std::ldexp(rb, shift)));
  params->shift = static_cast<uint32_t>(shift);
  params->bias = -(int32_t{a_zp} * params->a_mul + int32_t{b_zp} * params->b_mul) + (int32_t{1} << (shift - 1));
  params->out = out;
  return true;
}

void qs8_upsample2x_add_scalar(const int8_t* in, size_t h, size_t w, size_t c, const int8_t* skip,
                               int8_t* out, const QS8AddParams& p, size_t y0, size_t y1) {
  (void)h;
  const size_t ow = 2 * w;
  for (size_t oy = y0; oy < y1; ++oy)
    for (size_t ox = 0; ox < ow; ++ox)
      for (size_t ch = 0; ch < c; ++ch) {
        const int32_t a = in[((oy / 2) * w + ox / 2) * c + ch];
        const int32_t b = skip[(oy * ow + ox) * c + ch];
        int32_t q = ((p.bias + a * p.a_mul + b * p.b_mul) >> p.shift) + p.out.zero_point;
        q = q < p.out.min ? p.out.min : q > p.out.max ? p.out.max : q;
        out[(oy * ow + ox) * c + ch] = static_cast<int8_t>(q);
      }
}

void qs8_upsample2x_add(const int8_t* in, size_t h, size_t w, size_t c, const int8_t* skip, int8_t* out,
                        const QS8AddParams& p, size_t y0, size_t y1) {
  (void)h;
  const size_t ow = 2 * w;
  const v128_t bias = wasm_i32x4_splat(p.bias);
  const v128_t a_mul = wasm_i16x8_splat(static_cast<int16_t>(p.a_mul));
  const v128_t b_mul = wasm_i16x8_splat(static_cast<int16_t>(p.b_mul));
  const v128_t zp = wasm_i16x8_splat(p.out.zero_point);
  const v128_t out_min = wasm_i8x16_splat(p.out.min), out_max = wasm_i8x16_splat(p.out.max);
  for (size_t oy = y0; oy < y1; ++oy) {
    const int8_t* a_row = in + (oy / 2) * w * c;
    const int8_t* b_row = skip + oy * ow * c;
    int8_t* o_row = out + oy * ow * c;
    for (size_t x = 0; x < w; ++x) {
      const int8_t* a = a_row + x * c;
      const int8_t* b0 = b_row + 2 * x * c;
      const int8_t* b1 = b0 + c;
      int8_t* o0 = o_row + 2 * x * c;
      int8_t* o1 = o0 + c;
      size_t ch = 0;
      for (; ch + kBlock <= c; ch += kBlock) {
        const v128_t va = wasm_i16x8_load8x8(a + ch);
        const v128_t a_lo = wasm_i32x4_add(bias, wasm_i32x4_extmul_low_i16x8(va, a_mul));
        const v128_t a_hi = wasm_i32x4_add(bias, wasm_i32x4_extmul_high_i16x8(va, a_mul));
        wasm_v128_store64_lane(o0 + ch, add_block(a_lo, a_hi, b0 + ch, b_mul, p.shift, zp, out_min, out_max), 0);
        wasm_v128_store64_lane(o1 + ch, add_block(a_lo, a_hi, b1 + ch, b_mul, p.shift, zp, out_min, out_max), 0);
      }
      if (ch < c) {
        const size_t rest = c - ch;
        int8_t ta[kBlock] = {}, tb0[kBlock] = {}, tb1[kBlock] = {}, r0[16], r1[16];
        std::memcpy(ta, a + ch, rest);
        std::memcpy(tb0, b0 + ch, rest);
        std::memcpy(tb1, b1 + ch, rest);
        const v128_t va = wasm_i16x8_load8x8(ta);
        const v128_t a_lo = wasm_i32x4_add(bias, wasm_i32x4_extmul_low_i16x8(va, a_mul));
        const v128_t a_hi = wasm_i32x4_add(bias, wasm_i32x4_extmul_high_i16x8(va, a_mul));
        wasm_v128_store(r0, add_block(a_lo, a_hi, tb0, b_mul, p.shift, zp, out_min, out_max));
        wasm_v128_store(r1, add_block(a_lo, a_hi, tb1, b_mul, p.shift, zp, out_min, out_max));
        std::memcpy(o0 + ch, r0, rest);
        std::memcpy(o1 + ch, r1, rest);
      }
    }
  }
}

}  // namespace hm
