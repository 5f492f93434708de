// Nearest 2x upsampling followed by the 3x3 depthwise convolution (stride 1, dilation 1, TF "same"
// padding on the upsampled image), wasm SIMD128, computed from the half-resolution input without
// materialising the upsampled tensor: the decoder stages without a skip connection.
//
// Output pixel (oy, ox) reads upsampled rows oy-1..oy+1, i.e. input rows (oy-1)/2 .. (oy+1)/2 (floor):
//   oy = 2i:     rows i-1 (tap row 0) and i (tap rows 1 + 2)
//   oy = 2i + 1: rows i (tap rows 0 + 1) and i+1 (tap row 2)
// and likewise for columns. So each output pixel is a 2x2 convolution of the input whose weights are
// sums of the 3x3 taps, picked by the parity of (oy, ox): 4 multiply-adds per output instead of 9, and a
// quarter of the reads. Rows or columns outside the input get zero weights (inputs must be finite).
// The optimised kernel therefore rounds (w0 + w1) x where the reference rounds w0 x + w1 x.
#include <algorithm>

#include "kernels/f32_layout.h"
#include "kernels/kernels.h"
#include "base/simd128.h"

namespace hm {
namespace {

using kernels_internal::upsampled_dw_pixel;
constexpr size_t kGroup = kernels_internal::kDwGroup;
constexpr size_t kGroupFloats = kernels_internal::kDwGroupFloats;  // pack_dwconv3x3's groups

inline v128_t clamp4(v128_t v, v128_t vmin, v128_t vmax) {
  return wasm_f32x4_pmin(vmax, wasm_f32x4_pmax(vmin, v));
}

// Columns [j0, j1) of one output row for one group of 4 channels: for each input column j, outputs 2j
// and 2j+1 from input rows a (vertical tap weights t0..t2 already summed for this row's parity) and b
// (u0..u2). a, b point at the group's channels of column 0; columns are c floats apart, outputs too.
// Column -1 and column w are outside: the first/last output of the row drop those taps.
void f32_upsample2x_dwconv3x3_minmax_4c_row__wasmsimd(size_t w, size_t j0, size_t j1, const float* a,
                                                      const float* b, size_t c, v128_t bias, v128_t t0,
                                                      v128_t t1, v128_t t2, v128_t u0, v128_t u1, v128_t u2,
                                                      float* out, v128_t vmin, v128_t vmax) {
  // Horizontal sums: even outputs take (k0 | k1 + k2) on columns (j-1 | j), odd ones (k0 + k1 | k2) on
  // columns (j | j+1).
  const v128_t t12 = wasm_f32x4_add(t1, t2), t01 = wasm_f32x4_add(t0, t1);
  const v128_t u12 = wasm_f32x4_add(u1, u2), u01 = wasm_f32x4_add(u0, u1);
  size_t j = j0;
  if (j == 0) {  // output 0 has no column -1
    const v128_t ac = wasm_v128_load(a), bc = wasm_v128_load(b);
    v128_t even = wasm_f32x4_add(bias, wasm_f32x4_mul(ac, t12));
    even = wasm_f32x4_add(even, wasm_f32x4_mul(bc, u12));
    v128_t odd = wasm_f32x4_add(bias, wasm_f32x4_mul(ac, t01));
    odd = wasm_f32x4_add(odd, wasm_f32x4_mul(bc, u01));
    if (w > 1) {
      odd = wasm_f32x4_add(odd, wasm_f32x4_mul(wasm_v128_load(a + c), t2));
      odd = wasm_f32x4_add(odd, wasm_f32x4_mul(wasm_v128_load(b + c), u2));
    }
    wasm_v128_store(out, clamp4(even, vmin, vmax));
    wasm_v128_store(out + c, clamp4(odd, vmin, vmax));
    j = 1;
  }
  const size_t j_end = std::min(j1, w - 1);  // column w - 1 has no column w: handled after the loop
  for (; j < j_end; ++j) {
    const float* ap = a + (j - 1) * c;
    const float* bp = b + (j - 1) * c;
    const v128_t al = wasm_v128_load(ap), ac = wasm_v128_load(ap + c), ar = wasm_v128_load(ap + 2 * c);
    const v128_t bl = wasm_v128_load(bp), bc = wasm_v128_load(bp + c), br = wasm_v128_load(bp + 2 * c);
    v128_t even = wasm_f32x4_add(bias, wasm_f32x4_mul(al, t0));
    v128_t odd = wasm_f32x4_add(bias, wasm_f32x4_mul(ac, t01));
    even = wasm_f32x4_add(even, wasm_f32x4_mul(ac, t12));
    odd = wasm_f32x4_add(odd, wasm_f32x4_mul(ar, t2));
    even = wasm_f32x4_add(even, wasm_f32x4_mul(bl, u0));
    odd = wasm_f32x4_add(odd, wasm_f32x4_mul(bc, u01));
    even = wasm_f32x4_add(even, wasm_f32x4_mul(bc, u12));
    odd = wasm_f32x4_add(odd, wasm_f32x4_mul(br, u2));
    wasm_v128_store(out + 2 * j * c, clamp4(even, vmin, vmax));
    wasm_v128_store(out + (2 * j + 1) * c, clamp4(odd, vmin, vmax));
  }
  if (j < j1) {  // j == w - 1 >= 1: the last column, no column w
    const float* ap = a + (j - 1) * c;
    const float* bp = b + (j - 1) * c;
    const v128_t al = wasm_v128_load(ap), ac = wasm_v128_load(ap + c);
    const v128_t bl = wasm_v128_load(bp), bc = wasm_v128_load(bp + c);
    v128_t even = wasm_f32x4_add(bias, wasm_f32x4_mul(al, t0));
    even = wasm_f32x4_add(even, wasm_f32x4_mul(ac, t12));
    even = wasm_f32x4_add(even, wasm_f32x4_mul(bl, u0));
    even = wasm_f32x4_add(even, wasm_f32x4_mul(bc, u12));
    v128_t odd = wasm_f32x4_add(bias, wasm_f32x4_mul(ac, t01));
    odd = wasm_f32x4_add(odd, wasm_f32x4_mul(bc, u01));
    wasm_v128_store(out + 2 * j * c, clamp4(even, vmin, vmax));
    wasm_v128_store(out + (2 * j + 1) * c, clamp4(odd, vmin, vmax));
  }
}

}  // namespace

void f32_upsample2x_dwconv3x3_minmax__wasmsimd(const float* in, size_t h, size_t w, size_t c,
                                               const float* packed, float* out, Clamp clamp, size_t y0,
                                               size_t y1) {
  const size_t out_w = 2 * w;
  const size_t full_groups = c / kGroup;
  const v128_t vmin = wasm_f32x4_splat(clamp.min), vmax = wasm_f32x4_splat(clamp.max);
  const v128_t zero = wasm_f32x4_splat(0.0f);
  // Tiles of input columns: while the groups of channels run over a tile, its two input rows and its
  // outputs (a few KB at c = 64) stay in L1.
  constexpr size_t kTile = 32;
  for (size_t oy = y0; oy < y1; ++oy) {
    const size_t i = oy / 2;
    const bool odd = oy % 2 != 0;
    // Input rows a (above) and b (below) and which vertical taps each takes.
    const bool has_a = odd || i >= 1;
    const bool has_b = !odd || i + 1 < h;
    const size_t ia = odd ? i : i - (has_a ? 1 : 0);
    const size_t ib = odd ? (has_b ? i + 1 : i) : i;
    const float* row_a = in + (has_a ? ia : ib) * w * c;
    const float* row_b = in + (has_b ? ib : ia) * w * c;
    float* orow = out + (oy - y0) * out_w * c;
    for (size_t j0 = 0; j0 < w; j0 += kTile) {
      const size_t j1 = std::min(w, j0 + kTile);
      for (size_t gi = 0; gi < full_groups; ++gi) {
        const float* g = packed + gi * kGroupFloats;
        v128_t k[9];
        for (size_t t = 0; t < 9; ++t) k[t] = wasm_v128_load(g + kGroup + t * kGroup);
        // Vertical sums for this row's parity: a takes tap row 0 (even) or rows 0 + 1 (odd), b the rest.
        v128_t t0 = odd ? wasm_f32x4_add(k[0], k[3]) : k[0];
        v128_t t1 = odd ? wasm_f32x4_add(k[1], k[4]) : k[1];
        v128_t t2 = odd ? wasm_f32x4_add(k[2], k[5]) : k[2];
        v128_t u0 = odd ? k[6] : wasm_f32x4_add(k[3], k[6]);
        v128_t u1 = odd ? k[7] : wasm_f32x4_add(k[4], k[7]);
        v128_t u2 = odd ? k[8] : wasm_f32x4_add(k[5], k[8]);
        if (!has_a) t0 = t1 = t2 = zero;
        if (!has_b) u0 = u1 = u2 = zero;
        f32_upsample2x_dwconv3x3_minmax_4c_row__wasmsimd(w, j0, j1, row_a + gi * kGroup, row_b + gi * kGroup,
                                                         c, wasm_v128_load(g), t0, t1, t2, u0, u1, u2,
                                                         orow + gi * kGroup, vmin, vmax);
      }
      if (full_groups * kGroup == c) continue;
      for (size_t ox = 2 * j0; ox < 2 * j1; ++ox)  // the last c % 4 channels, scalar
        upsampled_dw_pixel(in, h, w, c, packed, oy, ox, full_groups * kGroup, orow + ox * c, clamp);
    }
  }
}

}  // namespace hm
