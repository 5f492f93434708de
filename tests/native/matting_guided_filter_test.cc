// The guided filter against a brute-force reference that walks every window explicitly, in double, and
// solves the colour 3x3 systems with Eigen's LDLT (not the cofactor inverse of the implementation).
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "matting/box_filter.h"
#include "matting/fast_guided_upsample.h"
#include "matting/guided_filter.h"

namespace hm {
namespace {

using Plane = std::vector<float>;

Plane random_plane(int w, int h, std::mt19937* rng) {
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  Plane p(static_cast<size_t>(w) * h);
  for (auto& v : p) v = u(*rng);
  return p;
}

// A smooth image with a sharp edge plus noise: more like a photo than uniform noise, so that the windows
// contain both flat (ill-conditioned) and textured regions.
Plane edge_plane(int w, int h, float phase, std::mt19937* rng) {
  std::normal_distribution<float> noise(0.0f, 0.02f);
  Plane p(static_cast<size_t>(w) * h);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const float base = (x + phase * y > w / 2) ? 0.8f : 0.2f;
      p[y * w + x] = std::clamp(base + 0.1f * std::sin(0.3f * x + phase) + noise(*rng), 0.0f, 1.0f);
    }
  }
  return p;
}

struct Window {
  int x0, x1, y0, y1;  // inclusive
  int count() const { return (x1 - x0 + 1) * (y1 - y0 + 1); }
};
Window window_at(int x, int y, int w, int h, int r) {
  return {std::max(x - r, 0), std::min(x + r, w - 1), std::max(y - r, 0), std::min(y + r, h - 1)};
}

std::vector<double> brute_box_mean(const std::vector<double>& in, int w, int h, int r) {
  std::vector<double> out(in.size());
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const Window win = window_at(x, y, w, h, r);
      double s = 0;
      for (int yy = win.y0; yy <= win.y1; ++yy)
        for (int xx = win.x0; xx <= win.x1; ++xx) s += in[yy * w + xx];
      out[y * w + x] = s / win.count();
    }
  }
  return out;
}

std::vector<double> brute_guided_color(const Plane* I, const Plane& p, int w, int h, int r, double eps) {
  const size_t n_px = p.size();
  std::vector<double> a[3] = {std::vector<double>(n_px), std::vector<double>(n_px), std::vector<double>(n_px)};
  std::vector<double> b(n_px);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const Window win = window_at(x, y, w, h, r);
      Eigen::Vector3d mi = Eigen::Vector3d::Zero();
      double mp = 0;
      for (int yy = win.y0; yy <= win.y1; ++yy) {
        for (int xx = win.x0; xx <= win.x1; ++xx) {
          const size_t k = yy * w + xx;
          mi += Eigen::Vector3d(I[0][k], I[1][k], I[2][k]);
          mp += p[k];
        }
      }
      const double n = win.count();
      mi /= n;
      mp /= n;
      Eigen::Matrix3d sigma = Eigen::Matrix3d::Zero();
      Eigen::Vector3d cov = Eigen::Vector3d::Zero();
      for (int yy = win.y0; yy <= win.y1; ++yy) {
        for (int xx = win.x0; xx <= win.x1; ++xx) {
          const size_t k = yy * w + xx;
          const Eigen::Vector3d d = Eigen::Vector3d(I[0][k], I[1][k], I[2][k]) - mi;
          sigma += d * d.transpose();
          cov += d * (p[k] - mp);
        }
      }
      sigma /= n;
      cov /= n;
      const Eigen::Vector3d ak = (sigma + eps * Eigen::Matrix3d::Identity()).ldlt().solve(cov);  // Eq. 14
      for (int c = 0; c < 3; ++c) a[c][y * w + x] = ak[c];
      b[y * w + x] = mp - ak.dot(mi);
    }
  }
  std::vector<double> ma[3];
  for (int c = 0; c < 3; ++c) ma[c] = brute_box_mean(a[c], w, h, r);
  const auto mb = brute_box_mean(b, w, h, r);
  std::vector<double> q(n_px);
  for (size_t i = 0; i < n_px; ++i) q[i] = ma[0][i] * I[0][i] + ma[1][i] * I[1][i] + ma[2][i] * I[2][i] + mb[i];
  return q;
}

double max_abs_diff(const Plane& x, const std::vector<double>& y) {
  double m = 0;
  for (size_t i = 0; i < x.size(); ++i) m = std::max(m, std::abs(x[i] - y[i]));
  return m;
}

struct Case {
  int w, h, r;
  float eps;
};
// Odd sizes, radii of 0, small, near the image size and beyond it.
const Case kCases[] = {{1, 1, 0, 1e-3f},  {7, 5, 0, 1e-2f},   {13, 9, 1, 1e-3f},  {17, 11, 4, 1e-4f},
                       {31, 23, 10, 1e-3f}, {21, 19, 9, 1e-2f}, {15, 29, 14, 1e-3f}, {11, 9, 30, 1e-3f},
                       {37, 3, 2, 1e-3f},   {3, 41, 5, 1e-4f}};

TEST(GuidedBoxMean, MatchesBruteForceOnOddSizesAndLargeRadii) {
  std::mt19937 rng(1);
  for (const Case& c : kCases) {
    const Plane in = random_plane(c.w, c.h, &rng);
    Plane out(in.size());
    BoxMean box;
    box.apply(in.data(), c.w, c.h, c.r, out.data());
    const auto ref = brute_box_mean(std::vector<double>(in.begin(), in.end()), c.w, c.h, c.r);
    EXPECT_LT(max_abs_diff(out, ref), 1e-6) << c.w << "x" << c.h << " r=" << c.r;
  }
}

TEST(GuidedFilterColor, MatchesBruteForce) {
  std::mt19937 rng(3);
  for (const Case& c : kCases) {
    for (int kind = 0; kind < 2; ++kind) {
      Plane I[3];
      for (int ch = 0; ch < 3; ++ch) {
        I[ch] = kind ? edge_plane(c.w, c.h, 0.2f * ch, &rng) : random_plane(c.w, c.h, &rng);
      }
      const Plane p = kind ? edge_plane(c.w, c.h, 0.5f, &rng) : random_plane(c.w, c.h, &rng);
      Plane q(p.size());
      ASSERT_TRUE(
          guided_filter_color(I[0].data(), I[1].data(), I[2].data(), p.data(), c.w, c.h, {c.r, c.eps}, q.data())
              .ok);
      const auto ref = brute_guided_color(I, p, c.w, c.h, c.r, c.eps);
      EXPECT_LT(max_abs_diff(q, ref), 1e-4) << c.w << "x" << c.h << " r=" << c.r << " eps=" << c.eps;
    }
  }
}

// Edge preservation, the point of the filter: a blurred matte guided by a sharp image gets a sharp edge.
TEST(GuidedFilterColor, SharpensABlurredMatteAlongTheGuideEdge) {
  const int w = 40, h = 8, edge = 23;
  Plane I(w * h), p(w * h), q(w * h);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      I[y * w + x] = x < edge ? 0.1f : 0.9f;
      p[y * w + x] = std::clamp((x - (edge - 6)) / 12.0f, 0.0f, 1.0f);  // a 12-pixel ramp around the edge
    }
  }
  ASSERT_TRUE(guided_filter_color(I.data(), I.data(), I.data(), p.data(), w, h, {4, 1e-4f}, q.data()).ok);
  // The ramp rises 1/12 per pixel; the filtered matte concentrates the rise at the guide's edge.
  const float* row = &q[4 * w];
  const float jump_at_edge = row[edge] - row[edge - 1];
  EXPECT_GT(jump_at_edge, 0.3f);
  for (int x = 1; x < w; ++x) {
    if (x == edge) continue;
    EXPECT_LT(std::abs(row[x] - row[x - 1]), jump_at_edge / 4) << "x=" << x;
  }
}

TEST(GuidedFilterColor, RejectsBadArguments) {
  Plane a(4, 0.5f), out(4);
  const auto filter = [&](int w, int h, GuidedFilterParams params, const float* g = nullptr) {
    return guided_filter_color(a.data(), g ? g : a.data(), a.data(), a.data(), w, h, params, out.data());
  };
  EXPECT_FALSE(filter(0, 2, {1, 1e-3f}).ok);
  EXPECT_FALSE(filter(2, 2, {-1, 1e-3f}).ok);
  EXPECT_FALSE(filter(2, 2, {1, 0.0f}).ok);
  EXPECT_FALSE(filter(2, 2, {1, NAN}).ok);
  EXPECT_FALSE(guided_filter_color(a.data(), nullptr, a.data(), a.data(), 2, 2, {1, 1e-3f}, out.data()).ok);
  const Status st = filter(2, 2, {1, INFINITY});
  EXPECT_FALSE(st.ok);
  EXPECT_NE(st.message.find("eps"), std::string::npos);
  EXPECT_TRUE(filter(2, 2, {1, 1e-3f}).ok);
}

}  // namespace
}  // namespace hm

// ---- fast guided upsampling ----
namespace hm {
namespace {

std::vector<uint8_t> random_frame(int w, int h, std::mt19937* rng) {
  std::uniform_int_distribution<int> u(0, 255);
  std::vector<uint8_t> f(static_cast<size_t>(w) * h * 4);
  for (auto& v : f) v = static_cast<uint8_t>(u(*rng));
  return f;
}

// By definition (He & Sun, Algorithm 2) with brute-force pieces: block-mean guide, brute_guided_color's
// coefficients recomputed here, bilinear upsampling with explicit clamped taps.
std::vector<double> brute_fast_guided(const std::vector<uint8_t>& frame, int w, int h, const Plane& low, int s,
                                      int r_full, double eps) {
  const int lw = (w + s - 1) / s, lh = (h + s - 1) / s, r = std::max(1, static_cast<int>(std::lround(double(r_full) / s)));
  Plane I[3] = {Plane(lw * lh), Plane(lw * lh), Plane(lw * lh)};
  for (int j = 0; j < lh; ++j)
    for (int i = 0; i < lw; ++i)
      for (int c = 0; c < 3; ++c) {
        double sum = 0;
        int n = 0;
        for (int y = j * s; y < std::min(h, j * s + s); ++y)
          for (int x = i * s; x < std::min(w, i * s + s); ++x, ++n) sum += frame[(y * w + x) * 4 + c];
        I[c][j * lw + i] = static_cast<float>(sum / n / 255.0);
      }
  // The coefficient step of brute_guided_color, kept here because the fast filter applies the coefficients.
  std::vector<double> a[3] = {std::vector<double>(lw * lh), std::vector<double>(lw * lh), std::vector<double>(lw * lh)};
  std::vector<double> b(lw * lh);
  for (int y = 0; y < lh; ++y) {
    for (int x = 0; x < lw; ++x) {
      const Window win = window_at(x, y, lw, lh, r);
      Eigen::Vector3d mi = Eigen::Vector3d::Zero();
      double mp = 0;
      for (int yy = win.y0; yy <= win.y1; ++yy)
        for (int xx = win.x0; xx <= win.x1; ++xx) {
          const int k = yy * lw + xx;
          mi += Eigen::Vector3d(I[0][k], I[1][k], I[2][k]);
          mp += low[k];
        }
      mi /= win.count();
      mp /= win.count();
      Eigen::Matrix3d sigma = Eigen::Matrix3d::Zero();
      Eigen::Vector3d cov = Eigen::Vector3d::Zero();
      for (int yy = win.y0; yy <= win.y1; ++yy)
        for (int xx = win.x0; xx <= win.x1; ++xx) {
          const int k = yy * lw + xx;
          const Eigen::Vector3d d = Eigen::Vector3d(I[0][k], I[1][k], I[2][k]) - mi;
          sigma += d * d.transpose();
          cov += d * (low[k] - mp);
        }
      sigma /= win.count();
      cov /= win.count();
      const Eigen::Vector3d ak = (sigma + eps * Eigen::Matrix3d::Identity()).ldlt().solve(cov);
      for (int c = 0; c < 3; ++c) a[c][y * lw + x] = ak[c];
      b[y * lw + x] = mp - ak.dot(mi);
    }
  }
  std::vector<double> ma[4];
  for (int c = 0; c < 3; ++c) ma[c] = brute_box_mean(a[c], lw, lh, r);
  ma[3] = brute_box_mean(b, lw, lh, r);
  const auto sample = [&](const std::vector<double>& v, double fx, double fy) {
    fx = std::max(fx, 0.0);
    fy = std::max(fy, 0.0);
    const int x0 = std::min(static_cast<int>(fx), lw - 1), y0 = std::min(static_cast<int>(fy), lh - 1);
    const int x1 = std::min(x0 + 1, lw - 1), y1 = std::min(y0 + 1, lh - 1);
    const double tx = fx - x0, ty = fy - y0;
    return (1 - ty) * ((1 - tx) * v[y0 * lw + x0] + tx * v[y0 * lw + x1]) +
           ty * ((1 - tx) * v[y1 * lw + x0] + tx * v[y1 * lw + x1]);
  };
  std::vector<double> q(static_cast<size_t>(w) * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const double fx = (x + 0.5) / s - 0.5, fy = (y + 0.5) / s - 0.5;
      double v = sample(ma[3], fx, fy);
      for (int c = 0; c < 3; ++c) v += sample(ma[c], fx, fy) * frame[(y * w + x) * 4 + c] / 255.0;
      q[y * w + x] = std::clamp(v, 0.0, 1.0);
    }
  return q;
}

TEST(GuidedFastUpsample, MatchesBruteForceOnOddSizes) {
  std::mt19937 rng(4);
  struct FastCase {
    int w, h, s, r;
  };
  for (const FastCase c : {FastCase{1, 1, 1, 0}, FastCase{17, 13, 1, 3}, FastCase{23, 19, 2, 5},
                           FastCase{31, 17, 3, 8}, FastCase{29, 37, 4, 40}, FastCase{9, 7, 4, 4}}) {
    const auto frame = random_frame(c.w, c.h, &rng);
    const Plane low = random_plane((c.w + c.s - 1) / c.s, (c.h + c.s - 1) / c.s, &rng);
    std::vector<uint8_t> alpha(static_cast<size_t>(c.w) * c.h);
    FastGuidedUpsampler up;
    ASSERT_TRUE(up.run(frame.data(), c.w, c.h, c.w * 4, low.data(), {c.r, 1e-3f, c.s}, alpha.data()).ok);
    const auto ref = brute_fast_guided(frame, c.w, c.h, low, c.s, c.r, 1e-3);
    double worst = 0;
    for (size_t i = 0; i < alpha.size(); ++i) worst = std::max(worst, std::abs(alpha[i] - 255.0 * ref[i]));
    // Quantisation to 8 bits is the only allowed difference: half a step plus float rounding.
    EXPECT_LT(worst, 0.5 + 1e-2) << c.w << "x" << c.h << " s=" << c.s << " r=" << c.r;
  }
}

// A blocky low-resolution matte of a shape whose edge is not on the block grid: the upsampled matte
// follows the frame's edge to the pixel.
TEST(GuidedFastUpsample, PutsTheMatteEdgeOnTheFrameEdge) {
  const int w = 64, h = 16, s = 4, edge = 29;  // 29 is inside block 7 ([28, 32))
  std::vector<uint8_t> frame(w * h * 4);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) frame[(y * w + x) * 4 + c] = x < edge ? 40 : 200;
  const int lw = w / s, lh = h / s;
  Plane low(lw * lh);
  for (int j = 0; j < lh; ++j)
    for (int i = 0; i < lw; ++i) low[j * lw + i] = std::clamp((i * s + 2 - edge) / 8.0f + 0.5f, 0.0f, 1.0f);
  std::vector<uint8_t> alpha(w * h);
  FastGuidedUpsampler up;
  ASSERT_TRUE(up.run(frame.data(), w, h, w * 4, low.data(), {8, 1e-4f, s}, alpha.data()).ok);
  const uint8_t* row = &alpha[8 * w];
  int steepest = 1;
  for (int x = 1; x < w; ++x) {
    if (std::abs(row[x] - row[x - 1]) > std::abs(row[steepest] - row[steepest - 1])) steepest = x;
  }
  EXPECT_EQ(steepest, edge);
  EXPECT_GT(row[edge] - row[edge - 1], 100);
}

TEST(GuidedFastUpsample, RejectsBadArguments) {
  std::vector<uint8_t> frame(4 * 4 * 4), alpha(16);
  Plane low(4, 0.5f);
  FastGuidedUpsampler up;
  EXPECT_FALSE(up.run(frame.data(), 4, 4, 16, low.data(), {2, 1e-3f, 0}, alpha.data()).ok);
  EXPECT_FALSE(up.run(frame.data(), 4, 4, 8, low.data(), {2, 1e-3f, 2}, alpha.data()).ok);
  EXPECT_FALSE(up.run(frame.data(), 4, 4, 16, low.data(), {-1, 1e-3f, 2}, alpha.data()).ok);
  EXPECT_FALSE(up.run(frame.data(), 4, 4, 16, low.data(), {2, -1.0f, 2}, alpha.data()).ok);
  EXPECT_FALSE(up.run(nullptr, 4, 4, 16, low.data(), {2, 1e-3f, 2}, alpha.data()).ok);
}

}  // namespace
}  // namespace hm
