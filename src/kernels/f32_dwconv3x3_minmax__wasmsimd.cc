// 3x3 depthwise convolution, NHWC, wasm SIMD128: vectorised over channels (4 per f32x4).
//
// Geometry (TF "same"): out = ceil(in / stride); input row of output row oy, tap ky:
//   iy = oy * stride - pad + ky * dilation, pad = dilation for stride 1 and 0 for stride 2
// (stride 2 pads 0 before and 1 after). Taps outside the image contribute 0.
//
// Packed weights (pack_dwconv3x3, f32_layout.h): ceil(c / 4) groups of 4 channels, each group = 4 bias
// values then the 9 taps ([ky*3+kx][4]); channels past c are zero. 40 floats per group.
//
// Two interior schedules (measured in wasm, benchmarks/wasm): for c < 256 one group of 4 channels runs
// along a tile of 8 output pixels with its 9 weights in registers (2 outputs per step at stride 1,
// sharing input columns); for c >= 256 each pixel runs over all its groups with sequential streams.
// Border pixels (partial windows) take a per-pixel path over only their valid taps.
#include <algorithm>

#include "kernels/f32_layout.h"
#include "kernels/kernels.h"
#include "base/simd128.h"

namespace hm {
namespace {

constexpr size_t kGroup = kernels_internal::kDwGroup;
constexpr size_t kGroupFloats = kernels_internal::kDwGroupFloats;
constexpr size_t kWideChannels = 256;  // from here on, the per-pixel interior kernel

// One pixel of zeros for the taps of wide-channel border pixels that fall outside the image (read only).
constexpr size_t kZeroPixelFloats = 2048;
alignas(16) const float kZeroPixel[kZeroPixelFloats] = {};

using kernels_internal::dw_pad_before;

// Range of taps k in [0, 3) whose input coordinate o*stride - pad + k*dilation lies in [0, n).
void valid_taps(size_t o, size_t n, size_t stride, size_t dilation, size_t* k0, size_t* k1) {
  const ptrdiff_t base =
      static_cast<ptrdiff_t>(o * stride) - static_cast<ptrdiff_t>(dw_pad_before(stride, dilation));
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
void f32_dwconv3x3_minmax_border__wasmsimd(const float* const* rows, const size_t* xs, size_t ky0,
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

// One output pixel, all channels, its full 3x3 window inside the image: i0..i8 point at the 9 input
// pixels. Used when a pixel spans >= 1 KiB (c >= 256): walking one group of channels along a row (the
// row kernel below) would then stride by >= 1 KiB, and a run of such lines maps to a few L1 sets
// (measured ~2x slower at c = 1024); here every stream (9 inputs, weights, output) is sequential.
void f32_dwconv3x3_minmax_interior__wasmsimd(const float* i0, const float* i1, const float* i2,
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

// nx consecutive output pixels of one group of 4 channels, every 3x3 window inside the image. r0, r1,
// r2 point at the first output's top-left tap (channel offset applied) in its three input rows; the
// taps of a row are dc floats apart, consecutive outputs x_step floats apart in the input and
// out_step in the output. The 9 weights and the bias stay in registers for the whole run.
void f32_dwconv3x3_minmax_4c_row__wasmsimd(size_t nx, const float* r0, const float* r1,
                                           const float* r2, size_t x_step, size_t dc,
                                           const float* w, float* out, size_t out_step,
                                           v128_t vmin, v128_t vmax) {
  const v128_t vb = wasm_v128_load(w);
  const v128_t w0 = wasm_v128_load(w + 4), w1 = wasm_v128_load(w + 8), w2 = wasm_v128_load(w + 12);
  const v128_t w3 = wasm_v128_load(w + 16), w4 = wasm_v128_load(w + 20), w5 = wasm_v128_load(w + 24);
  const v128_t w6 = wasm_v128_load(w + 28), w7 = wasm_v128_load(w + 32), w8 = wasm_v128_load(w + 36);
  if (x_step == dc) {
    // Stride 1, dilation 1: two outputs share two of their three columns, so 4 column loads per row
    // serve both, and the two accumulators are independent chains.
    for (; nx >= 2; nx -= 2) {
      v128_t i0 = wasm_v128_load(r0), i1 = wasm_v128_load(r0 + dc);
      v128_t i2 = wasm_v128_load(r0 + 2 * dc), i3 = wasm_v128_load(r0 + 3 * dc);
      v128_t a = wasm_f32x4_add(vb, wasm_f32x4_mul(i0, w0));
      v128_t b = wasm_f32x4_add(vb, wasm_f32x4_mul(i1, w0));
      a = wasm_f32x4_add(a, wasm_f32x4_mul(i1, w1));
      b = wasm_f32x4_add(b, wasm_f32x4_mul(i2, w1));
      a = wasm_f32x4_add(a, wasm_f32x4_mul(i2, w2));
      b = wasm_f32x4_add(b, wasm_f32x4_mul(i3, w2));
      i0 = wasm_v128_load(r1), i1 = wasm_v128_load(r1 + dc);
      i2 = wasm_v128_load(r1 + 2 * dc), i3 = wasm_v128_load(r1 + 3 * dc);
      a = wasm_f32x4_add(a, wasm_f32x4_mul(i0, w3));
      b = wasm_f32x4_add(b, wasm_f32x4_mul(i1, w3));
      a = wasm_f32x4_add(a, wasm_f32x4_mul(i1, w4));
      b = wasm_f32x4_add(b, wasm_f32x4_mul(i2, w4));
      a = wasm_f32x4_add(a, wasm_f32x4_mul(i2, w5));
      b = wasm_f32x4_add(b, wasm_f32x4_mul(i3, w5));
      i0 = wasm_v128_load(r2), i1 = wasm_v128_load(r2 + dc);
      i2 = wasm_v128_load(r2 + 2 * dc), i3 = wasm_v128_load(r2 + 3 * dc);
      a = wasm_f32x4_add(a, wasm_f32x4_mul(i0, w6));
      b = wasm_f32x4_add(b, wasm_f32x4_mul(i1, w6));
      a = wasm_f32x4_add(a, wasm_f32x4_mul(i1, w7));
      b = wasm_f32x4_add(b, wasm_f32x4_mul(i2, w7));
      a = wasm_f32x4_add(a, wasm_f32x4_mul(i2, w8));
      b = wasm_f32x4_add(b, wasm_f32x4_mul(i3, w8));
      wasm_v128_store(out, clamp4(a, vmin, vmax));
      wasm_v128_store(out + out_step, clamp4(b, vmin, vmax));
      r0 += 2 * dc;
      r1 += 2 * dc;
      r2 += 2 * dc;
      out += 2 * out_step;
    }
  }
  for (; nx != 0; --nx) {
    v128_t acc = wasm_f32x4_add(vb, wasm_f32x4_mul(wasm_v128_load(r0), w0));
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r0 + dc), w1));
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r0 + 2 * dc), w2));
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r1), w3));
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r1 + dc), w4));
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r1 + 2 * dc), w5));
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r2), w6));
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r2 + dc), w7));
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r2 + 2 * dc), w8));
    wasm_v128_store(out, clamp4(acc, vmin, vmax));
    r0 += x_step;
    r1 += x_step;
    r2 += x_step;
    out += out_step;
  }
}

}  // namespace

void f32_dwconv3x3_minmax__wasmsimd(const float* in, size_t in_h, size_t in_w, size_t c, size_t stride,
                                    size_t dilation, const float* packed, float* out, Clamp clamp, size_t y0,
                                    size_t y1) {
  const size_t out_w = (in_w + stride - 1) / stride;
  const size_t pad = dw_pad_before(stride, dilation);
  const v128_t vmin = wasm_f32x4_splat(clamp.min);
  const v128_t vmax = wasm_f32x4_splat(clamp.max);
  const size_t full_groups = c / kGroup;
  // Output columns [x_lo, x_hi) have all three taps inside the row.
  size_t x_lo = 0;
  while (x_lo < out_w && x_lo * stride < pad) ++x_lo;
  size_t x_hi = x_lo;
  while (x_hi < out_w && x_hi * stride - pad + 2 * dilation < in_w) ++x_hi;

  auto border_pixel = [&](const float* const* rows, size_t ky0, size_t ky1, size_t ox, float* o) {
    size_t kx0, kx1;
    valid_taps(ox, in_w, stride, dilation, &kx0, &kx1);
    size_t xs[3] = {0, 0, 0};
    for (size_t kx = kx0; kx < kx1; ++kx) xs[kx] = ox * stride + kx * dilation - pad;
    f32_dwconv3x3_minmax_border__wasmsimd(rows, xs, ky0, ky1, kx0, kx1, c, packed, o, clamp);
  };

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
    if (c >= kWideChannels && c <= kZeroPixelFloats) {
      // Wide channels: every pixel, border or not, through the interior kernel; taps outside the image
      // read a pixel of zeros. (At 14 x 14 and 7 x 7, a quarter to a half of the pixels are border
      // pixels, and the generic border path is several times slower per pixel.)
      for (size_t ox = 0; ox < out_w; ++ox) {
        size_t kx0, kx1;
        valid_taps(ox, in_w, stride, dilation, &kx0, &kx1);
        const float* t[9];
        for (size_t ky = 0; ky < 3; ++ky)
          for (size_t kx = 0; kx < 3; ++kx) {
            const bool inside = ky >= ky0 && ky < ky1 && kx >= kx0 && kx < kx1;
            t[ky * 3 + kx] = inside ? rows[ky] + (ox * stride + kx * dilation - pad) * c : kZeroPixel;
          }
        f32_dwconv3x3_minmax_interior__wasmsimd(t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], c,
                                                packed, orow + ox * c, vmin, vmax);
      }
      continue;
    }
    if (ky0 != 0 || ky1 != 3) {  // a top or bottom row: every pixel misses some taps
      for (size_t ox = 0; ox < out_w; ++ox) border_pixel(rows, ky0, ky1, ox, orow + ox * c);
      continue;
    }
    for (size_t ox = 0; ox < x_lo; ++ox) border_pixel(rows, 0, 3, ox, orow + ox * c);
    for (size_t ox = x_hi; ox < out_w; ++ox) border_pixel(rows, 0, 3, ox, orow + ox * c);
    if (c >= kWideChannels) {
      const size_t d = dilation * c;
      for (size_t ox = x_lo; ox < x_hi; ++ox) {
        const size_t ix = ox * stride - pad;
        const float* t0 = rows[0] + ix * c;
        const float* t1 = rows[1] + ix * c;
        const float* t2 = rows[2] + ix * c;
        f32_dwconv3x3_minmax_interior__wasmsimd(t0, t0 + d, t0 + 2 * d, t1, t1 + d, t1 + 2 * d, t2,
                                                t2 + d, t2 + 2 * d, c, packed, orow + ox * c, vmin,
                                                vmax);
      }
      continue;
    }
    // Interior, c < 256: tiles of kTile pixels so that their input windows stay in L1 while every group
    // of channels runs over the tile (8 beat 16, 32 and whole rows on the stride-2 layers in wasm).
    constexpr size_t kTile = 8;
    for (size_t xt = x_lo; xt < x_hi; xt += kTile) {
      const size_t nx = std::min(kTile, x_hi - xt);
      const size_t ix = xt * stride - pad;
      for (size_t gi = 0; gi < full_groups; ++gi) {
        const size_t off = ix * c + gi * kGroup;
        f32_dwconv3x3_minmax_4c_row__wasmsimd(nx, rows[0] + off, rows[1] + off, rows[2] + off,
                                              stride * c, dilation * c,
                                              packed + gi * kGroupFloats, orow + xt * c + gi * kGroup,
                                              c, vmin, vmax);
      }
      if (full_groups * kGroup == c) continue;
      for (size_t ox = xt; ox < xt + nx; ++ox) {  // the last c % 4 channels, scalar
        const size_t xs[3] = {ox * stride - pad, ox * stride - pad + dilation,
                              ox * stride - pad + 2 * dilation};
        dwconv_pixel_tail(rows, xs, 0, 3, 0, 3, full_groups * kGroup, c, packed, orow + ox * c, clamp);
      }
    }
  }
}

}  // namespace hm
