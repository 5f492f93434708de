#include "matting/guided_filter.h"

#include <cmath>
#include <string>

namespace hm {
namespace {

size_t pixel_count(int width, int height) { return static_cast<size_t>(width) * height; }

void multiply(const float* x, const float* y, size_t n, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = x[i] * y[i];
}

}  // namespace

Status check_guided_filter_args(int width, int height, GuidedFilterParams params) {
  if (width <= 0 || height <= 0) {
    return Status::error("guided filter: image size must be positive, got " + std::to_string(width) + "x" +
                         std::to_string(height));
  }
  if (params.radius < 0) {
    return Status::error("guided filter: radius must be >= 0, got " + std::to_string(params.radius));
  }
  if (!(params.eps > 0.0f) || !std::isfinite(params.eps)) {
    return Status::error("guided filter: eps must be a finite number > 0");
  }
  return Status{};
}

// ---- colour guide ----

Status GuidedFilterColor::compute_coefficients(const float* guide_r, const float* guide_g, const float* guide_b,
                                               const float* input, int width, int height,
                                               GuidedFilterParams params) {
  Status st = check_guided_filter_args(width, height, params);
  if (!st.ok) return st;
  if (!guide_r || !guide_g || !guide_b || !input) return Status::error("guided filter: null image");
  width_ = width;
  height_ = height;
  const size_t n = pixel_count(width, height);
  const int r = params.radius;
  const float* guide[3] = {guide_r, guide_g, guide_b};
  for (auto* v : {&mean_p_, &tmp_, &b_, &mean_b_}) v->resize(n);
  for (int c = 0; c < 3; ++c) {
    for (auto* v : {&mean_i_[c], &corr_ip_[c], &a_[c], &mean_a_[c]}) v->resize(n);
  }
  for (auto& v : corr_ii_) v.resize(n);

  box_.apply(input, width, height, r, mean_p_.data());
  for (int c = 0; c < 3; ++c) {
    box_.apply(guide[c], width, height, r, mean_i_[c].data());
    multiply(guide[c], input, n, tmp_.data());
    box_.apply(tmp_.data(), width, height, r, corr_ip_[c].data());
  }
  // Upper triangle of E[I I^T], in the order rr, rg, rb, gg, gb, bb.
  static constexpr int kPairs[6][2] = {{0, 0}, {0, 1}, {0, 2}, {1, 1}, {1, 2}, {2, 2}};
  for (int k = 0; k < 6; ++k) {
    multiply(guide[kPairs[k][0]], guide[kPairs[k][1]], n, tmp_.data());
    box_.apply(tmp_.data(), width, height, r, corr_ii_[k].data());
  }

  const double eps = params.eps;
  for (size_t i = 0; i < n; ++i) {
    const double mr = mean_i_[0][i], mg = mean_i_[1][i], mb = mean_i_[2][i], mp = mean_p_[i];
    // Sigma_k + eps U (Eq. 14), symmetric.
    const double s00 = corr_ii_[0][i] - mr * mr + eps, s01 = corr_ii_[1][i] - mr * mg,
                 s02 = corr_ii_[2][i] - mr * mb, s11 = corr_ii_[3][i] - mg * mg + eps,
                 s12 = corr_ii_[4][i] - mg * mb, s22 = corr_ii_[5][i] - mb * mb + eps;
    const double vr = corr_ip_[0][i] - mr * mp, vg = corr_ip_[1][i] - mg * mp, vb = corr_ip_[2][i] - mb * mp;
    // Inverse by cofactors; Sigma + eps U is symmetric positive definite, so det > 0.
    const double c00 = s11 * s22 - s12 * s12, c01 = s02 * s12 - s01 * s22, c02 = s01 * s12 - s02 * s11;
    const double c11 = s00 * s22 - s02 * s02, c12 = s01 * s02 - s00 * s12, c22 = s00 * s11 - s01 * s01;
    const double inv_det = 1.0 / (s00 * c00 + s01 * c01 + s02 * c02);
    const double ar = (c00 * vr + c01 * vg + c02 * vb) * inv_det;
    const double ag = (c01 * vr + c11 * vg + c12 * vb) * inv_det;
    const double ab = (c02 * vr + c12 * vg + c22 * vb) * inv_det;
    a_[0][i] = static_cast<float>(ar);
    a_[1][i] = static_cast<float>(ag);
    a_[2][i] = static_cast<float>(ab);
    b_[i] = static_cast<float>(mp - ar * mr - ag * mg - ab * mb);  // Eq. (15)
  }
  for (int c = 0; c < 3; ++c) box_.apply(a_[c].data(), width, height, r, mean_a_[c].data());
  box_.apply(b_.data(), width, height, r, mean_b_.data());
  return Status{};
}

void GuidedFilterColor::apply(const float* guide_r, const float* guide_g, const float* guide_b,
                              float* out) const {
  const size_t n = pixel_count(width_, height_);
  for (size_t i = 0; i < n; ++i) {
    out[i] = mean_a_[0][i] * guide_r[i] + mean_a_[1][i] * guide_g[i] + mean_a_[2][i] * guide_b[i] + mean_b_[i];
  }
}

// ---- one-shot ----

Status guided_filter_color(const float* guide_r, const float* guide_g, const float* guide_b,
                           const float* input, int width, int height, GuidedFilterParams params, float* out) {
  GuidedFilterColor gf;
  Status st = gf.compute_coefficients(guide_r, guide_g, guide_b, input, width, height, params);
  if (!st.ok) return st;
  if (!out) return Status::error("guided filter: null output");
  gf.apply(guide_r, guide_g, guide_b, out);
  return st;
}

}  // namespace hm
