// First convolution: 3x3, stride 2, RGB(A) uint8 in, float NHWC out, with the network's input
// normalisation x' = x / 127.5 - 1 folded into the weights:
//   sum_t w_t * (x_t / 127.5 - 1) + b  =  sum_t (w_t / 127.5) * x_t + (b - sum_t w_t).
// TF "same" padding for stride 2 pads 0 before and 1 after; a padded tap must contribute w_t * 0
// (a normalised 0), which in the folded form is the raw value 127.5: (w_t / 127.5) * 127.5 - w_t = 0.
//
// Packed weights: ceil(out_c / 4) groups of 4 output channels, each = 4 folded biases then 27 taps
// ([t][4], t = (ky * 3 + kx) * 3 + ci); channels past out_c are zero.
#include <algorithm>
#include <cstring>

#include "kernels/kernels.h"
#include "kernels/simd128.h"

namespace hm {
namespace {

constexpr size_t kGroup = 4;
constexpr size_t kTaps = 27;
constexpr size_t kGroupFloats = kGroup * (1 + kTaps);
constexpr float kPadValue = 127.5f;  // raw value whose normalisation is exactly 0

// The 27 raw input values of output pixel (oy, ox), padded taps set to 127.5.
void gather_window(const uint8_t* in, size_t in_h, size_t in_w, size_t in_row_stride, size_t oy,
                   size_t ox, float* x) {
  for (size_t ky = 0; ky < 3; ++ky) {
    const size_t iy = oy * 2 + ky;
    for (size_t kx = 0; kx < 3; ++kx) {
      const size_t ix = ox * 2 + kx;
      float* t = x + (ky * 3 + kx) * 3;
      if (iy < in_h && ix < in_w) {
        const uint8_t* p = in + iy * in_row_stride + ix * 4;
        t[0] = p[0];
        t[1] = p[1];
        t[2] = p[2];
      } else {
        t[0] = t[1] = t[2] = kPadValue;
      }
    }
  }
}

// One output pixel: 16 channels per step (one splat of each tap feeds 4 groups), then 4, then scalar.
void f32_conv3x3s2_rgb_minmax_27x16__wasmsimd(const float* x, const float* packed, size_t out_c,
                                              float* out, Clamp clamp) {
  const v128_t vmin = wasm_f32x4_splat(clamp.min);
  const v128_t vmax = wasm_f32x4_splat(clamp.max);
  size_t oc = 0;
  const float* g = packed;
  for (; oc + 4 * kGroup <= out_c; oc += 4 * kGroup, g += 4 * kGroupFloats) {
    const float* g0 = g;
    const float* g1 = g + kGroupFloats;
    const float* g2 = g + 2 * kGroupFloats;
    const float* g3 = g + 3 * kGroupFloats;
    v128_t acc0 = wasm_v128_load(g0), acc1 = wasm_v128_load(g1);
    v128_t acc2 = wasm_v128_load(g2), acc3 = wasm_v128_load(g3);
    for (size_t t = 0; t < kTaps; ++t) {
      const v128_t s = wasm_v128_load32_splat(x + t);
      const size_t o = kGroup + t * kGroup;
      acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(s, wasm_v128_load(g0 + o)));
      acc1 = wasm_f32x4_add(acc1, wasm_f32x4_mul(s, wasm_v128_load(g1 + o)));
      acc2 = wasm_f32x4_add(acc2, wasm_f32x4_mul(s, wasm_v128_load(g2 + o)));
      acc3 = wasm_f32x4_add(acc3, wasm_f32x4_mul(s, wasm_v128_load(g3 + o)));
    }
    wasm_v128_store(out + oc, wasm_f32x4_pmin(vmax, wasm_f32x4_pmax(vmin, acc0)));
    wasm_v128_store(out + oc + 4, wasm_f32x4_pmin(vmax, wasm_f32x4_pmax(vmin, acc1)));
    wasm_v128_store(out + oc + 8, wasm_f32x4_pmin(vmax, wasm_f32x4_pmax(vmin, acc2)));
    wasm_v128_store(out + oc + 12, wasm_f32x4_pmin(vmax, wasm_f32x4_pmax(vmin, acc3)));
  }
  for (; oc + kGroup <= out_c; oc += kGroup, g += kGroupFloats) {
    v128_t acc = wasm_v128_load(g);
    for (size_t t = 0; t < kTaps; ++t)
      acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load32_splat(x + t),
                                               wasm_v128_load(g + kGroup + t * kGroup)));
    wasm_v128_store(out + oc, wasm_f32x4_pmin(vmax, wasm_f32x4_pmax(vmin, acc)));
  }
  for (; oc < out_c; ++oc) {  // the last out_c % 4 channels: g points at their group
    const size_t lane = oc % kGroup;
    float acc = g[lane];
    for (size_t t = 0; t < kTaps; ++t) acc += x[t] * g[kGroup + t * kGroup + lane];
    out[oc] = std::min(std::max(acc, clamp.min), clamp.max);
  }
}

}  // namespace

size_t packed_conv3x3s2_rgb_size(size_t out_c) {
  return (out_c + kGroup - 1) / kGroup * kGroupFloats;
}

void pack_conv3x3s2_rgb(size_t out_c, const float* weight_oihw, const float* bias, float* packed) {
  std::memset(packed, 0, packed_conv3x3s2_rgb_size(out_c) * sizeof(float));
  for (size_t oc = 0; oc < out_c; ++oc) {
    float* g = packed + oc / kGroup * kGroupFloats;
    const size_t lane = oc % kGroup;
    double weight_sum = 0.0;
    for (size_t ci = 0; ci < 3; ++ci) {
      for (size_t ky = 0; ky < 3; ++ky) {
        for (size_t kx = 0; kx < 3; ++kx) {
          const float w = weight_oihw[((oc * 3 + ci) * 3 + ky) * 3 + kx];
          weight_sum += w;
          g[kGroup + ((ky * 3 + kx) * 3 + ci) * kGroup + lane] = w / 127.5f;
        }
      }
    }
    g[lane] = static_cast<float>((bias != nullptr ? bias[oc] : 0.0) - weight_sum);
  }
}

void conv3x3s2_rgb_scalar(const uint8_t* in, size_t in_h, size_t in_w, size_t in_row_stride,
                          const float* packed, size_t out_c, float* out, Clamp clamp, size_t y0,
                          size_t y1) {
  const size_t out_w = (in_w + 1) / 2;
  float x[kTaps];
  for (size_t oy = y0; oy < y1; ++oy) {
    for (size_t ox = 0; ox < out_w; ++ox) {
      gather_window(in, in_h, in_w, in_row_stride, oy, ox, x);
      float* o = out + (oy * out_w + ox) * out_c;
      for (size_t oc = 0; oc < out_c; ++oc) {
        const float* g = packed + oc / kGroup * kGroupFloats;
        const size_t lane = oc % kGroup;
        float acc = g[lane];
        for (size_t t = 0; t < kTaps; ++t) acc += x[t] * g[kGroup + t * kGroup + lane];
        o[oc] = std::min(std::max(acc, clamp.min), clamp.max);
      }
    }
  }
}

void conv3x3s2_rgb(const uint8_t* in, size_t in_h, size_t in_w, size_t in_row_stride,
                   const float* packed, size_t out_c, float* out, Clamp clamp, size_t y0, size_t y1) {
  const size_t out_w = (in_w + 1) / 2;
  float x[kTaps];
  for (size_t oy = y0; oy < y1; ++oy) {
    for (size_t ox = 0; ox < out_w; ++ox) {
      gather_window(in, in_h, in_w, in_row_stride, oy, ox, x);
      f32_conv3x3s2_rgb_minmax_27x16__wasmsimd(x, packed, out_c, out + (oy * out_w + ox) * out_c,
                                               clamp);
    }
  }
}

}  // namespace hm
