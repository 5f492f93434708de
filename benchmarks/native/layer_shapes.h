// The real layer shapes of HairMatteNet (MobileNet-v1 alpha 1.0 encoder + skip decoder, depth 64) at a
// 224x224 input, in execution order, plus the dilated layers that only HairSegNet has (docs/model-format.md).
// Shared by the native (Google Benchmark) and wasm (standalone) kernel benchmarks.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace hm_bench {

enum class Op { kConv3x3s2Rgb, kDwconv, kConv1x1, kUpsampleAdd, kUpsampleDwconv, kHeadSoftmax2, kIm2col };

struct Layer {
  const char* name;
  Op op;
  size_t h, w;    // input height and width
  size_t in_c, out_c;  // kIm2col: in_c = the taps' channels, out_c = the prefix's channels
  size_t stride, dilation;
  bool hairmattenet;  // part of one HairMatteNet 224 run (false: HairSegNet-only dilated layers)
};

// Useful floating-point operations (a multiply-add counts 2) of one call over all output rows.
inline double layer_flops(const Layer& l) {
  const double oh = static_cast<double>((l.h + l.stride - 1) / l.stride);
  const double ow = static_cast<double>((l.w + l.stride - 1) / l.stride);
  switch (l.op) {
    case Op::kConv3x3s2Rgb: return 2.0 * 27 * oh * ow * l.out_c;
    case Op::kDwconv: return 2.0 * 9 * oh * ow * l.in_c;
    case Op::kConv1x1: return 2.0 * oh * ow * l.in_c * l.out_c;
    case Op::kUpsampleAdd: return 4.0 * l.h * l.w * l.in_c;  // one add per output value
    // Counted as the 3x3 depthwise convolution on the upsampled image that it computes (it does 4/9 of
    // those multiply-adds), so its GFLOP/s compare with the unfused dwconv row.
    case Op::kUpsampleDwconv: return 2.0 * 9 * 4 * l.h * l.w * l.in_c;
    case Op::kHeadSoftmax2: return 2.0 * oh * ow * l.in_c * 2;
    case Op::kIm2col: return 0.0;  // data movement only
  }
  return 0.0;
}

inline constexpr Layer kLayers[] = {
    // Encoder (ReLU6 everywhere).
    {"enc.conv0", Op::kConv3x3s2Rgb, 224, 224, 3, 32, 2, 1, true},
    {"enc.dw1", Op::kDwconv, 112, 112, 32, 32, 1, 1, true},
    {"enc.pw1", Op::kConv1x1, 112, 112, 32, 64, 1, 1, true},
    {"enc.dw2", Op::kDwconv, 112, 112, 64, 64, 2, 1, true},
    {"enc.pw2", Op::kConv1x1, 56, 56, 64, 128, 1, 1, true},
    {"enc.dw3", Op::kDwconv, 56, 56, 128, 128, 1, 1, true},
    {"enc.pw3", Op::kConv1x1, 56, 56, 128, 128, 1, 1, true},
    {"enc.dw4", Op::kDwconv, 56, 56, 128, 128, 2, 1, true},
    {"enc.pw4", Op::kConv1x1, 28, 28, 128, 256, 1, 1, true},
    {"enc.dw5", Op::kDwconv, 28, 28, 256, 256, 1, 1, true},
    {"enc.pw5", Op::kConv1x1, 28, 28, 256, 256, 1, 1, true},
    {"enc.dw6", Op::kDwconv, 28, 28, 256, 256, 2, 1, true},
    {"enc.pw6", Op::kConv1x1, 14, 14, 256, 512, 1, 1, true},
    {"enc.dw7-11 (x5)", Op::kDwconv, 14, 14, 512, 512, 1, 1, true},
    {"enc.pw7-11 (x5)", Op::kConv1x1, 14, 14, 512, 512, 1, 1, true},
    {"enc.dw12", Op::kDwconv, 14, 14, 512, 512, 2, 1, true},
    {"enc.pw12", Op::kConv1x1, 7, 7, 512, 1024, 1, 1, true},
    {"enc.dw13", Op::kDwconv, 7, 7, 1024, 1024, 1, 1, true},
    {"enc.pw13", Op::kConv1x1, 7, 7, 1024, 1024, 1, 1, true},
    // Decoder (HairMatteNet, D = 64): up + skip, dw (no activation), pw (ReLU).
    // Stage 1's skip (14x14x512 -> 1024) is folded into its pointwise convolution (model_weights.cc):
    // up+dw of the 7x7x1024 input, im2col rows [dw | 3x3 taps of the skip source | flags] of
    // 1024 + 9 * 512 + 9 -> 5644 floats, one 1x1 convolution to 64.
    {"dec1.up+dw", Op::kUpsampleDwconv, 7, 7, 1024, 1024, 1, 1, true},
    {"dec1.im2col", Op::kIm2col, 14, 14, 512, 1024, 1, 1, true},
    {"dec1.pw folded", Op::kConv1x1, 14, 14, 5644, 64, 1, 1, true},
    {"dec2.skip", Op::kConv1x1, 28, 28, 256, 64, 1, 1, true},
    {"dec2.up", Op::kUpsampleAdd, 14, 14, 64, 64, 1, 1, true},
    {"dec2.dw", Op::kDwconv, 28, 28, 64, 64, 1, 1, true},
    {"dec2.pw", Op::kConv1x1, 28, 28, 64, 64, 1, 1, true},
    {"dec3.skip", Op::kConv1x1, 56, 56, 128, 64, 1, 1, true},
    {"dec3.up", Op::kUpsampleAdd, 28, 28, 64, 64, 1, 1, true},
    {"dec3.dw", Op::kDwconv, 56, 56, 64, 64, 1, 1, true},
    {"dec3.pw", Op::kConv1x1, 56, 56, 64, 64, 1, 1, true},
    {"dec4.skip", Op::kConv1x1, 112, 112, 64, 64, 1, 1, true},
    {"dec4.up", Op::kUpsampleAdd, 56, 56, 64, 64, 1, 1, true},
    {"dec4.dw", Op::kDwconv, 112, 112, 64, 64, 1, 1, true},
    {"dec4.pw", Op::kConv1x1, 112, 112, 64, 64, 1, 1, true},
    // The last stage has no skip: the upsampling is folded into its depthwise convolution.
    {"dec5.up+dw", Op::kUpsampleDwconv, 112, 112, 64, 64, 1, 1, true},
    {"dec5.pw", Op::kConv1x1, 224, 224, 64, 64, 1, 1, true},
    {"head", Op::kHeadSoftmax2, 224, 224, 64, 2, 1, 1, true},
    // HairSegNet's dilated encoder tail (1/8 resolution) and its first decoder 1x1.
    {"segnet.dw7-12 d2", Op::kDwconv, 28, 28, 512, 512, 1, 2, false},
    {"segnet.pw7-11", Op::kConv1x1, 28, 28, 512, 512, 1, 1, false},
    {"segnet.dw13 d4", Op::kDwconv, 28, 28, 1024, 1024, 1, 4, false},
    {"segnet.pw13", Op::kConv1x1, 28, 28, 1024, 1024, 1, 1, false},
    {"segnet.dec1.pw", Op::kConv1x1, 56, 56, 1024, 64, 1, 1, false},
};

// HairMatteNet's rows of kLayers at another encoder width (thousandths: 250, 500, 750, 1000; decoder depth
// 64), as training/hairmatte_train/architecture.py builds it: every encoder channel count c becomes
// int(c * width / 1000) (MobileNet-v1's rounding), the decoder keeps its depth, and dec1's folded K is
// C13 + 9 * C11 + 9 padded to a multiple of 4 (im2col3x3_row_floats). Width 750 (24, 48, ..., 768
// channels) is the likely shape of the bundled int8 model (issue #14: its size budget).
inline std::vector<Layer> hairmattenet_layers(int width_milli) {
  auto scaled = [&](size_t c) { return c * static_cast<size_t>(width_milli) / 1000; };
  std::vector<Layer> layers;
  for (Layer l : kLayers) {
    if (!l.hairmattenet) continue;
    const std::string name = l.name;
    if (name.rfind("enc.", 0) == 0 || name == "dec1.up+dw" || name == "dec1.im2col") {
      l.in_c = scaled(l.in_c);
      l.out_c = scaled(l.out_c);
    } else if (name.find(".skip") != std::string::npos) {
      l.in_c = scaled(l.in_c);
    } else if (name == "dec1.pw folded") {
      l.in_c = (scaled(1024) + 9 * scaled(512) + 9 + 3) / 4 * 4;
    }
    layers.push_back(l);
  }
  return layers;
}

// How many times a row of kLayers runs in one HairMatteNet pass ("x5" rows stand for 5 layers).
inline int layer_repeats(const Layer& l) {
  const char* n = l.name;
  for (; *n != '\0'; ++n)
    if (n[0] == 'x' && n[1] == '5') return 5;
  return 1;
}

}  // namespace hm_bench
