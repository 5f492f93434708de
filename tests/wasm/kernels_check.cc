// Every optimised kernel against its scalar reference (src/kernels/kernels.h) in real wasm SIMD128, on
// random shapes and row ranges: the native tests (tests/native/kernels_test.cc) run the same sources through
// SIMDe, which may not reproduce every corner of the engine's instructions (pmin/pmax, lane stores).
// Built and run by tests/node/kernels-wasm.test.mjs; prints one line per failure, then "checked N cases",
// and exits 1 on any failure.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernel_table.h"
#include "kernels/kernels.h"
#include "kernels/qs8_kernel_table.h"

#if !defined(__wasm_simd128__)
#error "build with emcc -msimd128: without it the optimised kernels would not run SIMD128 instructions"
#endif

namespace {

std::mt19937 rng(2026);
int failures = 0, cases = 0;
constexpr float kSentinel = 777.25f;
constexpr float kInf = std::numeric_limits<float>::infinity();
const hm::Clamp kClamps[] = {{-kInf, kInf}, {0.0f, kInf}, {0.0f, 6.0f}, {-0.25f, 0.3f}};

size_t pick(size_t lo, size_t hi) { return std::uniform_int_distribution<size_t>(lo, hi)(rng); }

std::vector<float> floats(size_t n) {
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

// got and want agree within float rounding of a sum of `terms` products of values in [-1, 1]; sentinels
// (unwritten elements) must be identical.
void expect_close(const char* what, const std::vector<float>& got, const std::vector<float>& want, size_t terms) {
  ++cases;
  const double tol = 4e-7 * static_cast<double>(terms + 1);
  for (size_t i = 0; i < got.size(); ++i) {
    const bool bad = (want[i] == kSentinel || got[i] == kSentinel) ? got[i] != want[i]
                                                                     : !(std::fabs(got[i] - want[i]) <= tol);
    if (bad) {
      std::printf("FAIL %s: element %zu optimised %.9g scalar %.9g\n", what, i, got[i], want[i]);
      ++failures;
      return;
    }
  }
}

void check_dwconv(size_t h, size_t w, size_t c, size_t stride, size_t dilation, hm::Clamp clamp) {
  const size_t oh = (h + stride - 1) / stride, ow = (w + stride - 1) / stride;
  const auto in = floats(h * w * c), weight = floats(9 * c), bias = floats(c);
  std::vector<float> packed(hm::packed_dwconv3x3_size(c));
  hm::pack_dwconv3x3(c, weight.data(), bias.data(), packed.data());
  const size_t y0 = pick(0, oh - 1), y1 = pick(y0 + 1, oh);
  std::vector<float> a(oh * ow * c, kSentinel), b = a;
  hm::f32_dwconv3x3_minmax__wasmsimd(in.data(), h, w, c, stride, dilation, packed.data(), a.data(), clamp, y0, y1);
  hm::f32_dwconv3x3_minmax__scalar(in.data(), h, w, c, stride, dilation, packed.data(), b.data(), clamp, y0, y1);
  expect_close("dwconv3x3", a, b, 9);
}

void check_upsample_dwconv(size_t h, size_t w, size_t c, hm::Clamp clamp) {
  const auto in = floats(h * w * c), weight = floats(9 * c), bias = floats(c);
  std::vector<float> packed(hm::packed_dwconv3x3_size(c));
  hm::pack_dwconv3x3(c, weight.data(), bias.data(), packed.data());
  const size_t y0 = pick(0, 2 * h - 1), y1 = pick(y0 + 1, 2 * h);
  std::vector<float> a((y1 - y0 + 1) * 2 * w * c, kSentinel), b = a;  // one sentinel row after the band
  hm::f32_upsample2x_dwconv3x3_minmax__wasmsimd(in.data(), h, w, c, packed.data(), a.data(), clamp, y0, y1);
  hm::f32_upsample2x_dwconv3x3_minmax__scalar(in.data(), h, w, c, packed.data(), b.data(), clamp, y0, y1);
  expect_close("upsample2x_dwconv3x3", a, b, 9);
}

void check_conv1x1(size_t h, size_t w, size_t k, size_t n, hm::Clamp clamp) {
  const auto in = floats(h * w * k), weight = floats(n * k), bias = floats(n);
  std::vector<float> packed(hm::packed_conv1x1_size(k, n));
  hm::pack_conv1x1(k, n, weight.data(), bias.data(), packed.data());
  const size_t y0 = pick(0, h - 1), y1 = pick(y0 + 1, h);
  std::vector<float> a(h * w * n, kSentinel), b = a;
  hm::f32_conv1x1_minmax__wasmsimd(in.data(), w, k, packed.data(), n, a.data(), clamp, y0, y1);
  hm::f32_conv1x1_minmax__scalar(in.data(), w, k, packed.data(), n, b.data(), clamp, y0, y1);
  expect_close("conv1x1", a, b, k);
}

void check_upsample_add(size_t h, size_t w, size_t c, bool with_skip) {
  const auto in = floats(h * w * c), skip = floats(4 * h * w * c);
  const size_t y0 = pick(0, 2 * h - 1), y1 = pick(y0 + 1, 2 * h);
  std::vector<float> a(4 * h * w * c, kSentinel), b = a;
  const float* s = with_skip ? skip.data() : nullptr;
  hm::f32_upsample2x_add__wasmsimd(in.data(), h, w, c, s, a.data(), y0, y1);
  hm::f32_upsample2x_add__scalar(in.data(), h, w, c, s, b.data(), y0, y1);
  expect_close("upsample2x_add", a, b, 1);
}

void check_head(size_t h, size_t w, size_t c) {
  const auto in = floats(h * w * c), weight = floats(2 * c), bias = floats(2);
  std::vector<float> packed(hm::packed_conv1x1_softmax2_size(c));
  hm::pack_conv1x1_softmax2(c, weight.data(), bias.data(), packed.data());
  const size_t y0 = pick(0, h - 1), y1 = pick(y0 + 1, h);
  std::vector<float> a(h * w, kSentinel), b = a;
  hm::f32_conv1x1_softmax2__wasmsimd(in.data(), w, c, packed.data(), a.data(), y0, y1);
  hm::f32_conv1x1_softmax2__scalar(in.data(), w, c, packed.data(), b.data(), y0, y1);
  expect_close("conv1x1_softmax2", a, b, c);
}

void check_rgb(size_t h, size_t w, size_t out_c, hm::Clamp clamp) {
  std::vector<uint8_t> rgba(h * w * 4);
  for (uint8_t& v : rgba) v = static_cast<uint8_t>(rng());
  const auto weight = floats(out_c * 27), bias = floats(out_c);
  std::vector<float> packed(hm::packed_conv3x3s2_rgb_size(out_c));
  hm::pack_conv3x3s2_rgb(out_c, weight.data(), bias.data(), packed.data());
  const size_t oh = (h + 1) / 2, ow = (w + 1) / 2;
  const size_t y0 = pick(0, oh - 1), y1 = pick(y0 + 1, oh);
  std::vector<float> a(oh * ow * out_c, kSentinel), b = a;
  hm::f32_conv3x3s2_rgb_minmax__wasmsimd(rgba.data(), h, w, w * 4, packed.data(), out_c, a.data(), clamp, y0, y1);
  hm::f32_conv3x3s2_rgb_minmax__scalar(rgba.data(), h, w, w * 4, packed.data(), out_c, b.data(), clamp, y0, y1);
  expect_close("conv3x3s2_rgb", a, b, 27);
}

// The build's tables (kernel_table.h, qs8_kernel_table.h) under -msimd128 hold the wasmsimd variant of every
// operator.
void check_table() {
  const hm::F32KernelTable& t = hm::kF32Kernels;
  const hm::QS8KernelTable& q = hm::kQS8Kernels;
  ++cases;
  const bool entries[] = {
      t.conv3x3s2_rgb == hm::f32_conv3x3s2_rgb_minmax__wasmsimd,
      t.dwconv3x3 == hm::f32_dwconv3x3_minmax__wasmsimd,
      t.conv1x1 == hm::f32_conv1x1_minmax__wasmsimd,
      t.upsample2x_add == hm::f32_upsample2x_add__wasmsimd,
      t.upsample2x_dwconv3x3 == hm::f32_upsample2x_dwconv3x3_minmax__wasmsimd,
      t.conv1x1_softmax2 == hm::f32_conv1x1_softmax2__wasmsimd,
      t.im2col3x3 == hm::f32_im2col3x3__scalar,  // data movement: one variant
      // The int8 table's isa (below) says which of its two halves this build took; tests/native checks every
      // entry of each half.
      q.conv1x1 == hm::qs8_conv1x1_minmax_fp32__wasmsimd,
  };
  bool ok = std::string(t.isa) == "wasmsimd" && std::string(q.isa) == "wasmsimd";
  for (bool e : entries) ok = ok && e;
  if (!ok) {
    std::printf("FAIL kernel tables: isa %s / %s, or an entry is not the wasmsimd variant\n", t.isa, q.isa);
    ++failures;
  }
}

}  // namespace

int main() {
  check_table();
  const size_t geometries[][2] = {{1, 1}, {2, 1}, {1, 2}, {1, 4}};  // {stride, dilation}
  for (int i = 0; i < 300; ++i) {
    const hm::Clamp clamp = kClamps[i % 4];
    const auto& g = geometries[i % 4];
    // Channel counts on both dwconv schedules (c < 256 row tiles, c >= 256 per pixel) and odd ones.
    const size_t dw_c = i % 5 == 0 ? pick(256, 262) : pick(1, 37);
    check_dwconv(pick(1, 14), pick(1, 20), dw_c, g[0], g[1], clamp);
    check_upsample_dwconv(pick(1, 9), pick(1, 40), pick(1, 21), clamp);
    check_conv1x1(pick(1, 9), pick(1, 9), pick(1, 70), pick(1, 40), clamp);
    check_upsample_add(pick(1, 7), pick(1, 7), pick(1, 21), i % 2 == 0);
    check_head(pick(1, 9), pick(1, 9), pick(1, 70));
    check_rgb(pick(1, 17), pick(1, 17), pick(1, 40), clamp);
  }
  // The network's shapes for the decoder's last stage and a wide layer.
  check_upsample_dwconv(14, 112, 64, kClamps[0]);
  check_dwconv(14, 14, 512, 1, 1, kClamps[2]);
  check_dwconv(7, 7, 1024, 1, 1, kClamps[2]);
  std::printf("checked %d cases, %d failed\n", cases, failures);
  return failures == 0 ? 0 : 1;
}
