#include "matting/fast_guided_upsample.h"

#include <algorithm>
#include <cmath>

#include "image/pixel_simd128.h"
#include "matting/unit_to_byte.h"

namespace hm {
namespace {

// Block means of the frame's R, G, B over s x s blocks (the last block of a row or column may be smaller),
// scaled to [0, 1]. The s rows of a block row are first summed column by column, 16 bytes at a time with
// SIMD128 (u16 sums: s <= 256 rows of 255 fit), then each block's s columns are added up.
void subsample_guide(const uint8_t* frame, int width, int height, size_t stride, int s, int lw, int lh,
                     uint16_t* column_sums, float* r, float* g, float* b) {
  const size_t row_bytes = static_cast<size_t>(width) * 4;
  for (int j = 0; j < lh; ++j) {
    const int y0 = j * s, y1 = std::min(y0 + s, height);
    std::fill(column_sums, column_sums + row_bytes, uint16_t{0});
    for (int y = y0; y < y1; ++y) {
      const uint8_t* px = frame + static_cast<size_t>(y) * stride;
      size_t k = 0;
      for (; k + 16 <= row_bytes; k += 16) {
        const v128_t bytes = wasm_v128_load(px + k);
        uint16_t* sum = column_sums + k;
        wasm_v128_store(sum, wasm_i16x8_add(wasm_v128_load(sum), wasm_u16x8_extend_low_u8x16(bytes)));
        wasm_v128_store(sum + 8, wasm_i16x8_add(wasm_v128_load(sum + 8), wasm_u16x8_extend_high_u8x16(bytes)));
      }
      for (; k < row_bytes; ++k) column_sums[k] = static_cast<uint16_t>(column_sums[k] + px[k]);
    }
    for (int i = 0; i < lw; ++i) {
      const int x0 = i * s, x1 = std::min(x0 + s, width);
      uint32_t sr = 0, sg = 0, sb = 0;
      for (int x = x0; x < x1; ++x) {
        sr += column_sums[x * 4 + 0];
        sg += column_sums[x * 4 + 1];
        sb += column_sums[x * 4 + 2];
      }
      const float inv = 1.0f / (255.0f * static_cast<float>((y1 - y0) * (x1 - x0)));
      const size_t k = static_cast<size_t>(j) * lw + i;
      r[k] = static_cast<float>(sr) * inv;
      g[k] = static_cast<float>(sg) * inv;
      b[k] = static_cast<float>(sb) * inv;
    }
  }
}

// Bilinear taps from full-resolution index x to the low-resolution grid (cell centres at (i + 0.5) s).
struct Tap {
  int i0, i1;
  float w1;
};
inline Tap low_tap(int x, int s, int low_n) {
  const float c = std::max((static_cast<float>(x) + 0.5f) / static_cast<float>(s) - 0.5f, 0.0f);
  const int i0 = std::min(static_cast<int>(c), low_n - 1);
  return Tap{i0, std::min(i0 + 1, low_n - 1), c - static_cast<float>(i0)};
}

}  // namespace

Status FastGuidedUpsampler::run(const uint8_t* frame, int width, int height, size_t frame_stride,
                                const float* low_matte, FastGuidedParams params, uint8_t* alpha) {
  if (!frame || !low_matte || !alpha) return Status::error("fast guided filter: null image");
  if (params.subsample < 1 || params.subsample > 256) {
    return Status::error("fast guided filter: subsample must be in [1, 256]");
  }
  if (width <= 0 || height <= 0) return Status::error("fast guided filter: frame size must be positive");
  if (frame_stride < static_cast<size_t>(width) * 4) return Status::error("fast guided filter: stride too small");
  if (params.radius < 0) return Status::error("fast guided filter: radius must be >= 0");
  const int s = params.subsample;
  const int lw = subsampled_size(width, s), lh = subsampled_size(height, s);
  const int low_radius = std::max(1, static_cast<int>(std::lround(static_cast<double>(params.radius) / s)));

  const size_t low_n = static_cast<size_t>(lw) * lh;
  for (auto& plane : guide_) plane.resize(low_n);
  column_sums_.resize(static_cast<size_t>(width) * 4);
  subsample_guide(frame, width, height, frame_stride, s, lw, lh, column_sums_.data(), guide_[0].data(),
                  guide_[1].data(), guide_[2].data());
  Status st = filter_.compute_coefficients(guide_[0].data(), guide_[1].data(), guide_[2].data(), low_matte, lw,
                                           lh, {low_radius, params.eps});
  if (!st.ok) return st;

  // Bilinear upsampling of the coefficients, separably: each low-resolution row is interpolated
  // horizontally to the frame's width once (two such rows are kept), then every frame row is the vertical
  // interpolation of two of them, four pixels at a time, fused with q = a . I + b (He & Sun, Algorithm 2,
  // step 6).
  const float* coeff[4] = {filter_.mean_a(0), filter_.mean_a(1), filter_.mean_a(2), filter_.mean_b()};
  column_taps_.resize(static_cast<size_t>(width));
  for (int x = 0; x < width; ++x) {
    const Tap t = low_tap(x, s, lw);
    column_taps_[x] = ColumnTap{t.i0, t.i1, t.w1};
  }
  for (auto& slot : wide_rows_) {
    slot.low_row = -1;
    slot.values.resize(static_cast<size_t>(width) * 4);
  }
  const auto wide_row = [&](int low_row, int keep) -> const float* {
    for (auto& slot : wide_rows_) {
      if (slot.low_row == low_row) return slot.values.data();
    }
    WideRow& slot = wide_rows_[wide_rows_[0].low_row == keep ? 1 : 0];
    slot.low_row = low_row;
    for (int c = 0; c < 4; ++c) {
      const float* v = coeff[c] + static_cast<size_t>(low_row) * lw;
      float* dst = slot.values.data() + static_cast<size_t>(c) * width;
      for (int x = 0; x < width; ++x) {
        const ColumnTap t = column_taps_[x];
        dst[x] = v[t.i0] + (v[t.i1] - v[t.i0]) * t.w1;
      }
    }
    return slot.values.data();
  };

  constexpr float kInv255 = 1.0f / 255.0f;
  const v128_t inv255 = wasm_f32x4_splat(kInv255);
  for (int y = 0; y < height; ++y) {
    const Tap ty = low_tap(y, s, lh);
    const float* up0 = wide_row(ty.i0, ty.i1);
    const float* up1 = wide_row(ty.i1, ty.i0);
    const v128_t wy = wasm_f32x4_splat(ty.w1);
    const uint8_t* px = frame + static_cast<size_t>(y) * frame_stride;
    uint8_t* out = alpha + static_cast<size_t>(y) * width;
    const auto lerp_x4 = [&](int c, int x) {
      const v128_t a = wasm_v128_load(up0 + static_cast<size_t>(c) * width + x);
      const v128_t b = wasm_v128_load(up1 + static_cast<size_t>(c) * width + x);
      return wasm_f32x4_add(a, wasm_f32x4_mul(wasm_f32x4_sub(b, a), wy));
    };
    int x = 0;
    for (; x + 4 <= width; x += 4) {
      v128_t r, g, b;
      simd::load_4_rgba8_planar(px + 4 * x, &r, &g, &b);
      const v128_t dot = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(lerp_x4(0, x), r), wasm_f32x4_mul(lerp_x4(1, x), g)),
                                        wasm_f32x4_mul(lerp_x4(2, x), b));
      const v128_t q = wasm_f32x4_add(wasm_f32x4_mul(dot, inv255), lerp_x4(3, x));
      simd::store_f32x4_u8x4(simd::unit_to_byte_f32x4(q), out + x);
    }
    for (; x < width; ++x) {  // the last 0-3 pixels: the same operations one lane at a time
      float a[4];
      for (int c = 0; c < 4; ++c) {
        const float v0 = up0[static_cast<size_t>(c) * width + x], v1 = up1[static_cast<size_t>(c) * width + x];
        a[c] = v0 + (v1 - v0) * ty.w1;
      }
      const uint8_t* p = px + 4 * x;
      const float q = (a[0] * p[0] + a[1] * p[1] + a[2] * p[2]) * kInv255 + a[3];
      out[x] = unit_to_byte(q);
    }
  }
  return st;
}

}  // namespace hm
