// src/kernels: every __scalar variant against an independent direct formula (kernel_reference.h: the
// literal convolution from PyTorch-layout weights with explicit zero padding, in double), and every
// __wasmsimd variant (through SIMDe here) against its __scalar twin, over odd shapes, channel counts that are not
// multiples of 4 or 8, 1-pixel images, row sub-ranges [y0, y1) (rows outside must stay untouched),
// every stride/dilation and several clamps.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kernel_reference.h"
#include "kernels/kernel_table.h"
#include "kernels/kernels.h"

namespace {

using hm::Clamp;
using hm_test::Ref;

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kSentinel = 777.25f;  // written before a call; rows outside [y0, y1) must keep it
constexpr double kRelTol = 1e-5;

const Clamp kClamps[] = {{-kInf, kInf}, {0.0f, kInf}, {0.0f, 6.0f}, {-0.25f, 0.3f}};

std::string clamp_name(Clamp c) {
  return "clamp[" + std::to_string(c.min) + "," + std::to_string(c.max) + "]";
}

// got[i] within kRelTol of ref (clamped) for the `per_row` values of each row in [y0, y1).
void expect_rows_match_ref(const std::vector<float>& got, const Ref& ref, Clamp clamp, size_t per_row,
                           size_t y0, size_t y1, const std::string& what) {
  size_t bad = 0;
  for (size_t i = y0 * per_row; i < y1 * per_row && bad < 5; ++i) {
    const double want = hm_test::clamp_d(ref.value[i], clamp.min, clamp.max);
    const double tol = kRelTol * (std::fabs(want) + ref.magnitude[i]) + 1e-12;
    if (!(std::fabs(got[i] - want) <= tol)) {
      ADD_FAILURE() << what << ": element " << i << " got " << got[i] << " want " << want << " (tol "
                    << tol << ")";
      ++bad;
    }
  }
}

// got (optimised) against want (scalar) on rows [y0, y1), with the reference's magnitudes for the
// tolerance, and the sentinel everywhere else.
void expect_rows_match(const std::vector<float>& got, const std::vector<float>& want, const Ref& ref,
                       size_t per_row, size_t y0, size_t y1, const std::string& what) {
  size_t bad = 0;
  for (size_t i = 0; i < got.size() && bad < 5; ++i) {
    const bool inside = i >= y0 * per_row && i < y1 * per_row;
    if (!inside) {
      if (got[i] != kSentinel || want[i] != kSentinel) {
        ADD_FAILURE() << what << ": element " << i << " outside rows [" << y0 << "," << y1
                      << ") was written";
        ++bad;
      }
      continue;
    }
    const double tol = kRelTol * (std::fabs(want[i]) + ref.magnitude[i]) + 1e-12;
    if (!(std::fabs(got[i] - want[i]) <= tol)) {
      ADD_FAILURE() << what << ": element " << i << " optimised " << got[i] << " scalar " << want[i];
      ++bad;
    }
  }
}

void random_rows(std::mt19937& rng, size_t h, size_t* y0, size_t* y1) {
  *y0 = hm_test::random_size(rng, 0, h - 1);
  *y1 = hm_test::random_size(rng, *y0 + 1, h);
}

// ---------------------------------------------------------------------------------------------------
// 1x1 convolution (GEMM)

struct Conv1x1Case {
  size_t h, w, in_c, out_c, y0, y1;
  Clamp clamp;
};

void run_conv1x1_case(std::mt19937& rng, const Conv1x1Case& k, bool check_naive) {
  const std::string what = "conv1x1 h" + std::to_string(k.h) + " w" + std::to_string(k.w) + " K" +
                           std::to_string(k.in_c) + " N" + std::to_string(k.out_c) + " rows[" +
                           std::to_string(k.y0) + "," + std::to_string(k.y1) + ") " +
                           clamp_name(k.clamp);
  const auto in = hm_test::random_floats(rng, k.h * k.w * k.in_c);
  const auto weight = hm_test::random_floats(rng, k.out_c * k.in_c);
  const auto bias = hm_test::random_floats(rng, k.out_c);
  std::vector<float> packed(hm::packed_conv1x1_size(k.in_c, k.out_c), -1.0f);
  hm::pack_conv1x1(k.in_c, k.out_c, weight.data(), bias.data(), packed.data());

  const Ref ref = hm_test::conv2d_naive(hm_test::to_double(in), k.h, k.w, k.in_c, weight, bias,
                                        k.out_c, 1, 1, 1, 1, 1, 0, 0, k.h, k.w);
  std::vector<float> scalar(k.h * k.w * k.out_c, kSentinel), simd = scalar;
  hm::f32_conv1x1_minmax__scalar(in.data(), k.w, k.in_c, packed.data(), k.out_c, scalar.data(), k.clamp, k.y0,
                                 k.y1);
  hm::f32_conv1x1_minmax__wasmsimd(in.data(), k.w, k.in_c, packed.data(), k.out_c, simd.data(), k.clamp, k.y0,
                                   k.y1);
  if (check_naive) expect_rows_match_ref(scalar, ref, k.clamp, k.w * k.out_c, k.y0, k.y1, what + " scalar");
  expect_rows_match(simd, scalar, ref, k.w * k.out_c, k.y0, k.y1, what);
}

TEST(KernelConv1x1, ScalarMatchesNaiveConvolution) {
  std::mt19937 rng(1);
  for (size_t in_c : {1, 3, 4, 5, 8, 17, 64})
    for (size_t out_c : {1, 3, 8, 9, 16, 23})
      for (Clamp c : kClamps) run_conv1x1_case(rng, {3, 5, in_c, out_c, 0, 3, c}, true);
}

TEST(KernelConv1x1, OptimisedMatchesScalarOnRandomShapes) {
  std::mt19937 rng(2);
  for (int i = 0; i < 300; ++i) {
    Conv1x1Case k;
    k.h = hm_test::random_size(rng, 1, 9);
    k.w = hm_test::random_size(rng, 1, 13);
    k.in_c = hm_test::random_size(rng, 1, 70);
    k.out_c = hm_test::random_size(rng, 1, 40);
    random_rows(rng, k.h, &k.y0, &k.y1);
    k.clamp = kClamps[i % 4];
    run_conv1x1_case(rng, k, true);
  }
}

TEST(KernelConv1x1, EveryRowAndColumnRemainder) {
  // Every remainder of M and N against the micro-kernel tile (2x16 today, 4x8 before: both covered),
  // one pixel wide so M = rows.
  std::mt19937 rng(3);
  for (size_t m = 1; m <= 9; ++m)
    for (size_t n = 1; n <= 33; ++n) run_conv1x1_case(rng, {m, 1, 7, n, 0, m, kClamps[2]}, true);
}

TEST(KernelConv1x1, OnePixelImage) {
  std::mt19937 rng(4);
  for (size_t k : {1, 4, 33})
    for (size_t n : {1, 8, 13}) run_conv1x1_case(rng, {1, 1, k, n, 0, 1, kClamps[0]}, true);
}

TEST(KernelConv1x1, NetworkShapes) {
  // Blocks larger than the kernel's L2 row block (64 KiB of A) and K = 1024 panels.
  std::mt19937 rng(5);
  run_conv1x1_case(rng, {14, 14, 512, 72, 0, 14, kClamps[2]}, false);
  run_conv1x1_case(rng, {7, 7, 1024, 40, 2, 6, kClamps[1]}, false);
  run_conv1x1_case(rng, {56, 56, 64, 64, 3, 51, kClamps[2]}, false);
}

TEST(KernelConv1x1, NullBiasIsZero) {
  std::mt19937 rng(6);
  const size_t in_c = 5, out_c = 3;
  const auto weight = hm_test::random_floats(rng, out_c * in_c);
  std::vector<float> with_null(hm::packed_conv1x1_size(in_c, out_c)), with_zero = with_null;
  const std::vector<float> zeros(out_c, 0.0f);
  hm::pack_conv1x1(in_c, out_c, weight.data(), nullptr, with_null.data());
  hm::pack_conv1x1(in_c, out_c, weight.data(), zeros.data(), with_zero.data());
  EXPECT_EQ(with_null, with_zero);
}

// ---------------------------------------------------------------------------------------------------
// 3x3 depthwise convolution

struct DwCase {
  size_t h, w, c, stride, dilation, y0, y1;
  Clamp clamp;
};

void run_dwconv_case(std::mt19937& rng, const DwCase& k) {
  const std::string what = "dwconv h" + std::to_string(k.h) + " w" + std::to_string(k.w) + " c" +
                           std::to_string(k.c) + " s" + std::to_string(k.stride) + " d" +
                           std::to_string(k.dilation) + " rows[" + std::to_string(k.y0) + "," +
                           std::to_string(k.y1) + ") " + clamp_name(k.clamp);
  const size_t out_h = (k.h + k.stride - 1) / k.stride, out_w = (k.w + k.stride - 1) / k.stride;
  const auto in = hm_test::random_floats(rng, k.h * k.w * k.c);
  const auto weight = hm_test::random_floats(rng, k.c * 9);
  const auto bias = hm_test::random_floats(rng, k.c);
  std::vector<float> packed(hm::packed_dwconv3x3_size(k.c), -1.0f);
  hm::pack_dwconv3x3(k.c, weight.data(), bias.data(), packed.data());

  // The contract's padding: stride 1 pads `dilation` before, stride 2 pads 0 before (1 after).
  const ptrdiff_t pad = k.stride == 1 ? static_cast<ptrdiff_t>(k.dilation) : 0;
  const Ref ref = hm_test::conv2d_naive(hm_test::to_double(in), k.h, k.w, k.c, weight, bias, k.c, 3,
                                        3, k.c, k.stride, k.dilation, pad, pad, out_h, out_w);
  std::vector<float> scalar(out_h * out_w * k.c, kSentinel), simd = scalar;
  const size_t y1 = std::min(k.y1, out_h), y0 = std::min(k.y0, y1 - 1);
  hm::f32_dwconv3x3_minmax__scalar(in.data(), k.h, k.w, k.c, k.stride, k.dilation, packed.data(), scalar.data(),
                                   k.clamp, y0, y1);
  hm::f32_dwconv3x3_minmax__wasmsimd(in.data(), k.h, k.w, k.c, k.stride, k.dilation, packed.data(), simd.data(),
                                     k.clamp, y0, y1);
  expect_rows_match_ref(scalar, ref, k.clamp, out_w * k.c, y0, y1, what + " scalar");
  expect_rows_match(simd, scalar, ref, out_w * k.c, y0, y1, what);
}

const size_t kDwGeometries[][2] = {{1, 1}, {2, 1}, {1, 2}, {1, 4}};  // {stride, dilation}

TEST(KernelDwconv3x3, ScalarMatchesNaiveConvolution) {
  std::mt19937 rng(11);
  for (const auto& g : kDwGeometries)
    for (size_t c : {1, 3, 4, 8, 13})
      for (Clamp cl : kClamps) run_dwconv_case(rng, {6, 10, c, g[0], g[1], 0, 100, cl});
}

TEST(KernelDwconv3x3, OptimisedMatchesScalarOnRandomShapes) {
  std::mt19937 rng(12);
  for (int i = 0; i < 400; ++i) {
    const auto& g = kDwGeometries[i % 4];
    DwCase k;
    k.h = hm_test::random_size(rng, 1, 14);
    k.w = hm_test::random_size(rng, 1, 14);
    k.c = hm_test::random_size(rng, 1, 37);
    k.stride = g[0];
    k.dilation = g[1];
    const size_t out_h = (k.h + k.stride - 1) / k.stride;
    random_rows(rng, out_h, &k.y0, &k.y1);
    k.clamp = kClamps[(i / 4) % 4];
    run_dwconv_case(rng, k);
  }
}

const size_t kThinSizes[][2] = {{1, 1}, {1, 9}, {9, 1}, {2, 2}, {3, 2}};  // {h, w}

TEST(KernelDwconv3x3, OnePixelAndThinImages) {
  std::mt19937 rng(13);
  for (const auto& g : kDwGeometries)
    for (size_t c : {1, 4, 7})
      for (const auto& hw : kThinSizes)
        run_dwconv_case(rng, {hw[0], hw[1], c, g[0], g[1], 0, 100, kClamps[0]});
}

TEST(KernelDwconv3x3, NetworkShapes) {
  std::mt19937 rng(14);
  run_dwconv_case(rng, {28, 28, 64, 1, 1, 0, 28, kClamps[2]});
  run_dwconv_case(rng, {28, 28, 64, 2, 1, 3, 11, kClamps[2]});
  run_dwconv_case(rng, {28, 28, 32, 1, 2, 0, 28, kClamps[2]});
  run_dwconv_case(rng, {14, 14, 64, 1, 4, 2, 13, kClamps[0]});
}

TEST(KernelDwconv3x3, WideChannelSchedule) {
  // c >= 256 takes the per-pixel interior schedule; c % 4 != 0 there too.
  std::mt19937 rng(15);
  for (const auto& g : kDwGeometries)
    for (size_t c : {256, 258, 261}) run_dwconv_case(rng, {9, 10, c, g[0], g[1], 1, 100, kClamps[2]});
}

TEST(KernelDwconv3x3, LongRowsCrossSeveralTiles) {
  // Interior runs of 8-pixel tiles with every remainder, odd widths, both strides.
  std::mt19937 rng(16);
  for (const auto& g : kDwGeometries)
    for (size_t w : {17, 26, 41}) run_dwconv_case(rng, {5, w, 12, g[0], g[1], 0, 100, kClamps[1]});
}

// ---------------------------------------------------------------------------------------------------
// First convolution on RGBA uint8 with the normalisation folded in

struct RgbCase {
  size_t h, w, out_c, row_pad, y0, y1;
  Clamp clamp;
};

void run_rgb_case(std::mt19937& rng, const RgbCase& k) {
  const std::string what = "conv3x3s2_rgb h" + std::to_string(k.h) + " w" + std::to_string(k.w) +
                           " oc" + std::to_string(k.out_c) + " rows[" + std::to_string(k.y0) + "," +
                           std::to_string(k.y1) + ") " + clamp_name(k.clamp);
  const size_t stride_bytes = k.w * 4 + k.row_pad;
  std::vector<uint8_t> rgba(k.h * stride_bytes);
  std::uniform_int_distribution<int> byte(0, 255);
  for (auto& b : rgba) b = static_cast<uint8_t>(byte(rng));
  // The network's input: RGB normalised as x / 127.5 - 1, alpha dropped, NHWC with 3 channels.
  std::vector<double> normalised(k.h * k.w * 3);
  for (size_t y = 0; y < k.h; ++y)
    for (size_t x = 0; x < k.w; ++x)
      for (size_t ch = 0; ch < 3; ++ch)
        normalised[(y * k.w + x) * 3 + ch] = rgba[y * stride_bytes + x * 4 + ch] / 127.5 - 1.0;
  const auto weight = hm_test::random_floats(rng, k.out_c * 27);
  const auto bias = hm_test::random_floats(rng, k.out_c);
  std::vector<float> packed(hm::packed_conv3x3s2_rgb_size(k.out_c), -1.0f);
  hm::pack_conv3x3s2_rgb(k.out_c, weight.data(), bias.data(), packed.data());

  const size_t out_h = (k.h + 1) / 2, out_w = (k.w + 1) / 2;
  Ref ref = hm_test::conv2d_naive(normalised, k.h, k.w, 3, weight, bias, k.out_c, 3, 3, 1, 2, 1, 0, 0,
                                  out_h, out_w);
  // The folded form sums w / 127.5 * x_raw and b - sum(w): its rounding scales with sum |w| too.
  for (size_t i = 0; i < ref.magnitude.size(); ++i) {
    const size_t oc = i % k.out_c;
    for (size_t t = 0; t < 27; ++t) ref.magnitude[i] += 2.0 * std::fabs(weight[oc * 27 + t]);
  }
  std::vector<float> scalar(out_h * out_w * k.out_c, kSentinel), simd = scalar;
  const size_t y1 = std::min(k.y1, out_h), y0 = std::min(k.y0, y1 - 1);
  hm::f32_conv3x3s2_rgb_minmax__scalar(rgba.data(), k.h, k.w, stride_bytes, packed.data(), k.out_c,
                                       scalar.data(), k.clamp, y0, y1);
  hm::f32_conv3x3s2_rgb_minmax__wasmsimd(rgba.data(), k.h, k.w, stride_bytes, packed.data(), k.out_c, simd.data(),
                                         k.clamp, y0, y1);
  expect_rows_match_ref(scalar, ref, k.clamp, out_w * k.out_c, y0, y1, what + " scalar");
  expect_rows_match(simd, scalar, ref, out_w * k.out_c, y0, y1, what);
}

TEST(KernelConv3x3s2Rgb, ScalarMatchesNaiveConvolutionOfNormalisedInput) {
  std::mt19937 rng(21);
  for (size_t oc : {1, 4, 5, 16, 32, 35})
    for (Clamp cl : kClamps) run_rgb_case(rng, {8, 12, oc, 0, 0, 100, cl});
}

TEST(KernelConv3x3s2Rgb, PaddedTapsActAsNormalisedZero) {
  // All-white image: every in-image tap is +1 after normalisation, padded taps 0. The bottom-right
  // output of an even-sized image sees 4 image taps and 5 padded ones.
  std::vector<uint8_t> white(4 * 4 * 4, 255);
  std::vector<float> weight(27, 1.0f), bias(1, 0.5f);
  std::vector<float> packed(hm::packed_conv3x3s2_rgb_size(1));
  hm::pack_conv3x3s2_rgb(1, weight.data(), bias.data(), packed.data());
  std::vector<float> out(4, 0.0f), out_scalar(4, 0.0f);
  hm::f32_conv3x3s2_rgb_minmax__wasmsimd(white.data(), 4, 4, 16, packed.data(), 1, out.data(), kClamps[0], 0, 2);
  hm::f32_conv3x3s2_rgb_minmax__scalar(white.data(), 4, 4, 16, packed.data(), 1, out_scalar.data(), kClamps[0], 0,
                                       2);
  EXPECT_NEAR(out[0], 0.5f + 27.0f, 1e-4);      // top-left: all 9 taps in the image
  EXPECT_NEAR(out[3], 0.5f + 4 * 3.0f, 1e-4);   // bottom-right: 2x2 taps in, the rest padded
  EXPECT_NEAR(out_scalar[3], 0.5f + 12.0f, 1e-4);
}

TEST(KernelConv3x3s2Rgb, OptimisedMatchesScalarOnRandomShapes) {
  std::mt19937 rng(22);
  for (int i = 0; i < 150; ++i) {
    RgbCase k;
    k.h = hm_test::random_size(rng, 1, 15);
    k.w = hm_test::random_size(rng, 1, 15);
    k.out_c = hm_test::random_size(rng, 1, 40);
    k.row_pad = hm_test::random_size(rng, 0, 2) * 4 + hm_test::random_size(rng, 0, 3);
    random_rows(rng, (k.h + 1) / 2, &k.y0, &k.y1);
    k.clamp = kClamps[i % 4];
    run_rgb_case(rng, k);
  }
}

// ---------------------------------------------------------------------------------------------------
// Nearest 2x upsampling + skip

void run_upsample_case(std::mt19937& rng, size_t h, size_t w, size_t c, bool with_skip, size_t y0,
                       size_t y1) {
  const std::string what = "upsample h" + std::to_string(h) + " w" + std::to_string(w) + " c" +
                           std::to_string(c) + (with_skip ? " +skip" : "") + " rows[" +
                           std::to_string(y0) + "," + std::to_string(y1) + ")";
  const auto in = hm_test::random_floats(rng, h * w * c);
  const auto skip = hm_test::random_floats(rng, 4 * h * w * c);
  // Reference built from the input side: every input pixel scattered to its 2x2 block.
  Ref ref;
  ref.value.assign(4 * h * w * c, 0.0);
  ref.magnitude.assign(4 * h * w * c, 0.0);
  for (size_t y = 0; y < h; ++y)
    for (size_t x = 0; x < w; ++x)
      for (size_t dy = 0; dy < 2; ++dy)
        for (size_t dx = 0; dx < 2; ++dx)
          for (size_t ch = 0; ch < c; ++ch) {
            const size_t o = ((2 * y + dy) * 2 * w + 2 * x + dx) * c + ch;
            const double s = with_skip ? skip[o] : 0.0;
            ref.value[o] = in[(y * w + x) * c + ch] + s;
            ref.magnitude[o] = std::fabs(in[(y * w + x) * c + ch]) + std::fabs(s);
          }
  std::vector<float> scalar(4 * h * w * c, kSentinel), simd = scalar;
  const float* s = with_skip ? skip.data() : nullptr;
  hm::f32_upsample2x_add__scalar(in.data(), h, w, c, s, scalar.data(), y0, y1);
  hm::f32_upsample2x_add__wasmsimd(in.data(), h, w, c, s, simd.data(), y0, y1);
  expect_rows_match_ref(scalar, ref, kClamps[0], 2 * w * c, y0, y1, what + " scalar");
  expect_rows_match(simd, scalar, ref, 2 * w * c, y0, y1, what);
}

TEST(KernelUpsample2xAdd, MatchesScatterReference) {
  std::mt19937 rng(31);
  for (int i = 0; i < 200; ++i) {
    const size_t h = hm_test::random_size(rng, 1, 7), w = hm_test::random_size(rng, 1, 7);
    const size_t c = hm_test::random_size(rng, 1, 21);
    size_t y0, y1;
    random_rows(rng, 2 * h, &y0, &y1);
    run_upsample_case(rng, h, w, c, i % 2 == 0, y0, y1);
  }
  run_upsample_case(rng, 1, 1, 1, true, 0, 2);
  run_upsample_case(rng, 7, 7, 64, true, 3, 14);
}

// ---------------------------------------------------------------------------------------------------
// Nearest 2x upsampling fused into the following 3x3 depthwise convolution

// Reference: the upsampled tensor built explicitly (every output pixel reads input (y / 2, x / 2)), then
// the literal 3x3 depthwise convolution with one row/column of zero padding on each side. The kernels
// write rows [y0, y1) from the start of their buffer; one extra sentinel row after them must survive.
void run_upsample_dw_case(std::mt19937& rng, size_t h, size_t w, size_t c, size_t y0, size_t y1,
                          Clamp clamp) {
  const std::string what = "upsample2x_dwconv3x3 h" + std::to_string(h) + " w" + std::to_string(w) +
                           " c" + std::to_string(c) + " rows[" + std::to_string(y0) + "," +
                           std::to_string(y1) + ") " + clamp_name(clamp);
  const auto in = hm_test::random_floats(rng, h * w * c);
  const auto weight = hm_test::random_floats(rng, c * 9);
  const auto bias = hm_test::random_floats(rng, c);
  std::vector<float> packed(hm::packed_dwconv3x3_size(c), -1.0f);
  hm::pack_dwconv3x3(c, weight.data(), bias.data(), packed.data());
  std::vector<double> up(4 * h * w * c);
  for (size_t y = 0; y < 2 * h; ++y)
    for (size_t x = 0; x < 2 * w; ++x)
      for (size_t ch = 0; ch < c; ++ch) up[(y * 2 * w + x) * c + ch] = in[((y / 2) * w + x / 2) * c + ch];
  const Ref full = hm_test::conv2d_naive(up, 2 * h, 2 * w, c, weight, bias, c, 3, 3, c, 1, 1, 1, 1,
                                         2 * h, 2 * w);
  const size_t per_row = 2 * w * c, rows = y1 - y0;
  Ref ref;  // rows [y0, y1) of the full result, then the sentinel row
  ref.value.assign(full.value.begin() + y0 * per_row, full.value.begin() + y1 * per_row);
  ref.magnitude.assign(full.magnitude.begin() + y0 * per_row, full.magnitude.begin() + y1 * per_row);
  ref.value.resize((rows + 1) * per_row, 0.0);
  ref.magnitude.resize((rows + 1) * per_row, 0.0);
  std::vector<float> scalar((rows + 1) * per_row, kSentinel), simd = scalar;
  hm::f32_upsample2x_dwconv3x3_minmax__scalar(in.data(), h, w, c, packed.data(), scalar.data(), clamp, y0, y1);
  hm::f32_upsample2x_dwconv3x3_minmax__wasmsimd(in.data(), h, w, c, packed.data(), simd.data(), clamp, y0, y1);
  expect_rows_match_ref(scalar, ref, clamp, per_row, 0, rows, what + " scalar");
  expect_rows_match(simd, scalar, ref, per_row, 0, rows, what);
}

TEST(KernelUpsample2xDwconv3x3, MatchesUpsampleThenConvolution) {
  std::mt19937 rng(41);
  for (int i = 0; i < 300; ++i) {
    const size_t h = hm_test::random_size(rng, 1, 9), w = hm_test::random_size(rng, 1, 9);
    const size_t c = hm_test::random_size(rng, 1, 21);
    size_t y0, y1;
    random_rows(rng, 2 * h, &y0, &y1);
    run_upsample_dw_case(rng, h, w, c, y0, y1, kClamps[i % 4]);
  }
}

TEST(KernelUpsample2xDwconv3x3, OnePixelThinAndLongRows) {
  // 1-pixel and 1-wide inputs (every output misses taps on both sides), and rows longer than the
  // kernel's 32-column tiles with every kind of remainder.
  std::mt19937 rng(42);
  for (const auto& hw : kThinSizes)
    for (size_t c : {1, 4, 7}) run_upsample_dw_case(rng, hw[0], hw[1], c, 0, 2 * hw[0], kClamps[0]);
  for (size_t w : {31, 32, 33, 70}) run_upsample_dw_case(rng, 3, w, 8, 0, 6, kClamps[1]);
}

TEST(KernelUpsample2xDwconv3x3, NetworkShape) {
  std::mt19937 rng(43);
  run_upsample_dw_case(rng, 14, 14, 64, 0, 28, kClamps[0]);
  run_upsample_dw_case(rng, 28, 28, 64, 9, 17, kClamps[0]);
}

// ---------------------------------------------------------------------------------------------------
// im2col3x3: rows that turn a 3x3 "same" convolution into a 1x1 convolution (GEMM)

// Brute force: each element of each written row from its definition; rows outside [y0, y1) untouched.
void run_im2col_case(std::mt19937& rng, size_t h, size_t w, size_t c, size_t prefix_c, size_t y0, size_t y1) {
  const std::string what = "im2col3x3 h" + std::to_string(h) + " w" + std::to_string(w) + " c" +
                           std::to_string(c) + " prefix " + std::to_string(prefix_c) + " rows[" +
                           std::to_string(y0) + "," + std::to_string(y1) + ")";
  const auto in = hm_test::random_floats(rng, h * w * c);
  const auto prefix = hm_test::random_floats(rng, h * w * prefix_c);
  const size_t row = hm::im2col3x3_row_floats(prefix_c, c);
  ASSERT_EQ(row % 4, 0u) << what;
  ASSERT_GE(row, prefix_c + 9 * c + 9) << what;
  // Rows [y0, y1) land from the start of the buffer; one more row after them must keep the sentinel.
  const size_t rows = y1 - y0;
  std::vector<float> out((rows + 1) * w * row, kSentinel);
  hm::f32_im2col3x3__scalar(prefix_c ? prefix.data() : nullptr, prefix_c, in.data(), h, w, c, out.data(), y0, y1);
  size_t bad = 0;
  for (size_t r = 0; r <= rows; ++r) {
    const size_t y = y0 + r;
    for (size_t x = 0; x < w; ++x) {
      const float* o = out.data() + (r * w + x) * row;
      for (size_t i = 0; i < row && bad < 5; ++i) {
        float want = kSentinel;
        if (r < rows) {
          if (i < prefix_c) {
            want = prefix[(y * w + x) * prefix_c + i];
          } else if (i < prefix_c + 9 * c) {
            const size_t k = (i - prefix_c) / c, ch = (i - prefix_c) % c;
            const long sy = long(y) + long(k / 3) - 1, sx = long(x) + long(k % 3) - 1;
            const bool inside = sy >= 0 && sy < long(h) && sx >= 0 && sx < long(w);
            want = inside ? in[(size_t(sy) * w + size_t(sx)) * c + ch] : 0.0f;
          } else if (i < prefix_c + 9 * c + 9) {
            const size_t k = i - prefix_c - 9 * c;
            const long sy = long(y) + long(k / 3) - 1, sx = long(x) + long(k % 3) - 1;
            want = (sy >= 0 && sy < long(h) && sx >= 0 && sx < long(w)) ? 1.0f : 0.0f;
          } else {
            want = 0.0f;
          }
        }
        if (o[i] != want) {
          ADD_FAILURE() << what << ": row " << y << " pixel " << x << " element " << i << " got " << o[i]
                        << " want " << want;
          ++bad;
        }
      }
    }
  }
}

TEST(KernelIm2col3x3, MatchesDefinitionOnRandomShapes) {
  std::mt19937 rng(61);
  for (int i = 0; i < 200; ++i) {
    const size_t h = hm_test::random_size(rng, 1, 9), w = hm_test::random_size(rng, 1, 9);
    const size_t c = hm_test::random_size(rng, 1, 13), prefix_c = i % 3 == 0 ? 0 : hm_test::random_size(rng, 1, 11);
    size_t y0, y1;
    random_rows(rng, h, &y0, &y1);
    run_im2col_case(rng, h, w, c, prefix_c, y0, y1);
  }
  run_im2col_case(rng, 1, 1, 1, 0, 0, 1);
  run_im2col_case(rng, 14, 14, 32, 16, 0, 14);
}

// What it is for: im2col rows times weights laid out to match, through the 1x1 kernel, give the literal
// 3x3 "same" convolution; a bias put on the validity flags is added once per in-bounds tap, as a bias
// that was inside the convolved tensor would be.
TEST(KernelIm2col3x3, AsGemmEqualsThe3x3Convolution) {
  std::mt19937 rng(62);
  for (int i = 0; i < 40; ++i) {
    const size_t h = hm_test::random_size(rng, 1, 8), w = hm_test::random_size(rng, 1, 8);
    const size_t c = hm_test::random_size(rng, 1, 9), out_c = hm_test::random_size(rng, 1, 11);
    const std::string what = "im2col GEMM h" + std::to_string(h) + " w" + std::to_string(w) + " c" +
                             std::to_string(c) + " N" + std::to_string(out_c);
    const auto in = hm_test::random_floats(rng, h * w * c);
    const auto weight = hm_test::random_floats(rng, out_c * c * 9);     // PyTorch [out_c, c, 3, 3]
    const auto in_bias = hm_test::random_floats(rng, c);                // added to `in` before the conv
    const auto bias = hm_test::random_floats(rng, out_c);
    // Reference: (in + in_bias) convolved with zero padding, i.e. the bias only on in-bounds taps.
    std::vector<double> biased(in.size());
    for (size_t p = 0; p < h * w; ++p)
      for (size_t ch = 0; ch < c; ++ch) biased[p * c + ch] = double(in[p * c + ch]) + in_bias[ch];
    const Ref ref = hm_test::conv2d_naive(biased, h, w, c, weight, bias, out_c, 3, 3, 1, 1, 1, 1, 1, h, w);
    // GEMM weights [out_c, row]: tap k of channel ch at column k * c + ch; the flag of tap k carries
    // sum_ch weight * in_bias.
    const size_t row = hm::im2col3x3_row_floats(0, c);
    std::vector<float> gemm_weight(out_c * row, 0.0f);
    for (size_t o = 0; o < out_c; ++o)
      for (size_t k = 0; k < 9; ++k) {
        double flag = 0;
        for (size_t ch = 0; ch < c; ++ch) {
          const float wv = weight[(o * c + ch) * 9 + k];
          gemm_weight[o * row + k * c + ch] = wv;
          flag += double(wv) * in_bias[ch];
        }
        gemm_weight[o * row + 9 * c + k] = float(flag);
      }
    std::vector<float> packed(hm::packed_conv1x1_size(row, out_c));
    hm::pack_conv1x1(row, out_c, gemm_weight.data(), bias.data(), packed.data());
    std::vector<float> cols(h * w * row), got(h * w * out_c, kSentinel);
    hm::f32_im2col3x3__scalar(nullptr, 0, in.data(), h, w, c, cols.data(), 0, h);
    hm::f32_conv1x1_minmax__wasmsimd(cols.data(), w, row, packed.data(), out_c, got.data(), kClamps[0], 0, h);
    expect_rows_match_ref(got, ref, kClamps[0], w * out_c, 0, h, what);
  }
}

// ---------------------------------------------------------------------------------------------------
// Head: 1x1 to 2 logits + softmax

void run_head_case(std::mt19937& rng, size_t h, size_t w, size_t c, size_t y0, size_t y1,
                   float input_scale) {
  const std::string what = "softmax2 h" + std::to_string(h) + " w" + std::to_string(w) + " c" +
                           std::to_string(c) + " rows[" + std::to_string(y0) + "," +
                           std::to_string(y1) + ") scale " + std::to_string(input_scale);
  const auto in = hm_test::random_floats(rng, h * w * c, -input_scale, input_scale);
  const auto weight = hm_test::random_floats(rng, 2 * c);
  const auto bias = hm_test::random_floats(rng, 2);
  std::vector<float> packed(hm::packed_conv1x1_softmax2_size(c), -1.0f);
  hm::pack_conv1x1_softmax2(c, weight.data(), bias.data(), packed.data());
  // Two logits from the PyTorch [2, c] weights, then softmax(z)[1] = e^z1 / (e^z0 + e^z1).
  const Ref logits = hm_test::conv2d_naive(hm_test::to_double(in), h, w, c, weight, bias, 2, 1, 1, 1,
                                           1, 1, 0, 0, h, w);
  Ref ref;
  for (size_t p = 0; p < h * w; ++p) {
    const double z0 = logits.value[2 * p], z1 = logits.value[2 * p + 1];
    const double m = std::max(z0, z1);
    const double prob = std::exp(z1 - m) / (std::exp(z0 - m) + std::exp(z1 - m));
    ref.value.push_back(prob);
    // d prob / d z = prob (1 - prob): the logits' rounding (relative to their magnitudes) scaled by it.
    ref.magnitude.push_back(prob * (1.0 - prob) * (logits.magnitude[2 * p] + logits.magnitude[2 * p + 1]));
  }
  std::vector<float> scalar(h * w, kSentinel), simd = scalar;
  hm::f32_conv1x1_softmax2__scalar(in.data(), w, c, packed.data(), scalar.data(), y0, y1);
  hm::f32_conv1x1_softmax2__wasmsimd(in.data(), w, c, packed.data(), simd.data(), y0, y1);
  expect_rows_match_ref(scalar, ref, Clamp{0.0f, 1.0f}, w, y0, y1, what + " scalar");
  expect_rows_match(simd, scalar, ref, w, y0, y1, what);
}

TEST(KernelConv1x1Softmax2, MatchesSoftmaxOfTwoLogits) {
  std::mt19937 rng(41);
  for (int i = 0; i < 200; ++i) {
    const size_t h = hm_test::random_size(rng, 1, 9), w = hm_test::random_size(rng, 1, 9);
    const size_t c = hm_test::random_size(rng, 1, 70);
    size_t y0, y1;
    random_rows(rng, h, &y0, &y1);
    // Scale 30 drives logits far into saturation (exp overflow territory for |z| > 88).
    run_head_case(rng, h, w, c, y0, y1, i % 3 == 0 ? 30.0f : 1.0f);
  }
  run_head_case(rng, 1, 1, 1, 0, 1, 1.0f);
  run_head_case(rng, 16, 16, 64, 5, 12, 1.0f);
}

TEST(KernelConv1x1Softmax2, SigmoidIsAccurateToAFewUlps) {
  // One channel with w0 - w1 = 1 and no bias: the kernel returns 1 / (1 + exp(x)) for input x, so
  // the vectorised exp is checked directly, relative to the tiny probabilities as well.
  const std::vector<float> weight = {1.0f, 0.0f}, bias = {0.0f, 0.0f};
  std::vector<float> packed(hm::packed_conv1x1_softmax2_size(1));
  hm::pack_conv1x1_softmax2(1, weight.data(), bias.data(), packed.data());
  std::vector<float> x;
  for (float z = -25.0f; z <= 85.0f; z += 0.0137f) x.push_back(z);
  std::vector<float> simd(x.size()), scalar(x.size());
  hm::f32_conv1x1_softmax2__wasmsimd(x.data(), x.size(), 1, packed.data(), simd.data(), 0, 1);
  hm::f32_conv1x1_softmax2__scalar(x.data(), x.size(), 1, packed.data(), scalar.data(), 0, 1);
  for (size_t i = 0; i < x.size(); ++i) {
    const double want = 1.0 / (1.0 + std::exp(static_cast<double>(x[i])));
    ASSERT_NEAR(simd[i], want, 1e-6 * want) << "x = " << x[i];
    ASSERT_NEAR(scalar[i], want, 1e-6 * want) << "x = " << x[i];
  }
}

TEST(KernelConv1x1Softmax2, SaturatesWithoutNaN) {
  // z0 - z1 = +-1000: the probability must be exactly 0 / 1 (to float), never NaN.
  const size_t c = 4;
  std::vector<float> weight = {1, 0, 0, 0, 0, 0, 0, 0}, bias = {0, 0};
  std::vector<float> packed(hm::packed_conv1x1_softmax2_size(c));
  hm::pack_conv1x1_softmax2(c, weight.data(), bias.data(), packed.data());
  std::vector<float> in = {1000, 0, 0, 0, -1000, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 1000, 0, 0, 0};
  std::vector<float> out(5, -1.0f);
  hm::f32_conv1x1_softmax2__wasmsimd(in.data(), 5, c, packed.data(), out.data(), 0, 1);
  EXPECT_NEAR(out[0], 0.0f, 1e-30);
  EXPECT_EQ(out[1], 1.0f);
  EXPECT_EQ(out[2], 0.5f);
  EXPECT_NEAR(out[3], 1.0 / (1.0 + std::exp(3.0)), 1e-7);
  EXPECT_NEAR(out[4], 0.0f, 1e-30);  // the pixel after the last full group of 4
}


// ---------------------------------------------------------------------------------------------------
// The build's kernel table (kernel_table.h): every entry is the variant of the build's isa (kernel_isa.h),
// so the engine runs one instruction set throughout (wasmsimd here unless configured with -DHM_SIMD=OFF).

TEST(KernelTable, HoldsTheVariantsOfTheBuildsIsa) {
  const hm::F32KernelTable& table = hm::kF32Kernels;
  const bool wasmsimd = std::string(hm::kKernelIsa) == "wasmsimd";
  EXPECT_TRUE(wasmsimd || std::string(hm::kKernelIsa) == "scalar") << hm::kKernelIsa;
  EXPECT_STREQ(table.isa, hm::kKernelIsa);
  auto expect_variant = [&](auto entry, auto scalar, auto simd, const char* op) {
    EXPECT_EQ(entry, wasmsimd ? simd : scalar) << op << " is not the " << hm::kKernelIsa << " variant";
  };
  expect_variant(table.conv3x3s2_rgb, hm::f32_conv3x3s2_rgb_minmax__scalar, hm::f32_conv3x3s2_rgb_minmax__wasmsimd,
                 "conv3x3s2_rgb");
  expect_variant(table.dwconv3x3, hm::f32_dwconv3x3_minmax__scalar, hm::f32_dwconv3x3_minmax__wasmsimd, "dwconv3x3");
  expect_variant(table.conv1x1, hm::f32_conv1x1_minmax__scalar, hm::f32_conv1x1_minmax__wasmsimd, "conv1x1");
  expect_variant(table.upsample2x_add, hm::f32_upsample2x_add__scalar, hm::f32_upsample2x_add__wasmsimd,
                 "upsample2x_add");
  expect_variant(table.upsample2x_dwconv3x3, hm::f32_upsample2x_dwconv3x3_minmax__scalar,
                 hm::f32_upsample2x_dwconv3x3_minmax__wasmsimd, "upsample2x_dwconv3x3");
  expect_variant(table.conv1x1_softmax2, hm::f32_conv1x1_softmax2__scalar, hm::f32_conv1x1_softmax2__wasmsimd,
                 "conv1x1_softmax2");
  EXPECT_EQ(table.im2col3x3, hm::f32_im2col3x3__scalar);  // data movement: one variant in every build
}

}  // namespace
