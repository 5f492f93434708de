// src/kernels' int8 (QS8) operators (qs8_kernels.h): every scalar reference against an independent
// literal formula (qs8_reference.h: unfolded zero points, int64 sums, its own rounding), and every
// optimised kernel against its scalar reference, over odd shapes, channel counts that are not multiples of
// the vector widths (4 output channels, 8 input channels / depthwise channels), K not a multiple of 8,
// 1-pixel images, row sub-ranges [y0, y1) (rows outside must keep a sentinel), several zero points and
// clamps. Integer kernels with the same fp32 requantisation (one fp32 multiply, then nearest-even) are
// exact: EVERY comparison here is equality, byte for byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/qs8_gemm_microkernel.h"
#include "kernels/qs8_kernel_table.h"
#include "qs8_reference.h"

namespace {

using hm::QS8Output;
constexpr int8_t kSentinel = 0x5a;  // written before a call; rows outside [y0, y1) must keep it

std::string out_name(QS8Output o) {
  return "out[zp " + std::to_string(o.zero_point) + " " + std::to_string(o.min) + ".." +
         std::to_string(o.max) + "]";
}

// got equals want on rows [y0, y1) (per_row values each) and is the sentinel elsewhere.
void expect_rows_equal(const std::vector<int8_t>& got, const std::vector<int8_t>& want, size_t per_row,
                       size_t y0, size_t y1, const std::string& what) {
  size_t bad = 0;
  for (size_t i = 0; i < got.size() && bad < 5; ++i) {
    const bool inside = i >= y0 * per_row && i < y1 * per_row;
    const int expected = inside ? want[i] : kSentinel;
    if (got[i] != expected) {
      ADD_FAILURE() << what << ": element " << i << (inside ? "" : " (outside the rows)") << " got "
                    << int{got[i]} << " want " << expected;
      ++bad;
    }
  }
}

void random_rows(std::mt19937& rng, size_t h, size_t* y0, size_t* y1) {
  *y0 = hm_test::random_size(rng, 0, h - 1);
  *y1 = hm_test::random_size(rng, *y0 + 1, h);
}

// ---------------------------------------------------------------------------------------------------
// 1x1 convolution (int8 GEMM)

struct Qs8GemmCase {
  size_t h, w, in_c, out_c, y0, y1;
  int8_t in_zp;
  QS8Output out;
  float spread;  // typical output magnitude in steps (random_scales)
};

void run_qs8_conv1x1_case(std::mt19937& rng, const Qs8GemmCase& k) {
  const std::string what = "qs8_conv1x1 h" + std::to_string(k.h) + " w" + std::to_string(k.w) + " K" +
                           std::to_string(k.in_c) + " N" + std::to_string(k.out_c) + " rows[" +
                           std::to_string(k.y0) + "," + std::to_string(k.y1) + ") in_zp " +
                           std::to_string(k.in_zp) + " " + out_name(k.out);
  const auto in = hm_test::random_int8(rng, k.h * k.w * k.in_c);
  const auto weight = hm_test::random_int8(rng, k.out_c * k.in_c, -127, 127);
  const auto bias = hm_test::random_int32(rng, k.out_c, -40000, 40000);
  const auto scale = hm_test::random_scales(rng, k.out_c, k.in_c, k.spread);
  std::vector<uint8_t> packed(hm::packed_qs8_conv1x1_size(k.in_c, k.out_c), 0xee);
  hm::pack_qs8_conv1x1(k.in_c, k.out_c, weight.data(), bias.data(), scale.data(), k.in_zp, packed.data());

  const auto naive = hm_test::qs8_conv2d_naive(in, k.h, k.w, k.in_c, k.in_zp, weight, bias, scale, k.out_c,
                                               1, 1, 1, 1, 1, 0, 0, k.h, k.w, k.out);
  std::vector<int8_t> scalar(k.h * k.w * k.out_c, kSentinel), simd = scalar;
  hm::qs8_conv1x1_minmax_fp32__scalar(in.data(), k.w, k.in_c, packed.data(), k.out_c, scalar.data(), k.out, k.y0, k.y1);
  hm::qs8_conv1x1_minmax_fp32__wasmsimd(in.data(), k.w, k.in_c, packed.data(), k.out_c, simd.data(), k.out, k.y0, k.y1);
  expect_rows_equal(scalar, naive, k.w * k.out_c, k.y0, k.y1, what + " scalar vs naive");
  expect_rows_equal(simd, naive, k.w * k.out_c, k.y0, k.y1, what + " optimised vs naive");
}

TEST(KernelQs8Conv1x1, ScalarAndOptimisedMatchNaiveConvolution) {
  std::mt19937 rng(101);
  int kind = 0;
  for (size_t in_c : {1, 2, 3, 7, 8, 9, 16, 17, 64})
    for (size_t out_c : {1, 2, 3, 4, 5, 8, 13})
      run_qs8_conv1x1_case(rng, {3, 5, in_c, out_c, 0, 3, -7, hm_test::random_output(rng, kind++), 60.0f});
}

// A random case of up to h_max x w_max pixels, K in [k_lo, k_hi], N in [n_lo, n_hi], with random rows, input
// zero point and output clamp (kind i).
Qs8GemmCase random_gemm_case(std::mt19937& rng, int i, size_t h_max, size_t w_max, size_t k_lo, size_t k_hi,
                             size_t n_lo, size_t n_hi, float spread) {
  Qs8GemmCase k;
  k.h = hm_test::random_size(rng, 1, h_max);
  k.w = hm_test::random_size(rng, 1, w_max);
  k.in_c = hm_test::random_size(rng, k_lo, k_hi);
  k.out_c = hm_test::random_size(rng, n_lo, n_hi);
  random_rows(rng, k.h, &k.y0, &k.y1);
  k.in_zp = static_cast<int8_t>(hm_test::random_size(rng, 0, 255) - 128);
  k.out = hm_test::random_output(rng, i);
  k.spread = spread;
  return k;
}

TEST(KernelQs8Conv1x1, RandomShapesZeroPointsAndClamps) {
  std::mt19937 rng(102);
  for (int i = 0; i < 300; ++i)  // every fifth case saturates most outputs
    run_qs8_conv1x1_case(rng, random_gemm_case(rng, i, 9, 13, 1, 70, 1, 40, i % 5 == 0 ? 400.0f : 40.0f));
}

TEST(KernelQs8Conv1x1, EveryRowAndColumnRemainder) {
  // Every remainder of M against the 4-row tile and of N against the 4-channel panel, one pixel wide.
  std::mt19937 rng(103);
  for (size_t m = 1; m <= 9; ++m)
    for (size_t n = 1; n <= 13; ++n)
      run_qs8_conv1x1_case(rng, {m, 1, 11, n, 0, m, 3, hm_test::random_output(rng, static_cast<int>(n)), 60.0f});
}

// K > 64 runs the 2x4c8 micro-kernel on "c8" panels (qs8_gemm_uses_c8): random K on both sides of the
// switch and up to a few hundred, with K % 8 tails, and every remainder of M against its 2-row tile.
TEST(KernelQs8Conv1x1, C8TileRandomShapes) {
  std::mt19937 rng(107);
  for (int i = 0; i < 120; ++i)
    run_qs8_conv1x1_case(rng, random_gemm_case(rng, i, 7, 9, 60, 300, 1, 21, i % 5 == 0 ? 400.0f : 40.0f));
  for (size_t m = 1; m <= 5; ++m)
    for (size_t n = 1; n <= 9; ++n)
      run_qs8_conv1x1_case(rng, {m, 1, 67, n, 0, m, -9, hm_test::random_output(rng, static_cast<int>(m + n)), 60.0f});
}

TEST(KernelQs8Conv1x1, RoundsTiesToEven) {
  // Scale 1/2 and 1/4 make acc * scale land exactly on .5 for many outputs: the fmagic rounding of the
  // optimised kernel and std::nearbyint of the scalar one both go to even, as the reference's lrint does.
  std::mt19937 rng(104);
  for (float s : {0.5f, 0.25f}) {
    const size_t k_in = 3, n = 8, m = 16;
    const auto in = hm_test::random_int8(rng, m * k_in, -6, 6);
    const auto weight = hm_test::random_int8(rng, n * k_in, -5, 5);
    const std::vector<int32_t> bias(n, 1);
    const std::vector<float> scale(n, s);
    const QS8Output out{0, -128, 127};
    std::vector<uint8_t> packed(hm::packed_qs8_conv1x1_size(k_in, n));
    hm::pack_qs8_conv1x1(k_in, n, weight.data(), bias.data(), scale.data(), 0, packed.data());
    std::vector<int8_t> scalar(m * n), simd(m * n);
    hm::qs8_conv1x1_minmax_fp32__scalar(in.data(), 1, k_in, packed.data(), n, scalar.data(), out, 0, m);
    hm::qs8_conv1x1_minmax_fp32__wasmsimd(in.data(), 1, k_in, packed.data(), n, simd.data(), out, 0, m);
    int ties = 0;
    for (size_t p = 0; p < m; ++p)
      for (size_t j = 0; j < n; ++j) {
        int32_t acc = 1;
        for (size_t kk = 0; kk < k_in; ++kk) acc += in[p * k_in + kk] * weight[j * k_in + kk];
        const float x = static_cast<float>(acc) * s;
        if (x - std::floor(x) == 0.5f) ++ties;
        const long want = std::lrint(x);  // nearest-even
        EXPECT_EQ(scalar[p * n + j], want) << "scalar, acc " << acc << " scale " << s;
        EXPECT_EQ(simd[p * n + j], want) << "optimised, acc " << acc << " scale " << s;
      }
    EXPECT_GT(ties, 10) << "the test needs ties to mean anything";
  }
}

// qs8_conv1x1 runs layers with K <= 64 whose packed weights fit 32 KiB tile by tile over all panels (one
// micro-kernel call per tile), others panel by panel over blocks of pixels: shapes on both sides of both
// thresholds (K = 64; 60 panels of K = 64, 544 bytes each, fit in 32 KiB, 61 do not), with row and column remainders.
TEST(KernelQs8Conv1x1, BothLoopOrdersAroundTheThresholds) {
  std::mt19937 rng(106);
  for (int i = 0; i < 40; ++i) run_qs8_conv1x1_case(rng, random_gemm_case(rng, i, 5, 9, 48, 80, 1, 90, 40.0f));
  for (size_t out_c : {237, 240, 241, 244})
    run_qs8_conv1x1_case(rng, {2, 3, 64, out_c, 0, 2, 11, {3, 3, 127}, 40.0f});
}

TEST(KernelQs8Conv1x1, NetworkShapes) {
  // Blocks larger than the operator's 64 KiB row block, K = 1024 and the decoder's folded K = 5644.
  std::mt19937 rng(105);
  run_qs8_conv1x1_case(rng, {14, 14, 512, 72, 0, 14, -128, {-128, -128, 127}, 40.0f});
  run_qs8_conv1x1_case(rng, {7, 7, 1024, 40, 2, 6, 17, {5, 5, 100}, 40.0f});
  run_qs8_conv1x1_case(rng, {56, 56, 64, 64, 3, 51, -3, {-20, -20, 127}, 40.0f});
  run_qs8_conv1x1_case(rng, {3, 5, 5644, 12, 0, 3, 0, {0, -128, 127}, 40.0f});
}

TEST(KernelQs8Conv1x1, ExtremeAccumulatorsSaturate) {
  // All inputs and weights at the int8 extremes (|acc| ~ 2^24 at K = 1024) with a large scale: every
  // output saturates at the clamp, with no overflow in the fmagic trick (|acc * scale| >> 2^22).
  const size_t k_in = 1024, n = 6, m = 5;
  std::vector<int8_t> in(m * k_in), weight(n * k_in);
  for (size_t i = 0; i < in.size(); ++i) in[i] = i % 2 ? 127 : -128;
  for (size_t i = 0; i < weight.size(); ++i) weight[i] = (i / k_in) % 2 ? 127 : -127;
  const std::vector<float> scale(n, 1000.0f);
  const QS8Output out{-3, -100, 90};
  std::vector<uint8_t> packed(hm::packed_qs8_conv1x1_size(k_in, n));
  hm::pack_qs8_conv1x1(k_in, n, weight.data(), nullptr, scale.data(), -128, packed.data());
  std::vector<int8_t> scalar(m * n), simd(m * n);
  hm::qs8_conv1x1_minmax_fp32__scalar(in.data(), 1, k_in, packed.data(), n, scalar.data(), out, 0, m);
  hm::qs8_conv1x1_minmax_fp32__wasmsimd(in.data(), 1, k_in, packed.data(), n, simd.data(), out, 0, m);
  for (size_t i = 0; i < m * n; ++i) {
    EXPECT_TRUE(scalar[i] == -100 || scalar[i] == 90) << i << " " << int{scalar[i]};
    EXPECT_EQ(simd[i], scalar[i]) << i;
  }
}

TEST(KernelQs8Conv1x1, NullBiasIsZero) {
  std::mt19937 rng(106);
  const size_t in_c = 5, out_c = 3;
  const auto weight = hm_test::random_int8(rng, out_c * in_c, -127, 127);
  const std::vector<float> scale(out_c, 0.01f);
  std::vector<uint8_t> with_null(hm::packed_qs8_conv1x1_size(in_c, out_c)), with_zero = with_null;
  const std::vector<int32_t> zeros(out_c, 0);
  hm::pack_qs8_conv1x1(in_c, out_c, weight.data(), nullptr, scale.data(), 9, with_null.data());
  hm::pack_qs8_conv1x1(in_c, out_c, weight.data(), zeros.data(), scale.data(), 9, with_zero.data());
  EXPECT_EQ(with_null, with_zero);
}

// ---------------------------------------------------------------------------------------------------
// 1x1 convolution to int32 accumulators, and the folded dec1's im2col and two-accumulator requantisation

constexpr int32_t kSentinel32 = 0x5a5a5a5a;

// Pixels [p0, p1) of a pixels x in_c input times a random packed 1x1 layer: the scalar kernel against the
// literal sum of (in - in_zp) * w + bias from the unpacked weights, and (K >= 65) the optimised kernel
// against the scalar one. Pixels outside [p0, p1) must keep the sentinel.
void run_qs8_conv1x1_acc32_case(std::mt19937& rng, size_t pixels, size_t in_c, size_t out_c, size_t p0, size_t p1) {
  const auto in_zp = static_cast<int8_t>(hm_test::random_size(rng, 0, 255) - 128);
  const std::string what = "qs8_conv1x1_acc32 pixels" + std::to_string(pixels) + " K" + std::to_string(in_c) +
                           " N" + std::to_string(out_c) + " pixels[" + std::to_string(p0) + "," +
                           std::to_string(p1) + ") in_zp " + std::to_string(in_zp);
  const auto in = hm_test::random_int8(rng, pixels * in_c);
  const auto weight = hm_test::random_int8(rng, out_c * in_c, -127, 127);
  const auto bias = hm_test::random_int32(rng, out_c, -40000, 40000);
  const std::vector<float> scale(out_c, 1.0f);  // not read
  std::vector<uint8_t> packed(hm::packed_qs8_conv1x1_size(in_c, out_c), 0xee);
  hm::pack_qs8_conv1x1(in_c, out_c, weight.data(), bias.data(), scale.data(), in_zp, packed.data());

  std::vector<int32_t> want(pixels * out_c, kSentinel32);
  for (size_t p = p0; p < p1; ++p)
    for (size_t n = 0; n < out_c; ++n) {
      int64_t acc = bias[n];
      for (size_t k = 0; k < in_c; ++k) acc += (int64_t{in[p * in_c + k]} - in_zp) * weight[n * in_c + k];
      want[p * out_c + n] = static_cast<int32_t>(acc);
    }
  std::vector<int32_t> scalar(pixels * out_c, kSentinel32), simd = scalar;
  hm::qs8_conv1x1_acc32__scalar(in.data(), in_c, packed.data(), out_c, scalar.data(), p0, p1);
  EXPECT_EQ(scalar, want) << what << " scalar vs direct";
  if (!hm::kernels_internal::qs8_gemm_uses_c8(in_c)) return;  // the optimised variant's domain (qs8_kernels.h)
  hm::qs8_conv1x1_acc32__wasmsimd(in.data(), in_c, packed.data(), out_c, simd.data(), p0, p1);
  EXPECT_EQ(simd, scalar) << what << " optimised vs scalar";
}

TEST(KernelQs8Conv1x1Acc32, RandomShapesAndPixelRanges) {
  // K from both layouts for the scalar reference, 65..300 (K % 8 tails) for the optimised kernel; every
  // remainder of the pixels against the 2-row tile and of N against the 4-channel panel.
  std::mt19937 rng(141);
  for (int i = 0; i < 200; ++i) {
    const size_t pixels = hm_test::random_size(rng, 1, 40);
    size_t p0, p1;
    random_rows(rng, pixels, &p0, &p1);
    run_qs8_conv1x1_acc32_case(rng, pixels, hm_test::random_size(rng, i % 4 == 0 ? 1 : 65, 300),
                               hm_test::random_size(rng, 1, 21), p0, p1);
  }
  for (size_t p = 1; p <= 5; ++p)
    for (size_t n = 1; n <= 9; ++n) run_qs8_conv1x1_acc32_case(rng, p, 67, n, 0, p);
}

TEST(KernelQs8Conv1x1Acc32, FoldedDec1Shapes) {
  // The folded dec1's two GEMMs (14 x 14 pixels, K = 9 * 512 and 1024, N = 24): several 64 KiB row blocks,
  // whole and as sub-ranges that start and end inside a block and on odd pixels.
  std::mt19937 rng(142);
  for (size_t in_c : {4608, 1024}) {
    run_qs8_conv1x1_acc32_case(rng, 196, in_c, 24, 0, 196);
    run_qs8_conv1x1_acc32_case(rng, 196, in_c, 24, 13, 150);
    run_qs8_conv1x1_acc32_case(rng, 196, in_c, 24, 195, 196);
  }
}

TEST(KernelQs8Im2col3x3, MatchesBruteForceWithZeroPointBorders) {
  std::mt19937 rng(143);
  for (int i = 0; i < 300; ++i) {
    const size_t h = hm_test::random_size(rng, 1, 9), w = hm_test::random_size(rng, 1, 9);
    const size_t c = hm_test::random_size(rng, 1, 20);
    size_t p0 = 0, p1 = h * w;  // every fourth case the whole matrix, border rows included
    if (i % 4 != 0) random_rows(rng, h * w, &p0, &p1);
    const auto zp = static_cast<int8_t>(hm_test::random_size(rng, 0, 255) - 128);
    const auto in = hm_test::random_int8(rng, h * w * c);
    std::vector<int8_t> want(h * w * 9 * c, kSentinel);
    for (size_t p = p0; p < p1; ++p)
      for (size_t t = 0; t < 9; ++t)
        for (size_t ch = 0; ch < c; ++ch) {
          const long y = static_cast<long>(p / w) + static_cast<long>(t / 3) - 1;
          const long x = static_cast<long>(p % w) + static_cast<long>(t % 3) - 1;
          const bool inside = y >= 0 && x >= 0 && y < static_cast<long>(h) && x < static_cast<long>(w);
          want[(p * 9 + t) * c + ch] = inside ? in[(static_cast<size_t>(y) * w + static_cast<size_t>(x)) * c + ch] : zp;
        }
    std::vector<int8_t> got(want.size(), kSentinel);
    hm::qs8_im2col3x3(in.data(), h, w, c, zp, got.data(), p0, p1);
    EXPECT_EQ(got, want) << "qs8_im2col3x3 h" << h << " w" << w << " c" << c << " rows[" << p0 << "," << p1
                         << ") zp " << int{zp};
  }
}

TEST(KernelQs8Requantize2, MatchesDirectFormulaWithClampsAndTies) {
  // The literal formula in float (no double anywhere): two products, one sum, nearest-even, then the
  // integer clamp; spreads that keep most outputs in range and ones that saturate most of them, and scales
  // 1/2, 1/4 on small accumulators, where x + y lands on ties.
  std::mt19937 rng(144);
  std::uniform_real_distribution<float> log_scale(-3.0f, 3.0f);
  for (int i = 0; i < 300; ++i) {
    const size_t pixels = hm_test::random_size(rng, 1, 12), n = hm_test::random_size(rng, 1, 30);
    size_t p0, p1;
    random_rows(rng, pixels, &p0, &p1);
    const QS8Output out = hm_test::random_output(rng, i);
    const bool ties = i % 5 == 4;
    const int32_t range = ties ? 50 : 1000000;
    const auto a = hm_test::random_int32(rng, pixels * n, -range, range);
    const auto b = hm_test::random_int32(rng, pixels * n, -range, range);
    std::vector<float> a_scale(n, 0.5f), b_scale(n, 0.25f);
    if (!ties)
      for (size_t j = 0; j < n; ++j) {
        const float spread = i % 3 == 0 ? 1000.0f : 40.0f;  // saturates most outputs / a few
        a_scale[j] = spread / static_cast<float>(range) * std::exp2(log_scale(rng));
        b_scale[j] = spread / static_cast<float>(range) * std::exp2(log_scale(rng));
      }
    std::vector<int8_t> want(pixels * n, kSentinel);
    for (size_t p = p0; p < p1; ++p)
      for (size_t j = 0; j < n; ++j) {
        const size_t e = p * n + j;
        const float x = static_cast<float>(a[e]) * a_scale[j];
        const float y = static_cast<float>(b[e]) * b_scale[j];
        const float v = x + y;
        const long q = std::lrint(v) + out.zero_point;  // |v| < 2^31 for these ranges
        want[e] = static_cast<int8_t>(std::min<long>(std::max<long>(q, out.min), out.max));
      }
    std::vector<int8_t> got(want.size(), kSentinel);
    hm::qs8_requantize2_fp32(a.data(), a_scale.data(), b.data(), b_scale.data(), n, got.data(), out, p0, p1);
    EXPECT_EQ(got, want) << "qs8_requantize2_fp32 pixels" << pixels << " n" << n << " rows[" << p0 << "," << p1
                         << ") " << out_name(out);
  }
}

// ---------------------------------------------------------------------------------------------------
// 3x3 depthwise convolution

struct Qs8DwCase {
  size_t h, w, c, stride, dilation, y0, y1;
  int8_t in_zp;
  QS8Output out;
};

void run_qs8_dwconv_case(std::mt19937& rng, const Qs8DwCase& k) {
  const std::string what = "qs8_dwconv3x3 h" + std::to_string(k.h) + " w" + std::to_string(k.w) + " c" +
                           std::to_string(k.c) + " s" + std::to_string(k.stride) + " d" +
                           std::to_string(k.dilation) + " rows[" + std::to_string(k.y0) + "," +
                           std::to_string(k.y1) + ") in_zp " + std::to_string(k.in_zp) + " " + out_name(k.out);
  const size_t out_h = (k.h + k.stride - 1) / k.stride, out_w = (k.w + k.stride - 1) / k.stride;
  const auto in = hm_test::random_int8(rng, k.h * k.w * k.c);
  const auto weight = hm_test::random_int8(rng, k.c * 9, -127, 127);
  const auto bias = hm_test::random_int32(rng, k.c, -20000, 20000);
  const auto scale = hm_test::random_scales(rng, k.c, 9);
  std::vector<uint8_t> packed(hm::packed_qs8_dwconv3x3_size(k.c), 0xee);
  hm::pack_qs8_dwconv3x3(k.c, weight.data(), bias.data(), scale.data(), k.in_zp, packed.data());

  // The contract's padding: stride 1 pads `dilation` before, stride 2 pads 0 before (1 after).
  const ptrdiff_t pad = k.stride == 1 ? static_cast<ptrdiff_t>(k.dilation) : 0;
  const auto naive = hm_test::qs8_conv2d_naive(in, k.h, k.w, k.c, k.in_zp, weight, bias, scale, k.c, 3, 3, k.c,
                                               k.stride, k.dilation, pad, pad, out_h, out_w, k.out);
  const size_t y1 = std::min(k.y1, out_h), y0 = std::min(k.y0, y1 - 1);
  std::vector<int8_t> scalar(out_h * out_w * k.c, kSentinel), simd = scalar;
  hm::qs8_dwconv3x3_minmax_fp32__scalar(in.data(), k.h, k.w, k.c, k.stride, k.dilation, packed.data(), k.in_zp,
                                        scalar.data(), k.out, y0, y1);
  hm::qs8_dwconv3x3_minmax_fp32__wasmsimd(in.data(), k.h, k.w, k.c, k.stride, k.dilation, packed.data(), k.in_zp,
                                          simd.data(), k.out, y0, y1);
  expect_rows_equal(scalar, naive, out_w * k.c, y0, y1, what + " scalar vs naive");
  expect_rows_equal(simd, naive, out_w * k.c, y0, y1, what + " optimised vs naive");
}

const size_t kDwGeometries[][2] = {{1, 1}, {2, 1}, {1, 2}, {1, 4}};  // {stride, dilation}

TEST(KernelQs8Dwconv3x3, RandomShapesGeometriesZeroPointsAndClamps) {
  std::mt19937 rng(111);
  for (int i = 0; i < 400; ++i) {
    const auto& g = kDwGeometries[i % 4];
    Qs8DwCase k;
    k.h = hm_test::random_size(rng, 1, 14);
    k.w = hm_test::random_size(rng, 1, 14);
    k.c = hm_test::random_size(rng, 1, 37);
    k.stride = g[0];
    k.dilation = g[1];
    random_rows(rng, (k.h + k.stride - 1) / k.stride, &k.y0, &k.y1);
    k.in_zp = static_cast<int8_t>(hm_test::random_size(rng, 0, 255) - 128);
    k.out = hm_test::random_output(rng, i / 4);
    run_qs8_dwconv_case(rng, k);
  }
}

TEST(KernelQs8Dwconv3x3, OnePixelAndThinImagesEveryChannelRemainder) {
  // Windows mostly outside the image (the zero point must act as real 0) and c = 1..17 around the 8-wide block.
  std::mt19937 rng(112);
  const size_t sizes[][2] = {{1, 1}, {1, 9}, {9, 1}, {2, 2}, {3, 2}};
  for (const auto& g : kDwGeometries)
    for (size_t c = 1; c <= 17; ++c)
      for (const auto& hw : sizes)
        run_qs8_dwconv_case(rng, {hw[0], hw[1], c, g[0], g[1], 0, 100, 77, {-9, -9, 127}});
}

TEST(KernelQs8Dwconv3x3, LongRowsBlocksAndOutsideKernelRows) {
  // The interior row loop (two taps per dot against per-row interleaved weights) over long rows, several
  // 8-channel blocks plus a remainder, and bands that start or end at the image edge, where a kernel row
  // outside the image reads the zero point with a step of 0.
  std::mt19937 rng(114);
  for (int i = 0; i < 48; ++i) {
    const auto& g = kDwGeometries[i % 4];
    const size_t h = hm_test::random_size(rng, 1, 12), w = hm_test::random_size(rng, 17, 45);
    const size_t c = hm_test::random_size(rng, 8, 41);
    const size_t out_h = (h + g[0] - 1) / g[0];
    const size_t y0 = i % 3 == 0 ? 0 : hm_test::random_size(rng, 0, out_h - 1);
    const size_t y1 = i % 3 == 1 ? out_h : hm_test::random_size(rng, y0 + 1, out_h);
    run_qs8_dwconv_case(rng, {h, w, c, g[0], g[1], y0, y1, static_cast<int8_t>(hm_test::random_size(rng, 0, 255) - 128),
                              hm_test::random_output(rng, i)});
  }
}

TEST(KernelQs8Dwconv3x3, NetworkShapes) {
  std::mt19937 rng(113);
  run_qs8_dwconv_case(rng, {28, 28, 64, 1, 1, 0, 28, -128, {-128, -128, 127}});
  run_qs8_dwconv_case(rng, {28, 28, 64, 2, 1, 3, 11, 5, {-128, -128, 100}});
  run_qs8_dwconv_case(rng, {28, 28, 32, 1, 2, 0, 28, -30, {0, 0, 127}});
  run_qs8_dwconv_case(rng, {14, 14, 516, 1, 4, 2, 13, 127, {10, -128, 127}});
}

TEST(KernelQs8Dwconv3x3, ExtremeProductsDoNotOverflowTheInt16Pairs) {
  // Inputs -128 and weights -127 everywhere: each int16 pair sum is 2 * 16256 = 32512, the largest the
  // mul16 + add16 scheme meets; any overflow would flip signs against the scalar reference.
  const size_t h = 5, w = 6, c = 11;
  const std::vector<int8_t> in(h * w * c, -128), weight(c * 9, -127);
  const std::vector<float> scale(c, 1.0f / 1024.0f);
  std::vector<uint8_t> packed(hm::packed_qs8_dwconv3x3_size(c));
  hm::pack_qs8_dwconv3x3(c, weight.data(), nullptr, scale.data(), 0, packed.data());
  std::vector<int8_t> scalar(h * w * c), simd(h * w * c);
  hm::qs8_dwconv3x3_minmax_fp32__scalar(in.data(), h, w, c, 1, 1, packed.data(), 0, scalar.data(), {0, -128, 127}, 0,
                                        h);
  hm::qs8_dwconv3x3_minmax_fp32__wasmsimd(in.data(), h, w, c, 1, 1, packed.data(), 0, simd.data(), {0, -128, 127}, 0,
                                          h);
  EXPECT_EQ(scalar[(2 * w + 2) * c], 127);  // interior: 9 * 16256 / 1024 = 142.9, saturated
  EXPECT_EQ(scalar[0], 64);                 // corner, 4 taps: 65024 / 1024 = 63.5 -> 64 (nearest-even)
  EXPECT_EQ(simd, scalar);
}

// ---------------------------------------------------------------------------------------------------
// nearest 2x upsampling + skip addition, requantised

struct Qs8AddCase {
  size_t h, w, c, y0, y1;
  float a_scale, b_scale, out_scale;
  int8_t a_zp, b_zp;
  QS8Output out;
};

void run_qs8_add_case(std::mt19937& rng, const Qs8AddCase& k) {
  const std::string what = "qs8_upsample2x_add h" + std::to_string(k.h) + " w" + std::to_string(k.w) + " c" +
                           std::to_string(k.c) + " rows[" + std::to_string(k.y0) + "," + std::to_string(k.y1) +
                           ") scales " + std::to_string(k.a_scale) + "," + std::to_string(k.b_scale) + "->" +
                           std::to_string(k.out_scale) + " " + out_name(k.out);
  hm::QS8AddParams p;
  ASSERT_TRUE(hm::qs8_add_params(k.a_scale, k.a_zp, k.b_scale, k.b_zp, k.out_scale, k.out, &p)) << what;
  const auto in = hm_test::random_int8(rng, k.h * k.w * k.c);
  const auto skip = hm_test::random_int8(rng, 4 * k.h * k.w * k.c);
  std::vector<int8_t> scalar(4 * k.h * k.w * k.c, kSentinel), simd = scalar;
  hm::qs8_upsample2x_add_minmax__scalar(in.data(), k.h, k.w, k.c, skip.data(), scalar.data(), p, k.y0, k.y1);
  hm::qs8_upsample2x_add_minmax__wasmsimd(in.data(), k.h, k.w, k.c, skip.data(), simd.data(), p, k.y0, k.y1);
  const size_t per_row = 2 * k.w * k.c;
  expect_rows_equal(simd, scalar, per_row, k.y0, k.y1, what + " optimised vs scalar");
  // The scalar kernel against the real-valued definition (scatter of each input pixel to its 2x2 block),
  // rounded: the 14-bit multipliers may move a result by at most one step.
  size_t bad = 0;
  for (size_t y = 0; y < k.h; ++y)
    for (size_t x = 0; x < k.w; ++x)
      for (size_t dy = 0; dy < 2; ++dy)
        for (size_t dx = 0; dx < 2; ++dx)
          for (size_t ch = 0; ch < k.c; ++ch) {
            const size_t oy = 2 * y + dy, i = (oy * 2 * k.w + 2 * x + dx) * k.c + ch;
            if (oy < k.y0 || oy >= k.y1) continue;
            const double real = double{k.a_scale} * (in[(y * k.w + x) * k.c + ch] - k.a_zp) +
                                double{k.b_scale} * (skip[i] - k.b_zp);
            const double want = std::min<double>(std::max<double>(std::round(real / k.out_scale) + k.out.zero_point,
                                                                  k.out.min), k.out.max);
            if (std::fabs(scalar[i] - want) > 1.0 && bad++ < 5)
              ADD_FAILURE() << what << ": element " << i << " scalar " << int{scalar[i]} << " want ~" << want;
          }
}

TEST(KernelQs8Upsample2xAdd, RandomShapesScalesAndClamps) {
  std::mt19937 rng(121);
  std::uniform_real_distribution<float> log_scale(-3.0f, 3.0f);
  for (int i = 0; i < 300; ++i) {
    Qs8AddCase k;
    k.h = hm_test::random_size(rng, 1, 7);
    k.w = hm_test::random_size(rng, 1, 7);
    k.c = hm_test::random_size(rng, 1, 37);
    random_rows(rng, 2 * k.h, &k.y0, &k.y1);
    k.a_scale = 0.02f * std::exp2(log_scale(rng));
    k.b_scale = 0.02f * std::exp2(log_scale(rng));
    k.out_scale = 0.03f * std::exp2(log_scale(rng));
    k.a_zp = static_cast<int8_t>(hm_test::random_size(rng, 0, 255) - 128);
    k.b_zp = static_cast<int8_t>(hm_test::random_size(rng, 0, 255) - 128);
    k.out = hm_test::random_output(rng, i);
    run_qs8_add_case(rng, k);
  }
}

TEST(KernelQs8Upsample2xAdd, NetworkShapeAndEveryChannelRemainder) {
  std::mt19937 rng(122);
  run_qs8_add_case(rng, {28, 28, 64, 0, 56, 0.05f, 0.04f, 0.07f, -128, 3, {-128, -128, 127}});
  for (size_t c = 1; c <= 17; ++c) run_qs8_add_case(rng, {2, 3, c, 1, 4, 0.1f, 0.01f, 0.05f, 9, -9, {0, -128, 127}});
}

// The ends of the accepted ratio range (shift 23 and 6) with extreme zero points: the SIMD kernel adds
// out_zp * 2^shift to int32 accumulators before the shift, which must neither overflow nor round.
TEST(KernelQs8Upsample2xAdd, ExtremeScaleRatiosAndZeroPoints) {
  std::mt19937 rng(123);
  for (const int8_t zp : {int8_t{-128}, int8_t{127}, int8_t{0}}) {
    const QS8Output full{zp, -128, 127};
    run_qs8_add_case(rng, {3, 5, 27, 0, 6, 0.0010001f, 0.0009f, 1.0f, -128, 127, full});
    run_qs8_add_case(rng, {3, 5, 27, 1, 5, 0.0009f, 0.0010001f, 1.0f, 127, -128, full});
    run_qs8_add_case(rng, {2, 4, 40, 0, 4, 250.0f, 3.0f, 1.0f, -128, 127, full});
    run_qs8_add_case(rng, {2, 4, 40, 1, 3, 0.004f, 0.9f, 0.0036f, 127, -128, full});
  }
}

TEST(KernelQs8Upsample2xAdd, ParamsRejectOutOfRangeScales) {
  hm::QS8AddParams p;
  const QS8Output out{0, -128, 127};
  EXPECT_FALSE(hm::qs8_add_params(0.0f, 0, 1.0f, 0, 1.0f, out, &p));
  EXPECT_FALSE(hm::qs8_add_params(1.0f, 0, 1.0f, 0, -1.0f, out, &p));
  EXPECT_FALSE(hm::qs8_add_params(1000.0f, 0, 1.0f, 0, 1.0f, out, &p));  // ratio 1000 >= 2^8
  EXPECT_FALSE(hm::qs8_add_params(1e-4f, 0, 1e-4f, 0, 1.0f, out, &p));   // ratio < 2^-10
  ASSERT_TRUE(hm::qs8_add_params(1.0f, 0, 0.5f, 0, 1.0f, out, &p));
  EXPECT_EQ(p.a_mul, 2 * p.b_mul);
  EXPECT_LE(p.a_mul, 1 << 14);
}

// ---------------------------------------------------------------------------------------------------
// nearest 2x upsampling + 3x3 depthwise convolution (band output)

void run_qs8_up_dw_case(std::mt19937& rng, size_t h, size_t w, size_t c, size_t y0, size_t y1, int8_t in_zp,
                        QS8Output out) {
  const std::string what = "qs8_upsample2x_dwconv3x3 h" + std::to_string(h) + " w" + std::to_string(w) + " c" +
                           std::to_string(c) + " rows[" + std::to_string(y0) + "," + std::to_string(y1) +
                           ") in_zp " + std::to_string(in_zp) + " " + out_name(out);
  const auto in = hm_test::random_int8(rng, h * w * c);
  const auto weight = hm_test::random_int8(rng, c * 9, -127, 127);
  const auto bias = hm_test::random_int32(rng, c, -20000, 20000);
  const auto scale = hm_test::random_scales(rng, c, 9);
  std::vector<uint8_t> packed(hm::packed_qs8_dwconv3x3_size(c));
  hm::pack_qs8_dwconv3x3(c, weight.data(), bias.data(), scale.data(), in_zp, packed.data());
  // Reference: the upsampled tensor written out, then the literal depthwise convolution (pad 1).
  std::vector<int8_t> up(4 * h * w * c);
  for (size_t y = 0; y < 2 * h; ++y)
    for (size_t x = 0; x < 2 * w; ++x)
      for (size_t ch = 0; ch < c; ++ch) up[(y * 2 * w + x) * c + ch] = in[((y / 2) * w + x / 2) * c + ch];
  const auto full = hm_test::qs8_conv2d_naive(up, 2 * h, 2 * w, c, in_zp, weight, bias, scale, c, 3, 3, c, 1, 1,
                                              1, 1, 2 * h, 2 * w, out);
  const size_t row = 2 * w * c;
  std::vector<int8_t> want((y1 - y0 + 1) * row, kSentinel);  // one sentinel row after the band
  std::copy(full.begin() + y0 * row, full.begin() + y1 * row, want.begin());
  std::vector<int8_t> scalar(want.size(), kSentinel), simd = scalar;
  hm::qs8_upsample2x_dwconv3x3_minmax_fp32__scalar(in.data(), h, w, c, packed.data(), in_zp, scalar.data(), out, y0,
                                                   y1);
  hm::qs8_upsample2x_dwconv3x3_minmax_fp32__wasmsimd(in.data(), h, w, c, packed.data(), in_zp, simd.data(), out, y0,
                                                     y1);
  expect_rows_equal(scalar, want, row, 0, y1 - y0, what + " scalar vs naive");
  expect_rows_equal(simd, want, row, 0, y1 - y0, what + " optimised vs naive");
}

TEST(KernelQs8Upsample2xDwconv3x3, RandomShapesBandsAndEveryChannelRemainder) {
  std::mt19937 rng(131);
  for (int i = 0; i < 200; ++i) {
    const size_t h = hm_test::random_size(rng, 1, 6), w = hm_test::random_size(rng, 1, 9);
    size_t y0, y1;
    random_rows(rng, 2 * h, &y0, &y1);
    run_qs8_up_dw_case(rng, h, w, hm_test::random_size(rng, 1, 37), y0, y1,
                       static_cast<int8_t>(hm_test::random_size(rng, 0, 255) - 128), hm_test::random_output(rng, i));
  }
  for (size_t c = 1; c <= 17; ++c) run_qs8_up_dw_case(rng, 1, 1, c, 0, 2, -3, {4, 4, 127});
}

TEST(KernelQs8Upsample2xDwconv3x3, NetworkShape) {
  std::mt19937 rng(132);
  run_qs8_up_dw_case(rng, 14, 28, 64, 5, 23, -128, {-128, -128, 127});
}

// The build's int8 table (qs8_kernel_table.h): every entry is the variant of the build's isa (kernel_isa.h),
// like the fp32 table's (kernels_test.cc).
TEST(KernelTable, Qs8HoldsTheVariantsOfTheBuildsIsa) {
  const hm::QS8KernelTable& table = hm::kQS8Kernels;
  const bool wasmsimd = std::string(hm::kKernelIsa) == "wasmsimd";
  EXPECT_STREQ(table.isa, hm::kKernelIsa);
  auto expect_variant = [&](auto entry, auto scalar, auto simd, const char* op) {
    EXPECT_EQ(entry, wasmsimd ? simd : scalar) << op << " is not the " << hm::kKernelIsa << " variant";
  };
  expect_variant(table.conv3x3s2_rgba, hm::qs8_conv3x3s2_rgba_minmax_fp32__scalar,
                 hm::qs8_conv3x3s2_rgba_minmax_fp32__wasmsimd, "conv3x3s2_rgba");
  expect_variant(table.dwconv3x3, hm::qs8_dwconv3x3_minmax_fp32__scalar, hm::qs8_dwconv3x3_minmax_fp32__wasmsimd,
                 "dwconv3x3");
  expect_variant(table.conv1x1, hm::qs8_conv1x1_minmax_fp32__scalar, hm::qs8_conv1x1_minmax_fp32__wasmsimd, "conv1x1");
  expect_variant(table.conv1x1_acc32, hm::qs8_conv1x1_acc32__scalar, hm::qs8_conv1x1_acc32__wasmsimd,
                 "conv1x1_acc32");
  expect_variant(table.upsample2x_dwconv3x3, hm::qs8_upsample2x_dwconv3x3_minmax_fp32__scalar,
                 hm::qs8_upsample2x_dwconv3x3_minmax_fp32__wasmsimd, "upsample2x_dwconv3x3");
  expect_variant(table.upsample2x_add, hm::qs8_upsample2x_add_minmax__scalar, hm::qs8_upsample2x_add_minmax__wasmsimd,
                 "upsample2x_add");
  expect_variant(table.conv1x1_softmax2, hm::qs8_conv1x1_softmax2__scalar, hm::qs8_conv1x1_softmax2__wasmsimd,
                 "conv1x1_softmax2");
}

}  // namespace
