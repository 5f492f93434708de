// OKLab and sRGB conversions against published values and exact formulas.
#include <gtest/gtest.h>

#include <cmath>

#include "color/oklab.h"

namespace hm {
namespace {

TEST(RecolorOklab, MatchesPublishedValues) {
  // Ottosson's reference values for white and the sRGB primaries.
  struct Ref {
    uint8_t rgb[3];
    float L, a, b;
  };
  const Ref refs[] = {{{255, 255, 255}, 1.0f, 0.0f, 0.0f},
                      {{255, 0, 0}, 0.62796f, 0.22486f, 0.12585f},
                      {{0, 255, 0}, 0.86644f, -0.23389f, 0.17950f},
                      {{0, 0, 255}, 0.45201f, -0.03246f, -0.31153f},
                      {{0, 0, 0}, 0.0f, 0.0f, 0.0f}};
  for (const Ref& r : refs) {
    const Lab lab = srgb8_to_oklab(r.rgb);
    EXPECT_NEAR(lab.L, r.L, 2e-4);
    EXPECT_NEAR(lab.a, r.a, 2e-4);
    EXPECT_NEAR(lab.b, r.b, 2e-4);
  }
}

TEST(RecolorOklab, RoundTripsTheRgbCube) {
  float worst = 0;
  for (int r = 0; r < 256; r += 15)
    for (int g = 0; g < 256; g += 15)
      for (int b = 0; b < 256; b += 15) {
        const uint8_t px[3] = {static_cast<uint8_t>(r), static_cast<uint8_t>(g), static_cast<uint8_t>(b)};
        const Rgb back = oklab_to_linear(srgb8_to_oklab(px));
        worst = std::fmax(worst, std::fabs(linear_to_srgb(back.r) * 255 - r));
        worst = std::fmax(worst, std::fabs(linear_to_srgb(back.g) * 255 - g));
        worst = std::fmax(worst, std::fabs(linear_to_srgb(back.b) * 255 - b));
      }
  EXPECT_LT(worst, 0.01f);
}

TEST(RecolorOklab, FastPiecesMatchExactFormulas) {
  for (float x = 0.0f; x < 2.0f; x += 0.001f) EXPECT_NEAR(cbrt_nonnegative(x), std::cbrt(x), 1e-6f * (1 + x));
  EXPECT_NEAR(cbrt_nonnegative(1e-30f), std::cbrt(1e-30f), 1e-16f);
  EXPECT_EQ(cbrt_nonnegative(0.0f), 0.0f);
  EXPECT_EQ(cbrt_nonnegative(-1.0f), 0.0f);
  for (float v = -0.1f; v <= 1.1f; v += 1e-4f) {
    const float c = std::fmin(1.0f, std::fmax(0.0f, v));
    EXPECT_NEAR(linear_to_srgb(v), linear_to_srgb_exact(c), 2e-5f) << v;
  }
  for (int i = 0; i < 256; ++i) EXPECT_FLOAT_EQ(srgb8_to_linear_table()[i], srgb_to_linear_exact(i / 255.0f));
  EXPECT_NEAR(srgb_to_linear_exact(0.5f), 0.21404f, 1e-5f);
}

}  // namespace
}  // namespace hm
