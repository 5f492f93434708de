// Independent references for the kernel tests: literal direct formulas in double precision from
// PyTorch-layout weights with explicit zero padding. They share nothing with src/kernels (no packing,
// no padding rule), so a scalar kernel that agrees with them is checked against the maths, not itself.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace hm_test {

// A value and the sum of the magnitudes of the terms that produced it: float rounding of any
// summation order is bounded by a small multiple of eps * magnitude.
struct Ref {
  std::vector<double> value;
  std::vector<double> magnitude;
};

// PyTorch Conv2d on an NHWC input (h x w x in_c), weight [out_c, in_c / groups, kh, kw], bias [out_c],
// zero padding of pad_top rows above / pad_left columns left (and whatever is needed after), output
// out_h x out_w x out_c. The literal 7-loop definition.
inline Ref conv2d_naive(const std::vector<double>& in, size_t h, size_t w, size_t in_c,
                        const std::vector<float>& weight, const std::vector<float>& bias,
                        size_t out_c, size_t kh, size_t kw, size_t groups, size_t stride,
                        size_t dilation, ptrdiff_t pad_top, ptrdiff_t pad_left, size_t out_h,
                        size_t out_w) {
  Ref r;
  r.value.assign(out_h * out_w * out_c, 0.0);
  r.magnitude.assign(out_h * out_w * out_c, 0.0);
  const size_t cin_g = in_c / groups, cout_g = out_c / groups;
  for (size_t oy = 0; oy < out_h; ++oy)
    for (size_t ox = 0; ox < out_w; ++ox)
      for (size_t oc = 0; oc < out_c; ++oc) {
        const size_t g = oc / cout_g;
        double acc = bias.empty() ? 0.0 : bias[oc];
        double mag = std::fabs(acc);
        for (size_t ic = 0; ic < cin_g; ++ic)
          for (size_t ky = 0; ky < kh; ++ky)
            for (size_t kx = 0; kx < kw; ++kx) {
              const ptrdiff_t iy = static_cast<ptrdiff_t>(oy * stride + ky * dilation) - pad_top;
              const ptrdiff_t ix = static_cast<ptrdiff_t>(ox * stride + kx * dilation) - pad_left;
              if (iy < 0 || ix < 0 || iy >= static_cast<ptrdiff_t>(h) || ix >= static_cast<ptrdiff_t>(w))
                continue;  // zero padding
              const double x = in[(static_cast<size_t>(iy) * w + static_cast<size_t>(ix)) * in_c +
                                  g * cin_g + ic];
              const double wt = weight[((oc * cin_g + ic) * kh + ky) * kw + kx];
              acc += x * wt;
              mag += std::fabs(x * wt);
            }
        r.value[(oy * out_w + ox) * out_c + oc] = acc;
        r.magnitude[(oy * out_w + ox) * out_c + oc] = mag;
      }
  return r;
}

inline double clamp_d(double v, float lo, float hi) {
  return std::min<double>(std::max<double>(v, lo), hi);
}

inline std::vector<float> random_floats(std::mt19937& rng, size_t n, float lo = -1.0f, float hi = 1.0f) {
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

inline std::vector<double> to_double(const std::vector<float>& v) { return {v.begin(), v.end()}; }

inline size_t random_size(std::mt19937& rng, size_t lo, size_t hi) {
  return std::uniform_int_distribution<size_t>(lo, hi)(rng);
}

}  // namespace hm_test
