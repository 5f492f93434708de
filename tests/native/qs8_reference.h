// Independent references for the int8 (QS8) kernel tests: the literal quantised convolution from
// PyTorch-layout int8 weights, unfolded zero points ((q - zp) * w summed in int64) and explicit padding
// with the real value 0, then the fp32 requantisation written out again here (round with std::lrint, clamp
// the integer afterwards) rather than calling the kernels' helper. Shares nothing with src/kernels.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "kernel_reference.h"
#include "kernels/qs8_kernels.h"

namespace hm_test {

inline int8_t requantize_reference(int64_t acc, float scale, hm::QS8Output out) {
  // acc fits int32 for every shape tested (|acc| < 2^31); the kernels convert int32 -> fp32 the same way.
  const float x = static_cast<float>(static_cast<int32_t>(acc)) * scale;
  long q = std::fabs(x) < 1e9f ? std::lrint(x) : (x > 0 ? 1000000000L : -1000000000L);
  q += out.zero_point;
  q = std::min<long>(std::max<long>(q, out.min), out.max);
  return static_cast<int8_t>(q);
}

// Quantised Conv2d, NHWC int8 input with zero point in_zp, weight [out_c, in_c / groups, kh, kw] int8,
// bias int32, padding as conv2d_naive in kernel_reference.h.
inline std::vector<int8_t> qs8_conv2d_naive(const std::vector<int8_t>& in, size_t h, size_t w, size_t in_c,
                                            int8_t in_zp, const std::vector<int8_t>& weight,
                                            const std::vector<int32_t>& bias, const std::vector<float>& scale,
                                            size_t out_c, size_t kh, size_t kw, size_t groups, size_t stride,
                                            size_t dilation, ptrdiff_t pad_top, ptrdiff_t pad_left,
                                            size_t out_h, size_t out_w, hm::QS8Output out) {
  std::vector<int8_t> r(out_h * out_w * out_c);
  const size_t cin_g = in_c / groups, cout_g = out_c / groups;
  for (size_t oy = 0; oy < out_h; ++oy)
    for (size_t ox = 0; ox < out_w; ++ox)
      for (size_t oc = 0; oc < out_c; ++oc) {
        const size_t g = oc / cout_g;
        int64_t acc = bias.empty() ? 0 : bias[oc];
        for (size_t ic = 0; ic < cin_g; ++ic)
          for (size_t ky = 0; ky < kh; ++ky)
            for (size_t kx = 0; kx < kw; ++kx) {
              const ptrdiff_t iy = static_cast<ptrdiff_t>(oy * stride + ky * dilation) - pad_top;
              const ptrdiff_t ix = static_cast<ptrdiff_t>(ox * stride + kx * dilation) - pad_left;
              if (iy < 0 || ix < 0 || iy >= static_cast<ptrdiff_t>(h) || ix >= static_cast<ptrdiff_t>(w))
                continue;  // padding: the real value 0, i.e. q = zp, contributes nothing
              const int64_t q = in[(static_cast<size_t>(iy) * w + static_cast<size_t>(ix)) * in_c + g * cin_g + ic];
              acc += (q - in_zp) * weight[((oc * cin_g + ic) * kh + ky) * kw + kx];
            }
        r[(oy * out_w + ox) * out_c + oc] = requantize_reference(acc, scale[oc], out);
      }
  return r;
}

inline std::vector<int8_t> random_int8(std::mt19937& rng, size_t n, int lo = -128, int hi = 127) {
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<int8_t> v(n);
  for (int8_t& x : v) x = static_cast<int8_t>(d(rng));
  return v;
}

inline std::vector<int32_t> random_int32(std::mt19937& rng, size_t n, int32_t lo, int32_t hi) {
  std::uniform_int_distribution<int32_t> d(lo, hi);
  std::vector<int32_t> v(n);
  for (int32_t& x : v) x = d(rng);
  return v;
}

// Requantisation scales that put the typical |acc| of `terms` products of int8 values around
// `spread` output steps, varying per channel by up to 4x either way: outputs cover the whole range,
// with saturation at both ends.
inline std::vector<float> random_scales(std::mt19937& rng, size_t n, size_t terms, float spread = 60.0f) {
  std::uniform_real_distribution<float> d(-2.0f, 2.0f);
  std::vector<float> v(n);
  const float typical = 74.0f * 73.0f * std::sqrt(static_cast<float>(terms));
  for (float& x : v) x = spread / typical * std::exp2(d(rng));
  return v;
}

// Output params: ReLU-like (min = zp), none (-128..127) and a narrow band, for a random zero point.
inline hm::QS8Output random_output(std::mt19937& rng, int kind) {
  const int zp = std::uniform_int_distribution<int>(-100, 100)(rng);
  switch (kind % 3) {
    case 0: return {static_cast<int8_t>(zp), static_cast<int8_t>(zp), 127};
    case 1: return {static_cast<int8_t>(zp), -128, 127};
    default: return {static_cast<int8_t>(zp), static_cast<int8_t>(std::max(-128, zp - 20)),
                     static_cast<int8_t>(std::min(127, zp + 30))};
  }
}

}  // namespace hm_test
