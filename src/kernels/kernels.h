// Operator-level kernels of the hair networks, NHWC float32, batch 1, named in XNNPACK's manner:
//
//   datatype_op[_shape]_activation__isa      e.g. f32_dwconv3x3_minmax__wasmsimd
//
// datatype: f32 (float tensors); op and shape: what it computes (dwconv3x3, conv1x1, upsample2x_add...);
// minmax: the output clamp is fused (Clamp below); isa: `scalar` (plain C++, the readable reference the
// tests trust) or `wasmsimd` (wasm SIMD128 intrinsics: <wasm_simd128.h> under Emscripten, SIMDe's
// <simde/wasm/simd128.h> natively, so the same source runs under sanitizers). Each variant lives in a file
// of its own name (f32_dwconv3x3_minmax__wasmsimd.cc); the variants of one operator have the same
// signature and agree to float rounding (tests/native/kernels_test.cc, tests/wasm/kernels_check.cc).
//
// Nothing outside src/kernels and the tests calls a variant by name: the engine calls through the build's
// table, kF32Kernels (kernels/kernel_table.h), which picks the variants at build time.
//
// Every operator computes only output rows [y0, y1) so that a thread pool can split a layer by rows and
// a fused schedule can compute a band of rows at a time. Nothing here allocates; nothing here knows about
// models, files or JavaScript.
//
// Padding is TF "same": stride 1 pads `dilation` on each side; stride 2 pads 0 before and 1 after.
#pragma once
#include <cstddef>
#include <cstdint>

namespace hm {

// Output clamp fused into each convolution: ReLU6 = {0, 6}, ReLU = {0, +inf}, none = {-inf, +inf}.
struct Clamp {
  float min;
  float max;
};

// ---- 3x3 stride-2 convolution on the RGB(A) uint8 input, normalisation x / 127.5 - 1 folded in ----
// Packed weights: produced by pack_conv3x3s2_rgb from PyTorch [out_c, 3, 3, 3] weights and [out_c] bias.
size_t packed_conv3x3s2_rgb_size(size_t out_c);  // in floats
void pack_conv3x3s2_rgb(size_t out_c, const float* weight_oihw, const float* bias, float* packed);
// in: in_h x in_w pixels of 4 bytes (RGBA, A ignored), rows `in_row_stride` bytes apart.
// out: out_h x out_w x out_c with out_h = ceil(in_h / 2), out_w = ceil(in_w / 2).
using F32Conv3x3s2RgbFn = void (*)(const uint8_t* in, size_t in_h, size_t in_w, size_t in_row_stride,
                                   const float* packed, size_t out_c, float* out, Clamp clamp, size_t y0,
                                   size_t y1);
void f32_conv3x3s2_rgb_minmax__scalar(const uint8_t* in, size_t in_h, size_t in_w, size_t in_row_stride,
                                      const float* packed, size_t out_c, float* out, Clamp clamp, size_t y0,
                                      size_t y1);
void f32_conv3x3s2_rgb_minmax__wasmsimd(const uint8_t* in, size_t in_h, size_t in_w, size_t in_row_stride,
                                        const float* packed, size_t out_c, float* out, Clamp clamp, size_t y0,
                                        size_t y1);

// ---- 3x3 depthwise convolution, stride 1 or 2, dilation 1, 2 or 4 (stride 2 only with dilation 1) ----
// Packed: from PyTorch [c, 1, 3, 3] weights and [c] bias.
size_t packed_dwconv3x3_size(size_t c);
void pack_dwconv3x3(size_t c, const float* weight, const float* bias, float* packed);
// in: in_h x in_w x c; out: out_h x out_w x c, out = ceil(in / stride).
using F32Dwconv3x3Fn = void (*)(const float* in, size_t in_h, size_t in_w, size_t c, size_t stride,
                                size_t dilation, const float* packed, float* out, Clamp clamp, size_t y0,
                                size_t y1);
void f32_dwconv3x3_minmax__scalar(const float* in, size_t in_h, size_t in_w, size_t c, size_t stride,
                                  size_t dilation, const float* packed, float* out, Clamp clamp, size_t y0,
                                  size_t y1);
void f32_dwconv3x3_minmax__wasmsimd(const float* in, size_t in_h, size_t in_w, size_t c, size_t stride,
                                    size_t dilation, const float* packed, float* out, Clamp clamp, size_t y0,
                                    size_t y1);

// ---- 1x1 convolution = GEMM [pixels x in_c] * [in_c x out_c] + bias, clamped ----
// Packed: from PyTorch [out_c, in_c, 1, 1] weights and [out_c] bias, in panels for the micro-kernel.
size_t packed_conv1x1_size(size_t in_c, size_t out_c);
void pack_conv1x1(size_t in_c, size_t out_c, const float* weight, const float* bias, float* packed);
// in: an h x w x in_c tensor, out: h x w x out_c; computes rows [y0, y1), i.e. pixels y0*w .. y1*w.
using F32Conv1x1Fn = void (*)(const float* in, size_t w, size_t in_c, const float* packed, size_t out_c,
                              float* out, Clamp clamp, size_t y0, size_t y1);
void f32_conv1x1_minmax__scalar(const float* in, size_t w, size_t in_c, const float* packed, size_t out_c,
                                float* out, Clamp clamp, size_t y0, size_t y1);
void f32_conv1x1_minmax__wasmsimd(const float* in, size_t w, size_t in_c, const float* packed, size_t out_c,
                                  float* out, Clamp clamp, size_t y0, size_t y1);
// f32_conv1x1_minmax__wasmsimd streams every weight panel once per block of this many pixels (a multiple of
// the micro-kernel's 2 rows). A caller splitting the pixels across threads uses chunks of a multiple of it
// where it can, so that the split streams the weights no more often than one call over all pixels would.
size_t conv1x1_block_pixels(size_t in_c);

// ---- nearest 2x upsampling, optionally fused with the addition of a skip tensor ----
// in: h x w x c; out and skip (may be null): 2h x 2w x c; out = up(in) + skip. Rows are output rows.
using F32Upsample2xAddFn = void (*)(const float* in, size_t h, size_t w, size_t c, const float* skip,
                                    float* out, size_t y0, size_t y1);
void f32_upsample2x_add__scalar(const float* in, size_t h, size_t w, size_t c, const float* skip, float* out,
                                size_t y0, size_t y1);
void f32_upsample2x_add__wasmsimd(const float* in, size_t h, size_t w, size_t c, const float* skip, float* out,
                                  size_t y0, size_t y1);

// ---- nearest 2x upsampling followed by the 3x3 depthwise convolution (stride 1, dilation 1) ----
// = dwconv3x3(upsample2x_add(in, no skip)) without the upsampled tensor (the decoder stages that have no
// skip). in: h x w x c; packed: pack_dwconv3x3's. Writes rows [y0, y1) of the 2h x 2w x c result
// consecutively from `out` (row y0 at out[0]: a band buffer), unlike the operators above.
using F32Upsample2xDwconv3x3Fn = void (*)(const float* in, size_t h, size_t w, size_t c, const float* packed,
                                          float* out, Clamp clamp, size_t y0, size_t y1);
void f32_upsample2x_dwconv3x3_minmax__scalar(const float* in, size_t h, size_t w, size_t c, const float* packed,
                                             float* out, Clamp clamp, size_t y0, size_t y1);
void f32_upsample2x_dwconv3x3_minmax__wasmsimd(const float* in, size_t h, size_t w, size_t c,
                                               const float* packed, float* out, Clamp clamp, size_t y0,
                                               size_t y1);

// ---- 3x3 "same" convolution rows for a GEMM (im2col), with validity flags ----
// Pure data movement (memcpy and fills), so one variant, plain C++. Each output pixel's row of
// im2col3x3_row_floats(prefix_c, c) floats: prefix[pixel] (prefix_c floats, prefix may be null when
// prefix_c is 0), in's 9 neighbours (ky, kx = -1..1 row-major; zeros outside), 9 flags (1 inside, 0
// outside), zeros to a multiple of 4. in: h x w x c. Writes rows [y0, y1) of the h x w x row result
// consecutively from `out` (row y0 at out[0]: a band buffer), like upsample2x_dwconv3x3.
size_t im2col3x3_row_floats(size_t prefix_c, size_t c);
using F32Im2col3x3Fn = void (*)(const float* prefix, size_t prefix_c, const float* in, size_t h, size_t w,
                                size_t c, float* out, size_t y0, size_t y1);
void f32_im2col3x3__scalar(const float* prefix, size_t prefix_c, const float* in, size_t h, size_t w, size_t c,
                           float* out, size_t y0, size_t y1);

// ---- final 1x1 convolution to 2 channels with the 2-way softmax fused: hair probability ----
// Packed: from PyTorch [2, c, 1, 1] weights and [2] bias. out: h x w floats, P(hair) = 1/(1+exp(z0-z1)).
size_t packed_conv1x1_softmax2_size(size_t c);
void pack_conv1x1_softmax2(size_t c, const float* weight, const float* bias, float* packed);
using F32Conv1x1Softmax2Fn = void (*)(const float* in, size_t w, size_t c, const float* packed, float* out,
                                      size_t y0, size_t y1);
void f32_conv1x1_softmax2__scalar(const float* in, size_t w, size_t c, const float* packed, float* out,
                                  size_t y0, size_t y1);
void f32_conv1x1_softmax2__wasmsimd(const float* in, size_t w, size_t c, const float* packed, float* out,
                                    size_t y0, size_t y1);

}  // namespace hm
