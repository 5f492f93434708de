#include "image/resize.h"

#include <algorithm>
#include <cmath>

namespace hm {
namespace {

// One destination coordinate's two source taps and the weight of the second one.
struct Taps {
  size_t i0;
  size_t i1;
  float w1;
};

// Half-pixel-centre mapping (see resize.h); positions left of the first centre clamp to it.
inline Taps taps_for(size_t dst_i, float scale, size_t src_n) {
  float s = (static_cast<float>(dst_i) + 0.5f) * scale - 0.5f;
  s = std::max(s, 0.0f);
  size_t i0 = std::min(static_cast<size_t>(s), src_n - 1);
  size_t i1 = std::min(i0 + 1, src_n - 1);
  return Taps{i0, i1, s - static_cast<float>(i0)};
}

inline float lerp(float a, float b, float t) { return a + (b - a) * t; }

}  // namespace

void resize_bilinear_rgba8(const uint8_t* src, size_t src_w, size_t src_h, size_t src_stride,
                           uint8_t* dst, size_t dst_w, size_t dst_h, size_t dst_stride) {
  if (src_w == 0 || src_h == 0 || dst_w == 0 || dst_h == 0) return;
  const float sx = static_cast<float>(src_w) / static_cast<float>(dst_w);
  const float sy = static_cast<float>(src_h) / static_cast<float>(dst_h);
  for (size_t y = 0; y < dst_h; ++y) {
    const Taps ty = taps_for(y, sy, src_h);
    const uint8_t* row0 = src + ty.i0 * src_stride;
    const uint8_t* row1 = src + ty.i1 * src_stride;
    uint8_t* out = dst + y * dst_stride;
    for (size_t x = 0; x < dst_w; ++x) {
      const Taps tx = taps_for(x, sx, src_w);
      for (size_t c = 0; c < 4; ++c) {
        const float top = lerp(row0[tx.i0 * 4 + c], row0[tx.i1 * 4 + c], tx.w1);
        const float bottom = lerp(row1[tx.i0 * 4 + c], row1[tx.i1 * 4 + c], tx.w1);
        const float v = lerp(top, bottom, ty.w1);
        out[x * 4 + c] = static_cast<uint8_t>(std::min(255.0f, std::max(0.0f, v + 0.5f)));
      }
    }
  }
}

}  // namespace hm
