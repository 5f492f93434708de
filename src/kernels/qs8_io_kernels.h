// The int8 network's first and last operators (issue #14): the 3x3 stride-2 convolution on the RGBA
// input and the 2-class head with its softmax. Declared apart from qs8_kernels.h (the int8 operators
// between them) in the same scheme: int8 weights per output channel in [-127, 127], int32 biases in units
// of input_scale * weight_scale[n], XNNPACK's fp32 requantisation. Each has a __scalar and a __wasmsimd
// variant (one file each), bit-identical (the tests demand equality). Rows [y0, y1) only;
// nothing allocates.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/qs8_kernels.h"

namespace hm {

// ---- 3x3 stride-2 convolution on RGBA bytes (alpha ignored), the network's first layer ----
// The input byte p becomes the int8 q = p - 128 (the engine's input quantisation: real = q / 127.5, zero
// point 0; the quantiser folds the model's remaining + 0.5 into the bias). TF "same" padding for stride
// 2: 0 before, 1 after; padded taps read q = 0. Output: ceil(h / 2) x ceil(w / 2) x out_c int8.
// The __wasmsimd variant gathers each output row's 27 taps (an int8 im2col) into `scratch` and runs the SIMD
// 1x1 convolution on it; the __scalar one sums the taps directly (and leaves `scratch` alone).
// weight: PyTorch's [out_c][3][3][3] (channel, ky, kx). Packed: pack_qs8_conv1x1's layout for in_c =
// kQs8Conv0K = 32 with input zero point 0: the 27 taps in the order of the bytes of the input, k = ky * 9 +
// kx * 3 + c (qs8_conv0_tap; the 3 RGB pixels of a kernel row are 12 consecutive RGBA bytes, which the
// __wasmsimd gather turns into 9 taps with one swizzle), then 5 zero weights: with K a multiple of the
// micro-kernel's 8 k, no tile copies a K tail (which cost more than the layer's multiply-adds at K = 27).
constexpr size_t kQs8Conv0Taps = 27;
constexpr size_t kQs8Conv0K = 32;
constexpr size_t qs8_conv0_tap(size_t c, size_t ky, size_t kx) { return ky * 9 + kx * 3 + c; }
size_t packed_qs8_conv3x3s2_rgba_size(size_t out_c);
void pack_qs8_conv3x3s2_rgba(size_t out_c, const int8_t* weight, const int32_t* bias, const float* requant_scale,
                             void* packed);
// Bytes of `scratch` one call needs (one output row of taps), for an input `w` pixels wide.
size_t qs8_conv3x3s2_rgba_scratch_bytes(size_t w);
void qs8_conv3x3s2_rgba_minmax_fp32__scalar(const uint8_t* rgba, size_t h, size_t w, size_t row_stride,
                                            const void* packed, size_t out_c, int8_t* out, QS8Output params,
                                            int8_t* scratch, size_t y0, size_t y1);
void qs8_conv3x3s2_rgba_minmax_fp32__wasmsimd(const uint8_t* rgba, size_t h, size_t w, size_t row_stride,
                                              const void* packed, size_t out_c, int8_t* out, QS8Output params,
                                              int8_t* scratch, size_t y0, size_t y1);

// ---- head: 1x1 convolution to two logits, dequantised, 2-way softmax -> fp32 P(hair) ----
// z_j = float(acc_j) * scale_j (acc_j the int32 accumulator, scale_j = input_scale * weight_scale[j]);
// P(hair) = softmax(z)[1] = 1 / (1 + exp(z0 - z1)), as the fp32 head gives it. in: pixels x c int8.
// Packed: 2 int32 biases (input zero point folded in), 2 fp32 scales, then the two channels' weights as
// int16, each padded with zeros to a multiple of 8.
size_t packed_qs8_conv1x1_softmax2_size(size_t c);
void pack_qs8_conv1x1_softmax2(size_t c, const int8_t* weight, const int32_t* bias, const float* scale,
                               int8_t in_zero_point, void* packed);
void qs8_conv1x1_softmax2__scalar(const int8_t* in, size_t w, size_t c, const void* packed, float* out,
                                  size_t y0, size_t y1);
void qs8_conv1x1_softmax2__wasmsimd(const int8_t* in, size_t w, size_t c, const void* packed, float* out,
                                    size_t y0, size_t y1);

}  // namespace hm
