// An independent, deliberately naive implementation of HairMatteNet and HairSegNet for tests: NCHW
// tensors, double accumulation, PyTorch-layout weights read by name, and its own copy of the
// architecture written from docs/model-format.md. It uses nothing of src/kernels or the engine's
// planner, so the engine is checked against a second reading of the spec.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "network/model_file.h"

namespace hm_reference {

struct Tensor {  // C x H x W, row-major
  int c = 0, h = 0, w = 0;
  std::vector<double> v;
  Tensor() = default;
  Tensor(int c_, int h_, int w_) : c(c_), h(h_), w(w_), v(size_t(c_) * h_ * w_, 0.0) {}
  double& at(int ch, int y, int x) { return v[(size_t(ch) * h + y) * w + x]; }
  double at(int ch, int y, int x) const { return v[(size_t(ch) * h + y) * w + x]; }
};

class ReferenceNetwork {
 public:
  explicit ReferenceNetwork(const hm::ModelFileContents& contents) : spec_(contents.spec) {
    for (const hm::NamedTensor& t : contents.tensors) weights_[t.name] = &t;
  }

  double multiply_adds() const { return macs_; }

  // rgba: size x size x 4 bytes, rows `stride` bytes apart. Returns P(hair), size x size.
  std::vector<float> run(const uint8_t* rgba, int size, size_t stride) {
    macs_ = 0;
    Tensor x(3, size, size);
    for (int y = 0; y < size; ++y)
      for (int i = 0; i < size; ++i)
        for (int ch = 0; ch < 3; ++ch) x.at(ch, y, i) = rgba[y * stride + 4 * i + ch] / 127.5 - 1.0;

    const bool matte = spec_.arch == hm::Arch::kHairMatteNet;
    x = relu6(conv("enc.conv0", x, 2, 1, 1));
    std::map<int, Tensor> block_out;
    for (int k = 1; k <= 13; ++k) {
      int stride = (k == 2 || k == 4 || k == 6 || k == 12) ? 2 : 1;
      int dilation = 1;
      if (!matte) {  // DeepLab-style dilated encoder
        if (k == 6 || k == 12) stride = 1;
        if (k >= 7 && k <= 12) dilation = 2;
        if (k == 13) dilation = 4;
      }
      x = relu6(conv("enc.dw" + std::to_string(k), x, stride, dilation, x.c));
      x = relu6(conv("enc.pw" + std::to_string(k), x, 1, 1, 1));
      block_out[k] = x;
    }
    const int stages = matte ? 5 : 3;
    const int skip_from[6] = {0, 11, 5, 3, 1, 0};
    for (int s = 1; s <= stages; ++s) {
      const std::string name = "dec" + std::to_string(s);
      x = upsample2x(x);
      if (matte && skip_from[s]) x = add(x, conv(name + ".skip", block_out[skip_from[s]], 1, 1, 1));
      x = conv(name + ".dw", x, 1, 1, x.c);
      x = relu(conv(name + ".pw", x, 1, 1, 1));
    }
    const Tensor z = conv("head", x, 1, 1, 1);
    std::vector<float> p(size_t(size) * size);
    for (int y = 0; y < size; ++y)
      for (int i = 0; i < size; ++i) {
        const double z0 = z.at(0, y, i), z1 = z.at(1, y, i);
        const double m = std::max(z0, z1);
        p[size_t(y) * size + i] = float(std::exp(z1 - m) / (std::exp(z0 - m) + std::exp(z1 - m)));
      }
    return p;
  }

 private:
  // PyTorch conv2d with TF "same" padding: output ceil(in / stride); stride 1 pads `dilation` on each
  // side of a 3x3 kernel, stride 2 pads nothing before (the bottom/right row falls off the edge).
  Tensor conv(const std::string& name, const Tensor& in, int stride, int dilation, int groups) {
    const hm::NamedTensor& w = *weights_.at(name + ".weight");
    const hm::NamedTensor& b = *weights_.at(name + ".bias");
    const int out_c = int(w.shape[0]), in_per_group = int(w.shape[1]), k = int(w.shape[2]);
    const int out_per_group = out_c / groups;
    const int oh = (in.h + stride - 1) / stride, ow = (in.w + stride - 1) / stride;
    const int pad = (k == 3 && stride == 1) ? dilation : 0;
    Tensor out(out_c, oh, ow);
    for (int o = 0; o < out_c; ++o) {
      const int g = o / out_per_group;
      for (int y = 0; y < oh; ++y)
        for (int x = 0; x < ow; ++x) out.at(o, y, x) = b.values[o];
      for (int i = 0; i < in_per_group; ++i) {
        const int ic = g * in_per_group + i;
        for (int ky = 0; ky < k; ++ky)
          for (int kx = 0; kx < k; ++kx) {
            const double wv = w.values[((size_t(o) * in_per_group + i) * k + ky) * k + kx];
            for (int y = 0; y < oh; ++y) {
              const int iy = y * stride - pad + ky * dilation;
              if (iy < 0 || iy >= in.h) continue;
              for (int x = 0; x < ow; ++x) {
                const int ix = x * stride - pad + kx * dilation;
                if (ix < 0 || ix >= in.w) continue;
                out.at(o, y, x) += wv * in.at(ic, iy, ix);
              }
            }
          }
      }
    }
    macs_ += double(out_c) * oh * ow * in_per_group * k * k;
    return out;
  }
  static Tensor relu6(Tensor t) {
    for (double& v : t.v) v = std::min(std::max(v, 0.0), 6.0);
    return t;
  }
  static Tensor relu(Tensor t) {
    for (double& v : t.v) v = std::max(v, 0.0);
    return t;
  }
  static Tensor upsample2x(const Tensor& in) {
    Tensor out(in.c, 2 * in.h, 2 * in.w);
    for (int ch = 0; ch < in.c; ++ch)
      for (int y = 0; y < out.h; ++y)
        for (int x = 0; x < out.w; ++x) out.at(ch, y, x) = in.at(ch, y / 2, x / 2);
    return out;
  }
  static Tensor add(Tensor a, const Tensor& b) {
    for (size_t i = 0; i < a.v.size(); ++i) a.v[i] += b.v[i];
    return a;
  }

  hm::ArchSpec spec_;
  std::map<std::string, const hm::NamedTensor*> weights_;
  double macs_ = 0;
};

}  // namespace hm_reference
