// int8 (QS8) nearest 2x upsampling fused with the skip addition, requantised (qs8_kernels.h).
//
// The arithmetic is XNNPACK's QS8 vadd: all integer, with the two scale ratios (input scale / output
// scale) as fixed-point multipliers under one shift, the zero points and the rounding constant folded into
// one bias:  acc = bias + a * a_mul + b * b_mul,  out = clamp((acc >> shift) + out_zp)  (arithmetic shift,
// so with bias's + 2^(shift-1) it rounds halves up). Multipliers are below 2^14, so every product fits
// i32x4.extmul_*_i16x8 and |acc| < 2^24.
//
// SIMD: the two products of an output value are one i32x4.dot_i16x8_s (x86 pmaddwd, one instruction) of
// the interleaved pair (a, b) with the pair (a_mul, b_mul): |a * a_mul + b * b_mul| <= 2^22, exact, and
// cheaper than i32x4 multiplies. An input pixel's 16 a values serve the 2x2 output pixels it covers (the
// two output rows of a pair are done together when both are in the range); blocks of 16 channels, then one
// of 8, then the last c % 8 through 8-byte buffers so that no load runs past a tensor. The output zero
// point is added before the shift, as zero_point * 2^shift in the bias: exact (a multiple of 2^shift), and
// it fits int32 (|acc| < 2^24, |zero_point * 2^shift| <= 2^30), so the i32 -> i16 -> i8 saturating narrows
// then clamp to [-128, 127].
#include <cstring>

#include "kernels/qs8_kernels.h"
#include "base/simd128.h"

namespace hm {
namespace {

// The constants of the SIMD kernel.
struct AddConstants {
  v128_t bias;  // bias + zero_point * 2^shift
  v128_t muls;  // i16x8 (a_mul, b_mul) x 4
  uint32_t shift;
  v128_t out_min, out_max;  // i8x16
  explicit AddConstants(const QS8AddParams& p)
      : bias(wasm_i32x4_splat(p.bias + static_cast<int32_t>(static_cast<uint32_t>(int32_t{p.out.zero_point}) << p.shift))),
        muls(wasm_i32x4_splat(static_cast<int32_t>((static_cast<uint32_t>(p.b_mul) << 16) |
                                                   static_cast<uint32_t>(p.a_mul)))),
        shift(p.shift),
        out_min(wasm_i8x16_splat(p.out.min)),
        out_max(wasm_i8x16_splat(p.out.max)) {}
};

// The shift for i32x4.shr_s, read where it is used. A shift amount hoisted out of the loop as a splat
// vector is no longer recognised as a splat by this LLVM's wasm backend, which then shifts lane by lane
// (4 extract_lane + 4 i32.shr_s + replace_lane: measured 3x slower); the volatile read keeps the splat
// in the block of the shift (one scalar load per 8 or 16 values).
inline uint32_t shift_here(const AddConstants& k) { return *static_cast<const volatile uint32_t*>(&k.shift); }

// 4 outputs from 4 interleaved (a, b) pairs sign-extended to i16x8.
inline v128_t acc4(v128_t pairs, const AddConstants& k, uint32_t shift) {
  return wasm_i32x4_shr(wasm_i32x4_add(k.bias, wasm_i32x4_dot_i16x8(pairs, k.muls)), shift);
}

// 16 outputs at o from the 16 a values in va and 16 skip values at b.
inline void add16(v128_t va, const int8_t* b, int8_t* o, const AddConstants& k) {
  const uint32_t shift = shift_here(k);
  const v128_t vb = wasm_v128_load(b);
  const v128_t lo = wasm_i8x16_shuffle(va, vb, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const v128_t hi = wasm_i8x16_shuffle(va, vb, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  const v128_t r0 = acc4(wasm_i16x8_extend_low_i8x16(lo), k, shift);
  const v128_t r1 = acc4(wasm_i16x8_extend_high_i8x16(lo), k, shift);
  const v128_t r2 = acc4(wasm_i16x8_extend_low_i8x16(hi), k, shift);
  const v128_t r3 = acc4(wasm_i16x8_extend_high_i8x16(hi), k, shift);
  const v128_t v8 = wasm_i8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(r0, r1), wasm_i16x8_narrow_i32x4(r2, r3));
  wasm_v128_store(o, wasm_i8x16_min(wasm_i8x16_max(v8, k.out_min), k.out_max));
}

// 8 outputs (low 8 bytes) from the 8 a values in the low half of va and 8 skip values at b.
inline v128_t add8_value(v128_t va, const int8_t* b, const AddConstants& k) {
  const uint32_t shift = shift_here(k);
  const v128_t lo = wasm_i8x16_shuffle(va, wasm_v128_load64_zero(b), 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6,
                                       22, 7, 23);
  const v128_t v16 = wasm_i16x8_narrow_i32x4(acc4(wasm_i16x8_extend_low_i8x16(lo), k, shift),
                                             acc4(wasm_i16x8_extend_high_i8x16(lo), k, shift));
  return wasm_i8x16_min(wasm_i8x16_max(wasm_i8x16_narrow_i16x8(v16, v16), k.out_min), k.out_max);
}

// The outputs of one input pixel a: kOut (2 or 4) output pixels with their skip values b[i], outputs o[i].
template <size_t kOut>
void pixel_outputs(const int8_t* a, const int8_t* const* b, int8_t* const* o, size_t c, const AddConstants& k) {
  size_t ch = 0;
  for (; ch + 16 <= c; ch += 16) {
    const v128_t va = wasm_v128_load(a + ch);
    for (size_t i = 0; i < kOut; ++i) add16(va, b[i] + ch, o[i] + ch, k);
  }
  if (ch + 8 <= c) {
    const v128_t va = wasm_v128_load64_zero(a + ch);
    for (size_t i = 0; i < kOut; ++i) wasm_v128_store64_lane(o[i] + ch, add8_value(va, b[i] + ch, k), 0);
    ch += 8;
  }
  if (ch < c) {
    const size_t rest = c - ch;
    int8_t ta[8] = {};
    std::memcpy(ta, a + ch, rest);
    const v128_t va = wasm_v128_load64_zero(ta);
    for (size_t i = 0; i < kOut; ++i) {
      int8_t tb[8] = {}, r[16];
      std::memcpy(tb, b[i] + ch, rest);
      wasm_v128_store(r, add8_value(va, tb, k));
      std::memcpy(o[i] + ch, r, rest);
    }
  }
}

}  // namespace

void qs8_upsample2x_add_minmax__wasmsimd(const int8_t* in, size_t h, size_t w, size_t c, const int8_t* skip,
                                         int8_t* out, const QS8AddParams& p, size_t y0, size_t y1) {
  (void)h;
  const size_t ow = 2 * w;
  const AddConstants k(p);
  for (size_t oy = y0; oy < y1;) {
    // An even row whose odd partner is in the range too: both rows at once, sharing the a parts.
    const size_t rows = oy % 2 == 0 && oy + 1 < y1 ? 2 : 1;
    const int8_t* a_row = in + (oy / 2) * w * c;
    const int8_t* b_row = skip + oy * ow * c;
    int8_t* o_row = out + oy * ow * c;
    const size_t row = rows == 2 ? ow * c : 0;  // the second row's offset (0: unused, stays in the tensor)
    for (size_t x = 0; x < w; ++x) {
      const size_t at = 2 * x * c;
      const int8_t* b[4] = {b_row + at, b_row + at + c, b_row + row + at, b_row + row + at + c};
      int8_t* o[4] = {o_row + at, o_row + at + c, o_row + row + at, o_row + row + at + c};
      if (rows == 2)
        pixel_outputs<4>(a_row + x * c, b, o, c, k);
      else
        pixel_outputs<2>(a_row + x * c, b, o, c, k);
    }
    oy += rows;
  }
}

}  // namespace hm
