// The int8 network's first and last kernels (src/kernels/qs8_io_kernels.h), optimised against scalar in
// real wasm SIMD128 (the native tests run them through SIMDe): the 3x3 stride-2 convolution on RGBA bytes
// (int8 outputs, equality) and the head with its softmax (float outputs from the same expression on equal
// int32 accumulators: equality too). Random shapes, row strides, zero points and row ranges. Built and run
// by tests/node/kernels-wasm.test.mjs; prints "checked N cases, F failed", exits 1 on any failure.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include "kernels/qs8_io_kernels.h"
#include "qs8_check_random.h"

#if !defined(__wasm_simd128__)
#error "build with emcc -msimd128: without it the optimised kernels would not run SIMD128 instructions"
#endif

namespace {

using qs8_check::int8s;
using qs8_check::pick;
using qs8_check::pick_int;
using qs8_check::scales;

int failures = 0, cases = 0;

void check_conv0(size_t h, size_t w, size_t out_c, int kind) {
  const size_t stride = w * 4 + pick(0, 7), out_h = (h + 1) / 2, out_w = (w + 1) / 2;
  std::vector<uint8_t> rgba(h * stride);
  for (uint8_t& b : rgba) b = static_cast<uint8_t>(pick_int(0, 255));
  const auto weight = int8s(out_c * 27, -127, 127);
  std::vector<int32_t> bias(out_c);
  for (int32_t& b : bias) b = pick_int(-30000, 30000);
  const auto scale = scales(out_c, 27, 40.0f);
  const int zp = pick_int(-100, 100);
  const hm::QS8Output out = kind % 2 ? hm::QS8Output{static_cast<int8_t>(zp), static_cast<int8_t>(zp), 127}
                                     : hm::QS8Output{static_cast<int8_t>(zp), -128, 127};
  std::vector<uint8_t> packed(hm::packed_qs8_conv3x3s2_rgba_size(out_c));
  hm::pack_qs8_conv3x3s2_rgba(out_c, weight.data(), bias.data(), scale.data(), packed.data());
  std::vector<int8_t> scratch(hm::qs8_conv3x3s2_rgba_scratch_bytes(w));
  const size_t y0 = pick(0, out_h - 1), y1 = pick(y0 + 1, out_h);
  std::vector<int8_t> a(out_h * out_w * out_c, 0x5a), b = a;
  hm::qs8_conv3x3s2_rgba_minmax_fp32__scalar(rgba.data(), h, w, stride, packed.data(), out_c, a.data(), out,
                                             scratch.data(), y0, y1);
  hm::qs8_conv3x3s2_rgba_minmax_fp32__wasmsimd(rgba.data(), h, w, stride, packed.data(), out_c, b.data(), out,
                                               scratch.data(), y0, y1);
  ++cases;
  if (a != b) {
    ++failures;
    std::printf("conv0 h%zu w%zu out_c %zu: optimised differs from scalar\n", h, w, out_c);
  }
}

void check_head(size_t h, size_t w, size_t c) {
  const auto in = int8s(h * w * c);
  const auto weight = int8s(2 * c, -127, 127);
  const int32_t bias[2] = {pick_int(-50000, 50000), pick_int(-50000, 50000)};
  const auto scale = scales(2, c, 3.0f);
  const int8_t zp = static_cast<int8_t>(pick_int(-128, 127));
  std::vector<uint8_t> packed(hm::packed_qs8_conv1x1_softmax2_size(c));
  hm::pack_qs8_conv1x1_softmax2(c, weight.data(), bias, scale.data(), zp, packed.data());
  const size_t y0 = pick(0, h - 1), y1 = pick(y0 + 1, h);
  std::vector<float> a(h * w, -1.0f), b = a;
  hm::qs8_conv1x1_softmax2__scalar(in.data(), w, c, packed.data(), a.data(), y0, y1);
  hm::qs8_conv1x1_softmax2__wasmsimd(in.data(), w, c, packed.data(), b.data(), y0, y1);
  ++cases;
  if (a != b) {
    ++failures;
    std::printf("head h%zu w%zu c %zu: optimised differs from scalar\n", h, w, c);
  }
}

}  // namespace

int main() {
  qs8_check::rng.seed(1414);
  for (int i = 0; i < 200; ++i) {
    check_conv0(pick(1, 40), pick(1, 40), pick(1, 40), i);
    check_head(pick(1, 8), pick(1, 16), pick(1, 80));
  }
  check_conv0(224, 224, 32, 1);  // HairMatteNet's first layer
  check_conv0(64, 64, 24, 0);    // width 0.75
  check_head(112, 224, 64);  // half the last decoder stage at 224
  std::printf("checked %d cases, %d failed\n", cases, failures);
  return failures == 0 ? 0 : 1;
}
