// 3x3 depthwise convolution, NHWC, vectorised over channels (4 per f32x4).
//
// Geometry (TF "same"): out = ceil(in / stride); input row of output row oy, tap ky:
//   iy = oy * stride - pad + ky * dilation, pad = dilation for stride 1 and 0 for stride 2
// (stride 2 pads 0 before and 1 after). Taps outside the image contribute 0.
//
// Packed weights (pack_dwconv3x3): ceil(c / 4) groups of 4 channels, each group = 4 bias values then the
// 9 taps ([ky*3+kx][4]); channels past c are zero. 40 floats per group, read linearly per pixel.
#include <algorithm>
#include <cstring>

#include "kernels/kernels.h"
#include "kernels/simd128.h"

namespace hm {
namespace {

constexpr size_t kGroup = 4;
constexpr size_t kGroupFloats = kGroup * 10;

size_t pad_before(size_t stride, size_t dilation) { return stride == 1 ? dilation : 0; }

// Range of taps k in [0, 3) whose input coordinate o*stride - pad + k*dilation lies in [0, n).
void valid_taps(size_t o, size_t n, size_t stride, size_t dilation, size_t* k0, size_t* k1) {
  const ptrdiff_t base = static_cast<ptrdiff_t>(o * stride) - static_cast<ptrdiff_t>(pad_before(stride, dilation));
  const ptrdiff_t d = static_cast<ptrdiff_t>(dilation);
  size_t lo = 0, hi = 3;
  while (lo < 3 && base + static_cast<ptrdiff_t>(lo) * d < 0) ++lo;
  while (hi > lo && base + static_cast<ptrdiff_t>(hi - 1) * d >= static_cast<ptrdiff_t>(n)) --hi;
  *k0 = lo;
  *k1 = hi;
}

inline v128_t clamp4(v128_t v, v128_t vmin, v128_t vmax) {
  return wasm_f32x4_pmin(vmax, wasm_f32x4_pmax(vmin, v));
}

// The last c % 4 channels of one pixel, scalar (no f32x4 load may run past the tensor's end).
void dwconv_pixel_tail(const float* const* rows, const size_t* xs, size_t ky0, size_t ky1, size_t kx0,
                       size_t kx1, size_t c_begin, size_t c, const float* packed, float* out,
                       Clamp clamp) {
  for (size_t ch = c_begin; ch < c; ++ch) {
    const float* g = packed + ch / kGroup * kGroupFloats;
    const size_t lane = ch % kGroup;
    float acc = g[lane];
    for (size_t ky = ky0; ky < ky1; ++ky)
      for (size_t kx = kx0; kx < kx1; ++kx)
        acc += rows[ky][xs[kx] * c + ch] * g[kGroup + (ky * 3 + kx) * kGroup + lane];
    out[ch] = std::min(std::max(acc, clamp.min), clamp.max);
  }
}

// One output pixel whose 3x3 window is partly outside the image: only taps in [ky0,ky1) x [kx0,kx1).
void f32_dwconv_minmax_3x3_border__wasmsimd(const float* const* rows, const size_t* xs, size_t ky0,
                                            size_t ky1, size_t kx0, size_t kx1, size_t c,
                                            const float* packed, float* out, Clamp clamp) {
  const v128_t vmin = wasm_f32x4_splat(clamp.min);
  const v128_t vmax = wasm_f32x4_splat(clamp.max);
  const float* g = packed;
  size_t ch = 0;
  for (; ch + kGroup <= c; ch += kGroup, g += kGroupFloats) {
    v128_t acc = wasm_v128_load(g);
    for (size_t ky = ky0; ky < ky1; ++ky)
      for (size_t kx = kx0; kx < kx1; ++kx)
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(rows[ky] + xs[kx] * c + ch),
                                                 wasm_v128_load(g + kGroup + (ky * 3 + kx) * kGroup)));
    wasm_v128_store(out + ch, clamp4(acc, vmin, vmax));
  }
  dwconv_pixel_tail(rows, xs, ky0, ky1, kx0, kx1, ch, c, packed, out, clamp);
}

// One output pixel with its full 3x3 window inside the image: i0..i8 point at the 9 input pixels.
void f32_dwconv_minmax_3x3_interior__wasmsimd(const float* i0, const float* i1, const float* i2,
                                              const float* i3, const float* i4, const float* i5,
                                              const float* i6, const float* i7, const float* i8,
                                              size_t c, const float* w, float* out, v128_t vmin,
                                              v128_t vmax) {
  size_t ch = 0;
  for (; ch + kGroup <= c; ch += kGroup, w += kGroupFloats) {
    v128_t acc = wasm_v128_load(w);
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(i0 + ch), wasm_v128_load(w + 4)));
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(i1 + ch), wasm_v128_load(w + 8)));
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(i2 + ch), wasm_v128_load(w + 12)));
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(i3 + ch), wasm_v128_load(w + 16)));
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(i4 + ch), wasm_v128_load(w + 20)));
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(i5 + ch), wasm_v128_load(w + 24)));
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(i6 + ch), wasm_v128_load(w + 28)));
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(i7 + ch), wasm_v128_load(w + 32)));
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(i8 + ch), wasm_v128_load(w + 36)));
    wasm_v128_store(out + ch, clamp4(acc, vmin, vmax));
  }
  for (; ch < c; ++ch) {
    const float* g = w;  // the partial group (w already points at it)
    const size_t lane = ch % kGroup;
    float acc = g[lane];
    const float* in[9] = {i0, i1, i2, i3, i4, i5, i6, i7, i8};
    for (size_t t = 0; t < 9; ++t) acc += in[t][ch] * g[kGroup + t * kGroup + lane];
    const float lo = wasm_f32x4_extract_lane(vmin, 0), hi = wasm_f32x4_extract_lane(vmax, 0);
    out[ch] = std::min(std::max(acc, lo), hi);
  }
}

}  // namespace

size_t packed_dwconv3x3_size(size_t c) { return (c + kGroup - 1) / kGroup * kGroupFloats; }

void pack_dwconv3x3(size_t c, const float* weight, const float* bias, float* packed) {
  std::memset(packed, 0, packed_dwconv3x3_size(c) * sizeof(float));
  for (size_t ch = 0; ch < c; ++ch) {
    float* g = packed + ch / kGroup * kGroupFloats;
    const size_t lane = ch % kGroup;
    g[lane] = bias != nullptr ? bias[ch] : 0.0f;
    for (size_t t = 0; t < 9; ++t) g[kGroup + t * kGroup + lane] = weight[ch * 9 + t];
  }
}

void dwconv3x3_scalar(const float* in, size_t in_h, size_t in_w, size_t c, size_t stride,
                      size_t dilation, const float* packed, float* out, Clamp clamp, size_t y0,
                      size_t y1) {
  const size_t out_w = (in_w + stride - 1) / stride;
  const ptrdiff_t pad = static_cast<ptrdiff_t>(pad_before(stride, dilation));
  for (size_t oy = y0; oy < y1; ++oy) {
    for (size_t ox = 0; ox < out_w; ++ox) {
      for (size_t ch = 0; ch < c; ++ch) {
        const float* g = packed + ch / kGroup * kGroupFloats;
        const size_t lane = ch % kGroup;
        float acc = g[lane];
        for (size_t ky = 0; ky < 3; ++ky) {
          const ptrdiff_t iy = static_cast<ptrdiff_t>(oy * stride + ky * dilation) - pad;
          if (iy < 0 || iy >= static_cast<ptrdiff_t>(in_h)) continue;
          for (size_t kx = 0; kx < 3; ++kx) {
            const ptrdiff_t ix = static_cast<ptrdiff_t>(ox * stride + kx * dilation) - pad;
            if (ix < 0 || ix >= static_cast<ptrdiff_t>(in_w)) continue;
            acc += in[(static_cast<size_t>(iy) * in_w + static_cast<size_t>(ix)) * c + ch] *
                   g[kGroup + (ky * 3 + kx) * kGroup + lane];
          }
        }
        out[(oy * out_w + ox) * c + ch] = std::min(std::max(acc, clamp.min), clamp.max);
      }
    }
  }
}

void dwconv3x3(const float* in, size_t in_h, size_t in_w, size_t c, size_t stride, size_t dilation,
               const float* packed, float* out, Clamp clamp, size_t y0, size_t y1) {
  const size_t out_w = (in_w + stride - 1) / stride;
  const size_t pad = pad_before(stride, dilation);
  const v128_t vmin = wasm_f32x4_splat(clamp.min);
  const v128_t vmax = wasm_f32x4_splat(clamp.max);
  // Output columns [x_lo, x_hi) have all three taps inside the row.
  size_t x_lo = 0;
  while (x_lo < out_w && x_lo * stride < pad) ++x_lo;
  size_t x_hi = x_lo;
  while (x_hi < out_w && x_hi * stride - pad + 2 * dilation < in_w) ++x_hi;

  for (size_t oy = y0; oy < y1; ++oy) {
    size_t ky0, ky1;
    valid_taps(oy, in_h, stride, dilation, &ky0, &ky1);
    const float* rows[3];
    for (size_t ky = 0; ky < 3; ++ky) {
      // Rows outside [ky0, ky1) are never read; point them at row 0 to keep the pointer valid.
      const size_t iy = ky >= ky0 && ky < ky1 ? oy * stride + ky * dilation - pad : 0;
      rows[ky] = in + iy * in_w * c;
    }
    float* orow = out + oy * out_w * c;
    for (size_t ox = 0; ox < out_w; ++ox) {
      const bool interior = ky0 == 0 && ky1 == 3 && ox >= x_lo && ox < x_hi;
      if (interior) {
        const size_t ix = ox * stride - pad;
        const float* r0 = rows[0] + ix * c;
        const float* r1 = rows[1] + ix * c;
        const float* r2 = rows[2] + ix * c;
        const size_t d = dilation * c;
        f32_dwconv_minmax_3x3_interior__wasmsimd(r0, r0 + d, r0 + 2 * d, r1, r1 + d, r1 + 2 * d, r2,
                                                 r2 + d, r2 + 2 * d, c, packed, orow + ox * c,
                                                 vmin, vmax);
        continue;
      }
      size_t kx0, kx1;
      valid_taps(ox, in_w, stride, dilation, &kx0, &kx1);
      size_t xs[3] = {0, 0, 0};
      for (size_t kx = kx0; kx < kx1; ++kx) xs[kx] = ox * stride + kx * dilation - pad;
      f32_dwconv_minmax_3x3_border__wasmsimd(rows, xs, ky0, ky1, kx0, kx1, c, packed,
                                             orow + ox * c, clamp);
    }
  }
}

}  // namespace hm
