// Every optimised int8 (QS8) kernel against its scalar reference (src/kernels/qs8_kernels.h) in real wasm
// SIMD128, on random shapes, zero points, clamps and row ranges: the native tests
// (tests/native/qs8_kernels_test.cc) run the same sources through SIMDe, which may not reproduce every
// corner of the engine's instructions (i32x4.dot_i16x8_s, saturating narrows, lane stores, the fmagic
// rounding in the engine's fp32 adds). Integer kernels with the same requantisation are exact, so the
// comparison is equality. Built and run by tests/node/kernels-wasm.test.mjs; prints one line per failure,
// then "checked N cases, F failed", and exits 1 on any failure.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include "kernels/qs8_kernels.h"
#include "qs8_check_random.h"

#if !defined(__wasm_simd128__)
#error "build with emcc -msimd128: without it the optimised kernels would not run SIMD128 instructions"
#endif

namespace {

using qs8_check::int32s;
using qs8_check::int8s;
using qs8_check::pick;
using qs8_check::pick_int;
using qs8_check::rng;
using qs8_check::scales;

int failures = 0, cases = 0;
constexpr int8_t kSentinel = 0x5a;

hm::QS8Output output(int kind) {
  const int zp = pick_int(-100, 100);
  if (kind % 3 == 0) return {static_cast<int8_t>(zp), static_cast<int8_t>(zp), 127};
  if (kind % 3 == 1) return {static_cast<int8_t>(zp), -128, 127};
  return {static_cast<int8_t>(zp), static_cast<int8_t>(zp > -108 ? zp - 20 : -128),
          static_cast<int8_t>(zp < 97 ? zp + 30 : 127)};
}

// T: int8_t (requantised outputs) or int32_t (accumulators).
template <typename T>
void expect_equal(const char* what, const std::vector<T>& got, const std::vector<T>& want) {
  ++cases;
  for (size_t i = 0; i < got.size(); ++i)
    if (got[i] != want[i]) {
      std::printf("FAIL %s: element %zu optimised %d scalar %d\n", what, i, int{got[i]}, int{want[i]});
      ++failures;
      return;
    }
}

void check_conv1x1(size_t h, size_t w, size_t k, size_t n, int kind) {
  const auto in = int8s(h * w * k), weight = int8s(n * k, -127, 127);
  const auto bias = int32s(n, -40000, 40000);
  const auto scale = scales(n, k);
  const hm::QS8Output out = output(kind);
  std::vector<uint8_t> packed(hm::packed_qs8_conv1x1_size(k, n));
  hm::pack_qs8_conv1x1(k, n, weight.data(), bias.data(), scale.data(), static_cast<int8_t>(pick_int(-128, 127)),
                       packed.data());
  const size_t y0 = pick(0, h - 1), y1 = pick(y0 + 1, h);
  std::vector<int8_t> a(h * w * n, kSentinel), b = a;
  hm::qs8_conv1x1_minmax_fp32__wasmsimd(in.data(), w, k, packed.data(), n, a.data(), out, y0, y1);
  hm::qs8_conv1x1_minmax_fp32__scalar(in.data(), w, k, packed.data(), n, b.data(), out, y0, y1);
  expect_equal("qs8_conv1x1", a, b);
}

// Pixels [p0, p1) of a random 1x1 layer to int32 accumulators (K >= 65, the optimised variant's domain);
// pixels outside keep the sentinel in both.
void check_conv1x1_acc32(size_t pixels, size_t k, size_t n, size_t p0, size_t p1) {
  const auto in = int8s(pixels * k), weight = int8s(n * k, -127, 127);
  const auto bias = int32s(n, -40000, 40000);
  const std::vector<float> scale(n, 1.0f);  // not read
  std::vector<uint8_t> packed(hm::packed_qs8_conv1x1_size(k, n));
  hm::pack_qs8_conv1x1(k, n, weight.data(), bias.data(), scale.data(), static_cast<int8_t>(pick_int(-128, 127)),
                       packed.data());
  std::vector<int32_t> a(pixels * n, 0x5a5a5a5a), b = a;
  hm::qs8_conv1x1_acc32__wasmsimd(in.data(), k, packed.data(), n, a.data(), p0, p1);
  hm::qs8_conv1x1_acc32__scalar(in.data(), k, packed.data(), n, b.data(), p0, p1);
  expect_equal("qs8_conv1x1_acc32", a, b);
}

// Random depthwise weights, biases and scales for c channels, packed for in_zp.
std::vector<uint8_t> random_packed_dwconv(size_t c, int8_t in_zp) {
  const auto weight = int8s(9 * c, -127, 127);
  const auto bias = int32s(c, -20000, 20000);
  const auto scale = scales(c, 9);
  std::vector<uint8_t> packed(hm::packed_qs8_dwconv3x3_size(c));
  hm::pack_qs8_dwconv3x3(c, weight.data(), bias.data(), scale.data(), in_zp, packed.data());
  return packed;
}

void check_dwconv(size_t h, size_t w, size_t c, size_t stride, size_t dilation, int kind) {
  const size_t oh = (h + stride - 1) / stride, ow = (w + stride - 1) / stride;
  const auto in = int8s(h * w * c);
  const hm::QS8Output out = output(kind);
  const auto in_zp = static_cast<int8_t>(pick_int(-128, 127));
  const auto packed = random_packed_dwconv(c, in_zp);
  const size_t y0 = pick(0, oh - 1), y1 = pick(y0 + 1, oh);
  std::vector<int8_t> a(oh * ow * c, kSentinel), b = a;
  hm::qs8_dwconv3x3_minmax_fp32__wasmsimd(in.data(), h, w, c, stride, dilation, packed.data(), in_zp, a.data(), out, y0,
                                          y1);
  hm::qs8_dwconv3x3_minmax_fp32__scalar(in.data(), h, w, c, stride, dilation, packed.data(), in_zp, b.data(), out, y0,
                                        y1);
  expect_equal("qs8_dwconv3x3", a, b);
}

void check_upsample_add(size_t h, size_t w, size_t c, int kind) {
  std::uniform_real_distribution<float> log_scale(-3.0f, 3.0f);
  hm::QS8AddParams p;
  if (!hm::qs8_add_params(0.02f * std::exp2(log_scale(rng)), static_cast<int8_t>(pick_int(-128, 127)),
                          0.02f * std::exp2(log_scale(rng)), static_cast<int8_t>(pick_int(-128, 127)),
                          0.03f * std::exp2(log_scale(rng)), output(kind), &p)) {
    std::printf("FAIL qs8_add_params refused scales in range\n");
    ++failures;
    return;
  }
  const auto in = int8s(h * w * c), skip = int8s(4 * h * w * c);
  const size_t y0 = pick(0, 2 * h - 1), y1 = pick(y0 + 1, 2 * h);
  std::vector<int8_t> a(4 * h * w * c, kSentinel), b = a;
  hm::qs8_upsample2x_add_minmax__wasmsimd(in.data(), h, w, c, skip.data(), a.data(), p, y0, y1);
  hm::qs8_upsample2x_add_minmax__scalar(in.data(), h, w, c, skip.data(), b.data(), p, y0, y1);
  expect_equal("qs8_upsample2x_add", a, b);
}

void check_upsample_dwconv(size_t h, size_t w, size_t c, int kind) {
  const auto in = int8s(h * w * c);
  const hm::QS8Output out = output(kind);
  const auto in_zp = static_cast<int8_t>(pick_int(-128, 127));
  const auto packed = random_packed_dwconv(c, in_zp);
  const size_t y0 = pick(0, 2 * h - 1), y1 = pick(y0 + 1, 2 * h);
  std::vector<int8_t> a((y1 - y0 + 1) * 2 * w * c, kSentinel), b = a;  // one sentinel row after the band
  hm::qs8_upsample2x_dwconv3x3_minmax_fp32__wasmsimd(in.data(), h, w, c, packed.data(), in_zp, a.data(), out, y0, y1);
  hm::qs8_upsample2x_dwconv3x3_minmax_fp32__scalar(in.data(), h, w, c, packed.data(), in_zp, b.data(), out, y0, y1);
  expect_equal("qs8_upsample2x_dwconv3x3", a, b);
}

}  // namespace

int main() {
  qs8_check::rng.seed(2027);
  const size_t geometries[][2] = {{1, 1}, {2, 1}, {1, 2}, {1, 4}};  // {stride, dilation}
  for (int i = 0; i < 300; ++i) {
    check_conv1x1(pick(1, 9), pick(1, 9), pick(1, 70), pick(1, 40), i);
    const auto& g = geometries[i % 4];
    check_dwconv(pick(1, 14), pick(1, 20), pick(1, 37), g[0], g[1], i / 4);
    check_upsample_add(pick(1, 7), pick(1, 7), pick(1, 37), i);
    check_upsample_dwconv(pick(1, 9), pick(1, 20), pick(1, 37), i);
  }
  // dwconv3x3's interior row loop: long rows, several 8-channel blocks and a remainder, bands at the edges.
  for (int i = 0; i < 80; ++i) {
    const auto& g = geometries[i % 4];
    check_dwconv(pick(1, 12), pick(17, 45), pick(8, 41), g[0], g[1], i);
  }
  // Around qs8_conv1x1's thresholds between its two loop orders (K = 64, 32 KiB of packed weights).
  for (int i = 0; i < 40; ++i) check_conv1x1(pick(1, 5), pick(1, 9), pick(48, 80), pick(1, 90), i);
  for (size_t n : {240, 241}) check_conv1x1(2, 3, 64, n, 0);
  // K > 64: the 2x4c8 micro-kernel (K % 8 tails, odd pixel counts against its 2-row tile).
  for (int i = 0; i < 60; ++i) check_conv1x1(pick(1, 7), pick(1, 9), pick(60, 300), pick(1, 21), i);
  // The int32 1x1: K % 8 tails, odd and even pixel ranges against the 2-row tile, N % 4 remainders.
  for (int i = 0; i < 100; ++i) {
    const size_t pixels = pick(1, 40), p0 = pick(0, pixels - 1);
    check_conv1x1_acc32(pixels, pick(65, 300), pick(1, 21), p0, pick(p0 + 1, pixels));
  }
  // The folded dec1's two halves (14 x 14 pixels, K = 9 * 512 and 1024, N = 24), whole and a sub-range.
  for (size_t k : {4608, 1024}) {
    check_conv1x1_acc32(196, k, 24, 0, 196);
    check_conv1x1_acc32(196, k, 24, 13, 150);
  }
  // The network's shapes: a wide K with a block boundary, the folded decoder K.
  check_conv1x1(14, 14, 512, 72, 0);
  check_conv1x1(7, 7, 1024, 40, 1);
  check_conv1x1(2, 3, 5644, 12, 2);
  check_dwconv(14, 14, 512, 1, 1, 0);
  check_dwconv(28, 28, 64, 2, 1, 1);
  check_dwconv(14, 14, 64, 1, 4, 2);
  check_upsample_add(28, 28, 64, 0);
  check_upsample_dwconv(14, 112, 64, 1);
  std::printf("checked %d cases, %d failed\n", cases, failures);
  return failures == 0 ? 0 : 1;
}
