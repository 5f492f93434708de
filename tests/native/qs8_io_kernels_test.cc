// The int8 network's first and last kernels (qs8_io_kernels.h): the 3x3 stride-2 convolution on RGBA
// bytes against the literal quantised convolution of qs8_reference.h on q = p - 128 (optimised and scalar
// must equal it byte for byte), and the head against a float64 softmax of the literal int32 dot products
// (optimised == scalar exactly; both within float32 rounding of the float64 value). Random shapes: odd
// sizes (the stride-2 padding after), 1-pixel images, row strides wider than the rows, channel counts
// around the vector widths, row sub-ranges with sentinels.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/qs8_io_kernels.h"
#include "qs8_reference.h"

namespace {

constexpr int8_t kSentinel = 0x5a;

TEST(KernelQs8Conv3x3s2Rgba, ScalarAndOptimisedMatchTheLiteralConvolution) {
  std::mt19937 rng(1404);
  for (int trial = 0; trial < 120; ++trial) {
    const size_t h = hm_test::random_size(rng, 1, 37), w = hm_test::random_size(rng, 1, 37);
    const size_t out_c = hm_test::random_size(rng, 1, 19);
    const size_t stride = w * 4 + hm_test::random_size(rng, 0, 9);
    const size_t out_h = (h + 1) / 2, out_w = (w + 1) / 2;
    std::vector<uint8_t> rgba(h * stride);
    for (uint8_t& b : rgba) b = static_cast<uint8_t>(rng() & 0xff);
    // The reference's input: q = p - 128 for R, G, B (alpha ignored), zero point 0.
    std::vector<int8_t> q(h * w * 3);
    for (size_t y = 0; y < h; ++y)
      for (size_t x = 0; x < w; ++x)
        for (size_t c = 0; c < 3; ++c) q[(y * w + x) * 3 + c] = static_cast<int8_t>(int{rgba[y * stride + x * 4 + c]} - 128);
    const auto weight = hm_test::random_int8(rng, out_c * 27, -127, 127);
    const auto bias = hm_test::random_int32(rng, out_c, -30000, 30000);
    const auto scale = hm_test::random_scales(rng, out_c, 27);
    const hm::QS8Output out = hm_test::random_output(rng, trial);
    const auto want = hm_test::qs8_conv2d_naive(q, h, w, 3, 0, weight, bias, scale, out_c, 3, 3, 1, 2, 1, 0, 0,
                                                out_h, out_w, out);
    std::vector<uint8_t> packed(hm::packed_qs8_conv3x3s2_rgba_size(out_c));
    hm::pack_qs8_conv3x3s2_rgba(out_c, weight.data(), bias.data(), scale.data(), packed.data());
    std::vector<int8_t> scratch(hm::qs8_conv3x3s2_rgba_scratch_bytes(w));
    const size_t y0 = hm_test::random_size(rng, 0, out_h - 1), y1 = hm_test::random_size(rng, y0 + 1, out_h);
    std::vector<int8_t> scalar(out_h * out_w * out_c, kSentinel), simd = scalar;
    hm::qs8_conv3x3s2_rgba_minmax_fp32__scalar(rgba.data(), h, w, stride, packed.data(), out_c, scalar.data(), out,
                                               scratch.data(), y0, y1);
    hm::qs8_conv3x3s2_rgba_minmax_fp32__wasmsimd(rgba.data(), h, w, stride, packed.data(), out_c, simd.data(), out,
                                                 scratch.data(), y0, y1);
    const std::string what = "h" + std::to_string(h) + " w" + std::to_string(w) + " out_c " + std::to_string(out_c) +
                             " rows [" + std::to_string(y0) + "," + std::to_string(y1) + ")";
    for (size_t i = 0; i < scalar.size(); ++i) {
      const bool inside = i >= y0 * out_w * out_c && i < y1 * out_w * out_c;
      const int expected = inside ? want[i] : kSentinel;
      ASSERT_EQ(int{scalar[i]}, expected) << what << " scalar, element " << i;
      ASSERT_EQ(int{simd[i]}, expected) << what << " optimised, element " << i;
    }
  }
}

TEST(KernelQs8Conv1x1Softmax2, ScalarAndOptimisedMatchAFloat64Softmax) {
  std::mt19937 rng(1405);
  for (int trial = 0; trial < 150; ++trial) {
    const size_t h = hm_test::random_size(rng, 1, 9), w = hm_test::random_size(rng, 1, 13);
    const size_t c = hm_test::random_size(rng, 1, 70);
    const int8_t zp = static_cast<int8_t>(std::uniform_int_distribution<int>(-128, 127)(rng));
    const auto in = hm_test::random_int8(rng, h * w * c);
    const auto weight = hm_test::random_int8(rng, 2 * c, -127, 127);
    const auto bias = hm_test::random_int32(rng, 2, -50000, 50000);
    // Logits of a few units: probabilities across (0, 1), some saturated.
    const auto scale = hm_test::random_scales(rng, 2, c, 3.0f);
    std::vector<uint8_t> packed(hm::packed_qs8_conv1x1_softmax2_size(c));
    hm::pack_qs8_conv1x1_softmax2(c, weight.data(), bias.data(), scale.data(), zp, packed.data());
    const size_t y0 = hm_test::random_size(rng, 0, h - 1), y1 = hm_test::random_size(rng, y0 + 1, h);
    std::vector<float> scalar(h * w, -1.0f), simd = scalar;
    hm::qs8_conv1x1_softmax2__scalar(in.data(), w, c, packed.data(), scalar.data(), y0, y1);
    hm::qs8_conv1x1_softmax2__wasmsimd(in.data(), w, c, packed.data(), simd.data(), y0, y1);
    for (size_t m = 0; m < h * w; ++m) {
      const bool inside = m >= y0 * w && m < y1 * w;
      if (!inside) {
        ASSERT_EQ(scalar[m], -1.0f) << "pixel " << m << " outside the rows was written";
        ASSERT_EQ(simd[m], -1.0f) << "pixel " << m << " outside the rows was written";
        continue;
      }
      int64_t acc[2] = {bias[0], bias[1]};
      for (size_t k = 0; k < c; ++k)
        for (int j = 0; j < 2; ++j) acc[j] += (int64_t{in[m * c + k]} - zp) * weight[j * c + k];
      const double z0 = static_cast<float>(acc[0]) * double(scale[0]), z1 = static_cast<float>(acc[1]) * double(scale[1]);
      const double want = 1.0 / (1.0 + std::exp(z0 - z1));
      ASSERT_EQ(simd[m], scalar[m]) << "trial " << trial << " pixel " << m;
      ASSERT_NEAR(scalar[m], want, 2e-6 + 1e-5 * std::fabs(z0 - z1) * want * (1 - want))
          << "trial " << trial << " c " << c << " pixel " << m << " z0 - z1 " << z0 - z1;
    }
  }
}

}  // namespace
