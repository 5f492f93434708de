// Buffers and a call of the right kernel for one benchmark layer (layer_shapes.h), random data,
// all output rows. Shared by the native and the wasm kernel benchmarks.
#pragma once
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "kernels/kernels.h"
#include "layer_shapes.h"

namespace hm_bench {

class LayerRunner {
 public:
  explicit LayerRunner(const Layer& l) : l_(l) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> d(-1.0f, 1.0f);
    auto fill = [&](std::vector<float>& v, size_t n) {
      v.resize(n);
      for (float& x : v) x = d(rng);
    };
    out_h_ = (l.h + l.stride - 1) / l.stride;
    out_w_ = (l.w + l.stride - 1) / l.stride;
    std::vector<float> weight, bias;
    switch (l.op) {
      case Op::kConv3x3s2Rgb:
        rgba_.resize(l.h * l.w * 4);
        for (auto& b : rgba_) b = static_cast<uint8_t>(rng());
        fill(weight, l.out_c * 27);
        fill(bias, l.out_c);
        packed_.resize(hm::packed_conv3x3s2_rgb_size(l.out_c));
        hm::pack_conv3x3s2_rgb(l.out_c, weight.data(), bias.data(), packed_.data());
        out_.resize(out_h_ * out_w_ * l.out_c);
        break;
      case Op::kDwconv:
      case Op::kUpsampleDwconv:  // the same weights; its output is the upsampled size
        if (l.op == Op::kUpsampleDwconv) {
          out_h_ = 2 * l.h;
          out_w_ = 2 * l.w;
        }
        fill(in_, l.h * l.w * l.in_c);
        fill(weight, l.in_c * 9);
        fill(bias, l.in_c);
        packed_.resize(hm::packed_dwconv3x3_size(l.in_c));
        hm::pack_dwconv3x3(l.in_c, weight.data(), bias.data(), packed_.data());
        out_.resize(out_h_ * out_w_ * l.in_c);
        break;
      case Op::kConv1x1:
        fill(in_, l.h * l.w * l.in_c);
        fill(weight, l.out_c * l.in_c);
        fill(bias, l.out_c);
        packed_.resize(hm::packed_conv1x1_size(l.in_c, l.out_c));
        hm::pack_conv1x1(l.in_c, l.out_c, weight.data(), bias.data(), packed_.data());
        out_.resize(l.h * l.w * l.out_c);
        break;
      case Op::kUpsampleAdd:
        fill(in_, l.h * l.w * l.in_c);
        fill(skip_, 4 * l.h * l.w * l.in_c);
        out_.resize(4 * l.h * l.w * l.in_c);
        out_h_ = 2 * l.h;
        break;
      case Op::kHeadSoftmax2:
        fill(in_, l.h * l.w * l.in_c);
        fill(weight, 2 * l.in_c);
        fill(bias, 2);
        packed_.resize(hm::packed_conv1x1_softmax2_size(l.in_c));
        hm::pack_conv1x1_softmax2(l.in_c, weight.data(), bias.data(), packed_.data());
        out_.resize(l.h * l.w);
        break;
      case Op::kIm2col:
        fill(in_, l.h * l.w * l.in_c);
        fill(skip_, l.h * l.w * l.out_c);  // the prefix
        out_.resize(l.h * l.w * hm::im2col3x3_row_floats(l.out_c, l.in_c));
        break;
    }
  }

  // One call over every output row; `scalar` picks the reference variant (__scalar), else the optimised
  // one (__wasmsimd), by name: a benchmark times both, whatever the build's kernel table holds.
  void run(bool scalar) {
    const hm::Clamp relu6{0.0f, 6.0f};
    constexpr float kInf = std::numeric_limits<float>::infinity();
    const size_t y1 = out_h_;
    switch (l_.op) {
      case Op::kConv3x3s2Rgb:
        (scalar ? hm::f32_conv3x3s2_rgb_minmax__scalar : hm::f32_conv3x3s2_rgb_minmax__wasmsimd)(
            rgba_.data(), l_.h, l_.w, l_.w * 4, packed_.data(), l_.out_c, out_.data(), relu6, 0, y1);
        break;
      case Op::kDwconv:
        (scalar ? hm::f32_dwconv3x3_minmax__scalar : hm::f32_dwconv3x3_minmax__wasmsimd)(
            in_.data(), l_.h, l_.w, l_.in_c, l_.stride, l_.dilation, packed_.data(), out_.data(), relu6, 0, y1);
        break;
      case Op::kConv1x1:
        (scalar ? hm::f32_conv1x1_minmax__scalar : hm::f32_conv1x1_minmax__wasmsimd)(
            in_.data(), l_.w, l_.in_c, packed_.data(), l_.out_c, out_.data(), relu6, 0, y1);
        break;
      case Op::kUpsampleAdd:
        (scalar ? hm::f32_upsample2x_add__scalar : hm::f32_upsample2x_add__wasmsimd)(
            in_.data(), l_.h, l_.w, l_.in_c, skip_.data(), out_.data(), 0, y1);
        break;
      case Op::kUpsampleDwconv:
        (scalar ? hm::f32_upsample2x_dwconv3x3_minmax__scalar : hm::f32_upsample2x_dwconv3x3_minmax__wasmsimd)(
            in_.data(), l_.h, l_.w, l_.in_c, packed_.data(), out_.data(), hm::Clamp{-kInf, kInf}, 0, y1);
        break;
      case Op::kHeadSoftmax2:
        (scalar ? hm::f32_conv1x1_softmax2__scalar : hm::f32_conv1x1_softmax2__wasmsimd)(
            in_.data(), l_.w, l_.in_c, packed_.data(), out_.data(), 0, y1);
        break;
      case Op::kIm2col:  // one variant (a copy): `scalar` does not apply
        hm::f32_im2col3x3__scalar(skip_.data(), l_.out_c, in_.data(), l_.h, l_.w, l_.in_c, out_.data(), 0, y1);
        break;
    }
  }

  // A value that depends on the output, so that the calls cannot be optimised away.
  float checksum() const {
    float s = 0.0f;
    for (size_t i = 0; i < out_.size(); i += 97) s += out_[i];
    return s;
  }

 private:
  Layer l_;
  size_t out_h_ = 0, out_w_ = 0;
  std::vector<uint8_t> rgba_;
  std::vector<float> in_, skip_, packed_, out_;
};

}  // namespace hm_bench
