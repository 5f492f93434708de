// The recolour formula's promises (docs/recolor.md): matte-0 pixels untouched, hue to the target with the
// lightness texture kept, dark hair visibly coloured, dye darkens more easily than it lightens, ombre and
// highlights, strength and matte compositing, and clear errors.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "color/oklab.h"
#include "color/recolor.h"
#include "color/recolor_formula.h"

namespace hm {
namespace {

constexpr int kW = 64, kH = 96;
constexpr float kPi = 3.14159265f;

struct Image {
  std::vector<uint8_t> rgba = std::vector<uint8_t>(kW * kH * 4);
  std::vector<uint8_t> matte = std::vector<uint8_t>(kW * kH, 0);
  const uint8_t* px(int x, int y) const { return &rgba[(y * kW + x) * 4]; }
};

// Hair of a given base colour over rows [10, 80) with strand texture (vertical stripes of lightness plus
// noise), a light background elsewhere. Matte 255 on the hair.
Image hair_image(float r, float g, float b, float strand_contrast, uint32_t seed) {
  Image im;
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, 3.0f);
  for (int y = 0; y < kH; ++y)
    for (int x = 0; x < kW; ++x) {
      uint8_t* p = &im.rgba[(y * kW + x) * 4];
      const bool hair = y >= 10 && y < 80;
      const float shade = hair ? 1.0f + strand_contrast * std::sin(1.3f * x + 0.2f * y) : 1.0f;
      const float base[3] = {hair ? r : 220.f, hair ? g : 215.f, hair ? b : 205.f};
      for (int c = 0; c < 3; ++c) p[c] = static_cast<uint8_t>(std::fmin(255.f, std::fmax(0.f, base[c] * shade + noise(rng))));
      p[3] = 255;
      im.matte[y * kW + x] = hair ? 255 : 0;
    }
  return im;
}

Image run(const Image& in, const RecolorLook& look) {
  Image out = in;
  const HairStats stats = compute_hair_stats(in.rgba.data(), kW, kH, kW * 4, in.matte.data());
  const Status st = recolor(in.rgba.data(), kW, kH, kW * 4, in.matte.data(), look, stats, out.rgba.data(), kW * 4);
  EXPECT_TRUE(st.ok) << st.message;
  return out;
}

RecolorLook look_of(const char* color, RecolorMode mode = RecolorMode::kSolid, float strength = 1.0f,
                    const char* end = nullptr) {
  RecolorLook look;
  EXPECT_TRUE(parse_hex_color(color, look.color));
  EXPECT_TRUE(parse_hex_color(end ? end : color, look.color_end));
  look.mode = mode;
  look.strength = strength;
  return look;
}

float hue_of(Lab c) { return std::atan2(c.b, c.a); }
float chroma_of(Lab c) { return std::hypot(c.a, c.b); }
float hue_distance(float h1, float h2) {
  float d = std::fabs(h1 - h2);
  return std::fmin(d, 2 * kPi - d);
}
Lab lab_of(const char* hex) {
  uint8_t rgb[3];
  EXPECT_TRUE(parse_hex_color(hex, rgb));
  return srgb8_to_oklab(rgb);
}
float delta_e(Lab x, Lab y) { return std::sqrt((x.L - y.L) * (x.L - y.L) + (x.a - y.a) * (x.a - y.a) + (x.b - y.b) * (x.b - y.b)); }

// Mean OKLab over the hair pixels of rows [y0, y1).
Lab mean_lab(const Image& im, int y0, int y1) {
  Lab s{0, 0, 0};
  int n = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = 0; x < kW; ++x) {
      if (im.matte[y * kW + x] != 255) continue;
      const Lab c = srgb8_to_oklab(im.px(x, y));
      s.L += c.L, s.a += c.a, s.b += c.b, ++n;
    }
  return Lab{s.L / n, s.a / n, s.b / n};
}

double lightness_correlation(const Image& before, const Image& after) {
  std::vector<double> a, b;
  for (int i = 0; i < kW * kH; ++i) {
    if (before.matte[i] != 255) continue;
    a.push_back(srgb8_to_oklab(&before.rgba[i * 4]).L);
    b.push_back(srgb8_to_oklab(&after.rgba[i * 4]).L);
  }
  double ma = 0, mb = 0;
  for (size_t i = 0; i < a.size(); ++i) ma += a[i], mb += b[i];
  ma /= a.size(), mb /= b.size();
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

TEST(RecolorFormula, MatteZeroPixelsAreUnchangedBitForBit) {
  std::mt19937 rng(1);
  Image im;
  for (auto& v : im.rgba) v = static_cast<uint8_t>(rng());
  for (auto& m : im.matte) m = (rng() % 3 == 0) ? 0 : static_cast<uint8_t>(rng());
  for (RecolorMode mode : {RecolorMode::kSolid, RecolorMode::kOmbre, RecolorMode::kHighlights}) {
    const Image out = run(im, look_of("#00ff80", mode, 1.0f, "#ff0000"));
    int changed = 0;
    for (int i = 0; i < kW * kH; ++i) {
      EXPECT_EQ(out.rgba[i * 4 + 3], im.rgba[i * 4 + 3]);  // alpha channel kept everywhere
      if (im.matte[i] == 0) {
        for (int c = 0; c < 3; ++c) ASSERT_EQ(out.rgba[i * 4 + c], im.rgba[i * 4 + c]) << "pixel " << i;
      } else {
        changed += out.rgba[i * 4] != im.rgba[i * 4] || out.rgba[i * 4 + 1] != im.rgba[i * 4 + 1];
      }
    }
    EXPECT_GT(changed, kW * kH / 3);  // and the others were recoloured
  }
  // In place gives the same result.
  Image in_place = im;
  const HairStats stats = compute_hair_stats(im.rgba.data(), kW, kH, kW * 4, im.matte.data());
  ASSERT_TRUE(recolor(in_place.rgba.data(), kW, kH, kW * 4, im.matte.data(), look_of("#00ff80"), stats,
                      in_place.rgba.data(), kW * 4).ok);
  EXPECT_EQ(in_place.rgba, run(im, look_of("#00ff80")).rgba);
}

TEST(RecolorFormula, HairTakesTheTargetHueAndKeepsItsLightnessTexture) {
  const Image brown = hair_image(90, 60, 40, 0.25f, 2);  // mid-dark brown with strands
  for (const char* target : {"#8b2252", "#2a6fdb", "#3fa34d", "#c9a16b"}) {
    const Image out = run(brown, look_of(target));
    const Lab t = lab_of(target), after = mean_lab(out, 10, 80);
    EXPECT_LT(hue_distance(hue_of(after), hue_of(t)), 10 * kPi / 180) << target;
    const double corr = lightness_correlation(brown, out);
    EXPECT_GT(corr, 0.9) << target;
    std::printf("%s: hue off by %.1f deg, chroma %.3f (target %.3f), lightness correlation %.4f\n", target,
                hue_distance(hue_of(after), hue_of(t)) * 180 / kPi, chroma_of(after), chroma_of(t), corr);
  }
}

TEST(RecolorFormula, DarkHairGetsVisibleChroma) {
  const Image black = hair_image(28, 22, 20, 0.3f, 3);  // near-black hair
  const Lab before = mean_lab(black, 10, 80);
  for (const char* target : {"#8b2252", "#c0392b", "#2a6fdb"}) {
    const Image out = run(black, look_of(target, RecolorMode::kSolid, 0.8f));
    const Lab after = mean_lab(out, 10, 80);
    std::printf("black hair -> %s: chroma %.3f -> %.3f, L %.3f -> %.3f, dE %.3f\n", target, chroma_of(before),
                chroma_of(after), before.L, after.L, delta_e(before, after));
    EXPECT_LT(chroma_of(before), 0.02f);
    EXPECT_GT(chroma_of(after), 0.06f) << target;  // clearly coloured, not a grey tint
    EXPECT_GT(delta_e(before, after), 0.08f) << target;
  }
}

TEST(RecolorFormula, DyeDarkensMoreEasilyThanItLightens) {
  const Image mid = hair_image(120, 110, 100, 0.15f, 4);
  const float L0 = mean_lab(mid, 10, 80).L;
  // Neutral targets 0.2 darker and 0.2 lighter than the hair (OKLab L of grey g is cbrt(linear(g))).
  const auto grey_with_lightness = [](float L) {
    const float g = linear_to_srgb_exact(L * L * L) * 255.0f + 0.5f;
    char hex[8];
    std::snprintf(hex, sizeof hex, "#%02x%02x%02x", int(g), int(g), int(g));
    return std::string(hex);
  };
  const float darker = mean_lab(run(mid, look_of(grey_with_lightness(L0 - 0.2f).c_str())), 10, 80).L - L0;
  const float lighter = mean_lab(run(mid, look_of(grey_with_lightness(L0 + 0.2f).c_str())), 10, 80).L - L0;
  std::printf("L %.3f: darkening target moves L by %.3f, lightening target by %.3f\n", L0, darker, lighter);
  EXPECT_LT(darker, -0.15f);
  EXPECT_GT(lighter, 0.05f);
  EXPECT_GT(-darker, 1.5f * lighter);
}

TEST(RecolorFormula, OmbreDiffersBetweenRootsAndTips) {
  const Image brown = hair_image(90, 60, 40, 0.2f, 5);
  const Image out = run(brown, look_of("#8b2252", RecolorMode::kOmbre, 1.0f, "#e6c27a"));
  const Lab roots = mean_lab(out, 10, 20), tips = mean_lab(out, 70, 80);
  const Lab red = lab_of("#8b2252"), blonde = lab_of("#e6c27a");
  std::printf("ombre: roots (%.3f %.3f %.3f) tips (%.3f %.3f %.3f)\n", roots.L, roots.a, roots.b, tips.L, tips.a, tips.b);
  EXPECT_LT(hue_distance(hue_of(roots), hue_of(red)), 10 * kPi / 180);
  EXPECT_LT(hue_distance(hue_of(tips), hue_of(blonde)), 10 * kPi / 180);
  EXPECT_GT(delta_e(roots, tips), 0.1f);
  EXPECT_GT(tips.L, roots.L + 0.05f);  // the blonde end is lighter
  // Solid with the same start colour does not differ from roots to tips.
  const Image solid = run(brown, look_of("#8b2252"));
  EXPECT_LT(delta_e(mean_lab(solid, 10, 20), mean_lab(solid, 70, 80)), 0.02f);
}

TEST(RecolorFormula, HighlightsApplyMoreOnLighterStrands) {
  // Alternating dark and light strands, 4 columns each.
  Image im = hair_image(60, 45, 35, 0.0f, 6);
  for (int y = 10; y < 80; ++y)
    for (int x = 0; x < kW; ++x)
      if ((x / 4) % 2) {
        uint8_t* p = &im.rgba[(y * kW + x) * 4];
        p[0] = 150, p[1] = 120, p[2] = 90;
      }
  const Image out = run(im, look_of("#e6c27a", RecolorMode::kHighlights));
  double change[2] = {0, 0};
  int count[2] = {0, 0};
  for (int y = 10; y < 80; ++y)
    for (int x = 0; x < kW; ++x) {
      const int light = (x / 4) % 2;
      change[light] += delta_e(srgb8_to_oklab(im.px(x, y)), srgb8_to_oklab(out.px(x, y)));
      ++count[light];
    }
  const double dark_change = change[0] / count[0], light_change = change[1] / count[1];
  std::printf("highlights: mean dE dark strands %.4f, light strands %.4f\n", dark_change, light_change);
  EXPECT_GT(light_change, 0.03);
  EXPECT_GT(light_change, 3 * dark_change);
}

TEST(RecolorFormula, StrengthAndMatteScaleTheChange) {
  Image im = hair_image(90, 60, 40, 0.2f, 7);
  EXPECT_EQ(run(im, look_of("#2a6fdb", RecolorMode::kSolid, 0.0f)).rgba, im.rgba);
  const Lab before = mean_lab(im, 10, 80);
  const float half = delta_e(before, mean_lab(run(im, look_of("#2a6fdb", RecolorMode::kSolid, 0.5f)), 10, 80));
  const float full = delta_e(before, mean_lab(run(im, look_of("#2a6fdb", RecolorMode::kSolid, 1.0f)), 10, 80));
  EXPECT_GT(half, 0.2f * full);
  EXPECT_LT(half, 0.8f * full);
  // Matte 128 on a row: half-way (in sRGB) between the original and the matte-255 result. Stats are
  // fixed so that only the compositing differs.
  const HairStats stats = compute_hair_stats(im.rgba.data(), kW, kH, kW * 4, im.matte.data());
  Image soft = im, hard = im;
  for (int x = 0; x < kW; ++x) im.matte[40 * kW + x] = 128;
  ASSERT_TRUE(recolor(im.rgba.data(), kW, kH, kW * 4, im.matte.data(), look_of("#2a6fdb"), stats, soft.rgba.data(), kW * 4).ok);
  for (int x = 0; x < kW; ++x) im.matte[40 * kW + x] = 255;
  ASSERT_TRUE(recolor(im.rgba.data(), kW, kH, kW * 4, im.matte.data(), look_of("#2a6fdb"), stats, hard.rgba.data(), kW * 4).ok);
  for (int x = 0; x < kW; ++x)
    for (int c = 0; c < 3; ++c) {
      const int i = (40 * kW + x) * 4 + c;
      const float expected = im.rgba[i] + (hard.rgba[i] - im.rgba[i]) * (128.0f / 255.0f);
      EXPECT_NEAR(soft.rgba[i], expected, 1.0f);
    }
}

TEST(RecolorFormula, HairStatsDescribeTheMattedHair) {
  const Image im = hair_image(90, 60, 40, 0.0f, 8);
  const HairStats s = compute_hair_stats(im.rgba.data(), kW, kH, kW * 4, im.matte.data());
  ASSERT_TRUE(s.found);
  EXPECT_EQ(s.top, 10.0f);
  EXPECT_EQ(s.bottom, 80.0f);
  const uint8_t brown[3] = {90, 60, 40};
  EXPECT_NEAR(s.lightness, srgb8_to_oklab(brown).L, 0.01f);
  EXPECT_LT(s.lightness_sd, 0.02f);  // only the noise
  const std::vector<uint8_t> none(kW * kH, 0);
  EXPECT_FALSE(compute_hair_stats(im.rgba.data(), kW, kH, kW * 4, none.data()).found);
}

TEST(RecolorFormula, RejectsBadInput) {
  Image im = hair_image(90, 60, 40, 0.0f, 9);
  const HairStats stats = compute_hair_stats(im.rgba.data(), kW, kH, kW * 4, im.matte.data());
  std::vector<uint8_t> out(im.rgba.size());
  RecolorLook look;
  EXPECT_FALSE(recolor(nullptr, kW, kH, kW * 4, im.matte.data(), look, stats, out.data(), kW * 4).ok);
  EXPECT_FALSE(recolor(im.rgba.data(), 0, kH, kW * 4, im.matte.data(), look, stats, out.data(), kW * 4).ok);
  EXPECT_FALSE(recolor(im.rgba.data(), kW, kH, kW * 3, im.matte.data(), look, stats, out.data(), kW * 4).ok);
  look.strength = NAN;
  Status st = recolor(im.rgba.data(), kW, kH, kW * 4, im.matte.data(), look, stats, out.data(), kW * 4);
  EXPECT_FALSE(st.ok);
  EXPECT_NE(st.message.find("strength"), std::string::npos);
  look.strength = 1.5f;
  EXPECT_FALSE(recolor(im.rgba.data(), kW, kH, kW * 4, im.matte.data(), look, stats, out.data(), kW * 4).ok);
  look.strength = 1.0f;
  look.mode = static_cast<RecolorMode>(9);
  EXPECT_FALSE(recolor(im.rgba.data(), kW, kH, kW * 4, im.matte.data(), look, stats, out.data(), kW * 4).ok);
  HairStats bad = stats;
  bad.lightness = NAN;
  EXPECT_FALSE(recolor(im.rgba.data(), kW, kH, kW * 4, im.matte.data(), RecolorLook{}, bad, out.data(), kW * 4).ok);
}

TEST(RecolorFormula, ParsesColoursAndModes) {
  uint8_t rgb[3] = {1, 2, 3};
  EXPECT_TRUE(parse_hex_color("#8b2252", rgb));
  EXPECT_EQ(rgb[0], 0x8b);
  EXPECT_EQ(rgb[1], 0x22);
  EXPECT_EQ(rgb[2], 0x52);
  EXPECT_TRUE(parse_hex_color("C9A16B", rgb));
  EXPECT_EQ(rgb[0], 0xc9);
  for (const char* bad : {"", "#", "#12345", "#1234567", "#12345g", "red", "#-12345"}) {
    EXPECT_FALSE(parse_hex_color(bad, rgb)) << bad;
  }
  EXPECT_FALSE(parse_hex_color(nullptr, rgb));
  EXPECT_EQ(rgb[0], 0xc9);  // untouched on failure
  RecolorMode mode;
  EXPECT_TRUE(parse_recolor_mode("ombre", &mode));
  EXPECT_EQ(mode, RecolorMode::kOmbre);
  EXPECT_TRUE(parse_recolor_mode("highlights", &mode));
  EXPECT_EQ(mode, RecolorMode::kHighlights);
  EXPECT_FALSE(parse_recolor_mode("Solid", &mode));
  EXPECT_FALSE(parse_recolor_mode(nullptr, &mode));
}

}  // namespace
}  // namespace hm

namespace hm {
namespace {

// recolor() runs the build's row kernel (recolor_formula.h: kRecolorKernels), the variant of the build's
// isa: rgba8_recolor_row__wasmsimd natively and in the SIMD wasm builds, __scalar in the plain build.
TEST(RecolorKernelTable, HoldsTheRowOfTheBuildsIsa) {
  using namespace recolor_detail;
  EXPECT_STREQ(kRecolorKernels.isa, kKernelIsa);
  const bool wasmsimd = std::string(kKernelIsa) == "wasmsimd";
  EXPECT_EQ(kRecolorKernels.row, wasmsimd ? rgba8_recolor_row__wasmsimd : rgba8_recolor_row__scalar);
}

// The SIMD128 recolour against the scalar reference: random pixels and mattes, every mode, odd widths
// (the 0-3 pixel tails), strides with padding, within one 8-bit step; matte-0 pixels identical. (recolor()
// runs rgba8_recolor_row__wasmsimd in this native build, recolor_scalar() rgba8_recolor_row__scalar.)
TEST(RecolorSimd128, MatchesTheScalarReference) {
  std::mt19937 rng(11);
  for (int w : {1, 3, 4, 7, 33, 64}) {
    const int h = 9;
    const size_t stride = w * 4 + 8;
    std::vector<uint8_t> rgba(stride * h), matte(w * h);
    for (auto& v : rgba) v = static_cast<uint8_t>(rng());
    for (auto& m : matte) m = (rng() % 4 == 0) ? 0 : static_cast<uint8_t>(rng());
    for (int y = 0; y < h; ++y) rgba[y * stride] = 0, rgba[y * stride + 1] = 0, rgba[y * stride + 2] = 0;  // black
    const HairStats stats = compute_hair_stats(rgba.data(), w, h, stride, matte.data());
    for (RecolorMode mode : {RecolorMode::kSolid, RecolorMode::kOmbre, RecolorMode::kHighlights}) {
      for (const char* color : {"#8b2252", "#e6c27a", "#000000", "#ffffff"}) {
        RecolorLook look = look_of(color, mode, 0.9f, "#2a6fdb");
        std::vector<uint8_t> fast(stride * h, 7), slow(stride * h, 7);
        ASSERT_TRUE(recolor(rgba.data(), w, h, stride, matte.data(), look, stats, fast.data(), stride).ok);
        ASSERT_TRUE(recolor_scalar(rgba.data(), w, h, stride, matte.data(), look, stats, slow.data(), stride).ok);
        for (int y = 0; y < h; ++y)
          for (int x = 0; x < w * 4; ++x) {
            const size_t i = y * stride + x;
            ASSERT_LE(std::abs(fast[i] - slow[i]), 1) << "w=" << w << " " << color << " x=" << x / 4 << " y=" << y;
            if (matte[y * w + x / 4] == 0) {
              ASSERT_EQ(fast[i], rgba[i]);
            }
          }
      }
    }
  }
}

// The hair's vertical extent (rows scanned 16 matte values at a time) against the definition: a single
// matte value >= 128 anywhere in a row, in the vectorised part or the tail, makes the row hair; 127 does not.
TEST(RecolorSimd128, HairExtentSeesASingleHairPixelAnywhereInARow) {
  const int w = 37, h = 12;
  std::vector<uint8_t> rgba(w * h * 4, 100);
  for (int x = 0; x < w; ++x) {
    std::vector<uint8_t> matte(w * h, 0);
    matte[2 * w + (x + 5) % w] = 127;  // not hair on its own
    matte[4 * w + x] = 128;
    matte[9 * w + (w - 1 - x)] = 255;
    matte[6 * w] = 100;  // a sampled pixel (even row and column) for the lightness, below 128
    const HairStats s = compute_hair_stats(rgba.data(), w, h, w * 4, matte.data());
    ASSERT_TRUE(s.found) << x;
    EXPECT_EQ(s.top, 4.0f) << x;
    EXPECT_EQ(s.bottom, 10.0f) << x;
  }
}

}  // namespace
}  // namespace hm
