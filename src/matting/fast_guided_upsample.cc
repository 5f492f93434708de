#include "matting/fast_guided_upsample.h"

#include <algorithm>
#include <cmath>

#include "matting/unit_to_byte.h"

namespace hm {
namespace {

// Block means of the frame's R, G, B over s x s blocks (the last block of a row or column may be smaller),
// scaled to [0, 1].
void subsample_guide(const uint8_t* frame, int width, int height, size_t stride, int s, int lw, int lh,
                     float* r, float* g, float* b) {
  for (int j = 0; j < lh; ++j) {
    const int y0 = j * s, y1 = std::min(y0 + s, height);
    for (int i = 0; i < lw; ++i) {
      const int x0 = i * s, x1 = std::min(x0 + s, width);
      uint32_t sr = 0, sg = 0, sb = 0;
      for (int y = y0; y < y1; ++y) {
        const uint8_t* px = frame + static_cast<size_t>(y) * stride + static_cast<size_t>(x0) * 4;
        for (int x = x0; x < x1; ++x, px += 4) {
          sr += px[0];
          sg += px[1];
          sb += px[2];
        }
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
  if (params.subsample < 1) return Status::error("fast guided filter: subsample must be >= 1");
  if (width <= 0 || height <= 0) return Status::error("fast guided filter: frame size must be positive");
  if (frame_stride < static_cast<size_t>(width) * 4) return Status::error("fast guided filter: stride too small");
  if (params.radius < 0) return Status::error("fast guided filter: radius must be >= 0");
  const int s = params.subsample;
  const int lw = subsampled_size(width, s), lh = subsampled_size(height, s);
  const int low_radius = std::max(1, static_cast<int>(std::lround(static_cast<double>(params.radius) / s)));

  const size_t low_n = static_cast<size_t>(lw) * lh;
  for (auto& plane : guide_) plane.resize(low_n);
  subsample_guide(frame, width, height, frame_stride, s, lw, lh, guide_[0].data(), guide_[1].data(),
                  guide_[2].data());
  Status st = filter_.compute_coefficients(guide_[0].data(), guide_[1].data(), guide_[2].data(), low_matte, lw,
                                           lh, {low_radius, params.eps});
  if (!st.ok) return st;

  const float* coeff[4] = {filter_.mean_a(0), filter_.mean_a(1), filter_.mean_a(2), filter_.mean_b()};
  for (auto& row : row_coeffs_) row.resize(static_cast<size_t>(lw));
  column_taps_.resize(static_cast<size_t>(width));
  for (int x = 0; x < width; ++x) {
    const Tap t = low_tap(x, s, lw);
    column_taps_[x] = ColumnTap{t.i0, t.i1, t.w1};
  }
  for (int y = 0; y < height; ++y) {
    // Interpolate the four coefficient planes vertically into one low-resolution row...
    const Tap ty = low_tap(y, s, lh);
    for (int c = 0; c < 4; ++c) {
      const float* r0 = coeff[c] + static_cast<size_t>(ty.i0) * lw;
      const float* r1 = coeff[c] + static_cast<size_t>(ty.i1) * lw;
      float* dst = row_coeffs_[c].data();
      for (int i = 0; i < lw; ++i) dst[i] = r0[i] + (r1[i] - r0[i]) * ty.w1;
    }
    // ...then horizontally per pixel, and apply q = a . I + b (He & Sun, Algorithm 2, step 6).
    const float *ar = row_coeffs_[0].data(), *ag = row_coeffs_[1].data(), *ab = row_coeffs_[2].data(),
                *bb = row_coeffs_[3].data();
    const uint8_t* px = frame + static_cast<size_t>(y) * frame_stride;
    uint8_t* out = alpha + static_cast<size_t>(y) * width;
    for (int x = 0; x < width; ++x, px += 4) {
      const ColumnTap tx = column_taps_[x];
      const auto lerp = [&](const float* v) { return v[tx.i0] + (v[tx.i1] - v[tx.i0]) * tx.w1; };
      constexpr float kInv255 = 1.0f / 255.0f;
      const float q = (lerp(ar) * px[0] + lerp(ag) * px[1] + lerp(ab) * px[2]) * kInv255 + lerp(bb);
      out[x] = unit_to_byte(q);
    }
  }
  return st;
}

}  // namespace hm
