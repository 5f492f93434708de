// int8 (QS8) operator kernels of the hair networks, NHWC, batch 1, in XNNPACK's QS8 scheme (issue #14).
//
// Self-contained beside kernels.h (the fp32 operators); the engine's int8 network (src/network/int8_*) runs
// on these and on qs8_io_kernels.h (the first convolution and the softmax head), through the build's table
// (qs8_kernel_table.h). Each operator has two variants in XNNPACK's naming, datatype_op_shape__isa, one
// file each: __scalar (plain C++, the reference) and __wasmsimd (SIMD128); their weights are packed once by
// qs8_packing.cc (layouts: qs8_layout.h). `minmax_fp32`: the output clamp and the fp32 requantisation below.
//
// Quantisation (the contract the quantiser in training/ will write):
// - activations: int8 per tensor, real = scale * (q - zero_point), zero_point in [-128, 127];
// - weights: int8 per output channel, symmetric (zero point 0), values in [-127, 127];
// - bias: int32 per output channel in units of input_scale * weight_scale[n];
// - requantisation ("fp32", XNNPACK's fp32 variant with the "fmagic" rounding): per output channel
//   requant_scale[n] = input_scale * weight_scale[n] / output_scale, and
//     out = clamp(round_nearest_even(float(acc) * requant_scale[n]) + out_zero_point, out_min, out_max)
//   where float(acc) is the int32 -> fp32 conversion (round to nearest) and the product is one fp32
//   multiply. The SIMD kernels round by adding the magic number 1.5 * 2^23 (so the integer lands in the
//   mantissa, rounded to nearest-even by the fp32 add) and subtracting its bit pattern as an integer;
//   the scalar references round with std::nearbyint (nearest-even in the default mode) after clamping
//   in float. Both are exact integer arithmetic up to the one fp32 multiply they share, so optimised and
//   scalar outputs are EXPECTED TO BE BIT-IDENTICAL; the tests demand equality.
// - the output clamp (ReLU6, ReLU, none) is expressed as out_min / out_max in the quantised domain.
//
// The zero points of the inputs are folded into the packed int32 biases (bias - in_zp * sum(weights)),
// as XNNPACK does, so the inner loops multiply raw int8 values; padding taps read the input zero point.
//
// Every operator computes output rows [y0, y1) only; nothing allocates.
#pragma once
#include <cstddef>
#include <cstdint>

namespace hm {

// Output zero point and clamp of a requantised int8 tensor.
struct QS8Output {
  int8_t zero_point;
  int8_t min;  // quantised lower clamp, e.g. zero_point for ReLU / ReLU6, -128 for none
  int8_t max;  // quantised upper clamp, e.g. zero_point + round(6 / scale) (saturated) for ReLU6
};

// The requantisation of one accumulator, shared by every __scalar variant (see above).
int8_t qs8_requantize_fp32__scalar(int32_t acc, float scale, QS8Output out);

// ---- 1x1 convolution = int8 GEMM [pixels x in_c] * [in_c x out_c] + bias, requantised ----
// Packed: ceil(out_c / 4) panels of 4 output channels: 4 int32 biases (zero point folded in), then
// ceil(in_c / 8) blocks of 32 weights (zeros past in_c / out_c), then 4 fp32 requantisation scales. A
// block is laid out for the micro-kernel that runs the layer, chosen by in_c (qs8_layout.h): in_c <= 64:
// int16 weights in 4 "c2s4" steps ([step][4 channels][2 k], channel j's k pair (j + step) mod 4 of the block
// in step `step`); in_c > 64: int8 weights in "c8" order ([4 channels][8 k]).
// weight: [out_c][in_c] (PyTorch [out_c, in_c, 1, 1]); bias may be null (zero); scale: [out_c].
size_t packed_qs8_conv1x1_size(size_t in_c, size_t out_c);
void pack_qs8_conv1x1(size_t in_c, size_t out_c, const int8_t* weight, const int32_t* bias,
                      const float* requant_scale, int8_t in_zero_point, void* packed);
// in: h x w x in_c int8 (zero point as packed), out: h x w x out_c; rows [y0, y1) = pixels y0*w .. y1*w.
void qs8_conv1x1_minmax_fp32__scalar(const int8_t* in, size_t w, size_t in_c, const void* packed, size_t out_c,
                                     int8_t* out, QS8Output params, size_t y0, size_t y1);
void qs8_conv1x1_minmax_fp32__wasmsimd(const int8_t* in, size_t w, size_t in_c, const void* packed,
                                       size_t out_c, int8_t* out, QS8Output params, size_t y0, size_t y1);

// ---- 1x1 convolution to int32 accumulators, no requantisation (the folded dec1: network/int8_fold.h) ----
// out[p][n] = bias[n] + sum_k w[n][k] * in[p][k] (the input zero point folded into the bias by the packing)
// for pixels p in [p0, p1) of in (pixels x in_c); out is int32 [pixels][out_c]. Packed by pack_qs8_conv1x1
// (its requantisation scales are not read). The __wasmsimd variant needs in_c >= 65 (the "c8" layout,
// qs8_gemm_uses_c8), the layers it exists for; the __scalar reference takes any in_c.
void qs8_conv1x1_acc32__scalar(const int8_t* in, size_t in_c, const void* packed, size_t out_c, int32_t* out,
                               size_t p0, size_t p1);
void qs8_conv1x1_acc32__wasmsimd(const int8_t* in, size_t in_c, const void* packed, size_t out_c, int32_t* out,
                                 size_t p0, size_t p1);

// ---- 3x3 stride-1 im2col with one pixel of padding (the folded dec1's 3x3 convolution as a GEMM) ----
// Rows [p0, p1) of the [h * w][9 * c] matrix whose row p = y * w + x holds the taps (ky, kx) in row-major
// order, each the c int8 values of input pixel (y + ky - 1, x + kx - 1), or c times zero_point (real 0)
// outside the input. in: h x w x c; out: the whole matrix (row p at out + p * 9 * c). Copies only: one
// variant.
void qs8_im2col3x3(const int8_t* in, size_t h, size_t w, size_t c, int8_t zero_point, int8_t* out, size_t p0,
                   size_t p1);

// ---- the sum of two int32 accumulators, each with its own fp32 scale, requantised ----
// out[p][n] = clamp(round_nearest_even(float(a[p][n]) * a_scale[n] + float(b[p][n]) * b_scale[n]) + zp):
// two fp32 products and one fp32 sum (in that order, none fused), clamped in float before rounding like
// qs8_requantize_fp32__scalar. a, b: int32 [pixels][n]; pixels [p0, p1). Tiny (one value per output):
// one variant.
void qs8_requantize2_fp32(const int32_t* a, const float* a_scale, const int32_t* b, const float* b_scale, size_t n,
                          int8_t* out, QS8Output params, size_t p0, size_t p1);

// ---- 3x3 depthwise convolution, stride 1 or 2, dilation 1, 2 or 4 (stride 2 only with dilation 1) ----
// Padding as the fp32 dwconv3x3 (TF "same": stride 1 pads `dilation` each side, stride 2 pads 0 before
// and 1 after); padded taps read in_zero_point (real 0). Packed: ceil(c / 8) blocks of 8 channels:
// 8 int32 biases (zero point folded in), 9 taps x 8 int8 weights, 8 fp32 scales. In bytes.
// weight: [c][3][3] (PyTorch [c, 1, 3, 3]); bias may be null; scale: [c].
size_t packed_qs8_dwconv3x3_size(size_t c);
void pack_qs8_dwconv3x3(size_t c, const int8_t* weight, const int32_t* bias, const float* requant_scale,
                        int8_t in_zero_point, void* packed);
void qs8_dwconv3x3_minmax_fp32__scalar(const int8_t* in, size_t in_h, size_t in_w, size_t c, size_t stride,
                                       size_t dilation, const void* packed, int8_t in_zero_point, int8_t* out,
                                       QS8Output params, size_t y0, size_t y1);
void qs8_dwconv3x3_minmax_fp32__wasmsimd(const int8_t* in, size_t in_h, size_t in_w, size_t c, size_t stride,
                                         size_t dilation, const void* packed, int8_t in_zero_point, int8_t* out,
                                         QS8Output params, size_t y0, size_t y1);

// ---- nearest 2x upsampling followed by the 3x3 depthwise convolution (stride 1, dilation 1) ----
// = dwconv3x3(up2x(in)) without the upsampled tensor; packed: pack_qs8_dwconv3x3's. in: h x w x c.
// Like the fp32 upsample2x_dwconv3x3, writes rows [y0, y1) of the 2h x 2w x c result consecutively from
// `out` (row y0 at out[0]: a band buffer).
void qs8_upsample2x_dwconv3x3_minmax_fp32__scalar(const int8_t* in, size_t h, size_t w, size_t c,
                                                  const void* packed, int8_t in_zero_point, int8_t* out,
                                                  QS8Output params, size_t y0, size_t y1);
void qs8_upsample2x_dwconv3x3_minmax_fp32__wasmsimd(const int8_t* in, size_t h, size_t w, size_t c,
                                                    const void* packed, int8_t in_zero_point, int8_t* out,
                                                    QS8Output params, size_t y0, size_t y1);

// ---- nearest 2x upsampling + skip addition, requantised (the decoder's skip connections) ----
// real out = a_scale * (up(a) - a_zp) + b_scale * (skip - b_zp) in out_scale / out.zero_point. XNNPACK's
// QS8 vadd arithmetic, all integer: the scale ratios to the output scale become fixed-point multipliers
// under one shift, acc = bias + a * a_mul + skip * b_mul (int32), out = clamp((acc >> shift) + zero_point)
// with the rounding (half up) in the bias. Exact integer arithmetic: optimised == scalar bit for bit.
// in: h x w x c, skip (not null) and out: 2h x 2w x c; rows are output rows.
struct QS8AddParams {
  int32_t bias;   // -(a_zp * a_mul + b_zp * b_mul) + 2^(shift - 1)
  int32_t a_mul;  // round(a_scale / out_scale * 2^shift), below 2^14 + 1
  int32_t b_mul;  // round(b_scale / out_scale * 2^shift)
  uint32_t shift;
  QS8Output out;
};
// The params for the scales and zero points above; the larger scale ratio (a or b scale / out_scale) must
// lie in [2^-10, 2^8) and every scale be positive: returns false otherwise.
bool qs8_add_params(float a_scale, int8_t a_zp, float b_scale, int8_t b_zp, float out_scale, QS8Output out,
                    QS8AddParams* params);
void qs8_upsample2x_add_minmax__scalar(const int8_t* in, size_t h, size_t w, size_t c, const int8_t* skip,
                                       int8_t* out, const QS8AddParams& params, size_t y0, size_t y1);
void qs8_upsample2x_add_minmax__wasmsimd(const int8_t* in, size_t h, size_t w, size_t c, const int8_t* skip,
                                         int8_t* out, const QS8AddParams& params, size_t y0, size_t y1);

}  // namespace hm
