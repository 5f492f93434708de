// src/image/resize.* against a brute-force reference: every destination pixel as the sum over ALL source
// pixels of the separable triangle (tent) weight max(0, 1 - |s - i|) at the clamped half-pixel-centre
// coordinate s, in double. This is bilinear interpolation written the slow, obvious way.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "image/resize.h"

namespace {

double source_coord(size_t dst_i, size_t src_n, size_t dst_n) {
  double s = (dst_i + 0.5) * static_cast<double>(src_n) / static_cast<double>(dst_n) - 0.5;
  return std::min(std::max(s, 0.0), static_cast<double>(src_n - 1));
}

double tent(double d) { return std::max(0.0, 1.0 - std::fabs(d)); }

// value(x, y) of a src_w x src_h plane through an accessor.
template <typename Get>
double reference_sample(Get get, size_t src_w, size_t src_h, size_t x, size_t y, size_t dst_w,
                        size_t dst_h) {
  const double sx = source_coord(x, src_w, dst_w), sy = source_coord(y, src_h, dst_h);
  double acc = 0.0;
  for (size_t j = 0; j < src_h; ++j)
    for (size_t i = 0; i < src_w; ++i) acc += tent(sx - i) * tent(sy - j) * get(i, j);
  return acc;
}

std::vector<uint8_t> random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = static_cast<uint8_t>(rng() & 255);
  return v;
}

struct Shape {
  size_t src_w, src_h, dst_w, dst_h;
};

// Downscale (camera frame -> network input), upscale, identity, odd sizes, 1-pixel edges.
const Shape kShapes[] = {{160, 120, 24, 20}, {17, 9, 32, 32}, {32, 32, 32, 32}, {5, 7, 13, 3},
                         {1, 1, 4, 3},       {3, 1, 7, 2},    {64, 64, 31, 45},
                         {300, 7, 290, 3}};  // wider than one block of 256 column taps

TEST(ResizeBilinearRgba8, MatchesBruteForceTentFilter) {
  for (const Shape& s : kShapes) {
    const size_t src_stride = s.src_w * 4 + 8;  // padded rows: the stride must be honoured
    const auto src = random_bytes(src_stride * s.src_h, 7u + static_cast<uint32_t>(s.src_w));
    std::vector<uint8_t> dst(s.dst_w * 4 * s.dst_h, 0);
    hm::resize_bilinear_rgba8(src.data(), s.src_w, s.src_h, src_stride, dst.data(), s.dst_w, s.dst_h,
                              s.dst_w * 4);
    for (size_t y = 0; y < s.dst_h; ++y)
      for (size_t x = 0; x < s.dst_w; ++x)
        for (size_t c = 0; c < 4; ++c) {
          auto get = [&](size_t i, size_t j) { return double(src[j * src_stride + i * 4 + c]); };
          const double want = reference_sample(get, s.src_w, s.src_h, x, y, s.dst_w, s.dst_h);
          // float interpolation vs double: at most one step of rounding apart.
          ASSERT_NEAR(dst[(y * s.dst_w + x) * 4 + c], want, 0.5 + 1e-3)
              << s.src_w << "x" << s.src_h << "->" << s.dst_w << "x" << s.dst_h << " at " << x << ","
              << y << " c" << c;
        }
  }
}

TEST(ResizeBilinearRgba8, IdentityIsExact) {
  const auto src = random_bytes(9 * 4 * 5, 3);
  std::vector<uint8_t> dst(src.size());
  hm::resize_bilinear_rgba8(src.data(), 9, 5, 36, dst.data(), 9, 5, 36);
  EXPECT_EQ(src, dst);
}

TEST(ResizeBilinearRgba8, TwoPixelsUpsampledToFourAreQuarterSteps) {
  const uint8_t src[8] = {0, 100, 200, 255, 100, 0, 40, 255};
  uint8_t dst[16];
  hm::resize_bilinear_rgba8(src, 2, 1, 8, dst, 4, 1, 16);
  // Half-pixel centres: 4 outputs sample source x = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
  const uint8_t want[16] = {0, 100, 200, 255, 25, 75, 160, 255, 75, 25, 80, 255, 100, 0, 40, 255};
  for (int i = 0; i < 16; ++i) EXPECT_EQ(dst[i], want[i]) << i;
}

}  // namespace
