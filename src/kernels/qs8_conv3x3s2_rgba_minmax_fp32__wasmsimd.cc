// The int8 network's first layer (qs8_io_kernels.h): 3x3 stride 2 on RGBA bytes as an int8 im2col of the
// 27 taps of each output pixel and 5 zeros followed by the 1x1 convolution's SIMD GEMM (K = 32: no K tail
// per tile; one output row at a time). The layer is ~1% of HairMatteNet's multiply-adds. The taps are in
// the input's byte order (qs8_conv0_tap), so each kernel row's 9 taps come from 12 consecutive bytes with
// one i8x16.swizzle (RGB of 3 pixels, alpha dropped) and an xor by 0x80 (p - 128). Output pixels whose taps
// reach past the right or bottom edge take the byte-wise path.
#include <algorithm>

#include "kernels/qs8_io_kernels.h"
#include "base/simd128.h"

namespace hm {
namespace {

// The 27 taps of output pixel ox of row oy and 5 zeros, byte by byte, padding (past the bottom or right
// edge) as 0.
void gather_pixel_bytewise(const uint8_t* rgba, size_t h, size_t w, size_t row_stride, size_t oy, size_t ox,
                           int8_t* taps) {
  for (size_t k = kQs8Conv0Taps; k < kQs8Conv0K; ++k) taps[k] = 0;
  for (size_t ky = 0; ky < 3; ++ky) {
    const size_t y = 2 * oy + ky;
    for (size_t kx = 0; kx < 3; ++kx) {
      const size_t x = 2 * ox + kx;
      const bool inside = y < h && x < w;  // padding only after (TF "same", stride 2)
      const uint8_t* p = inside ? rgba + y * row_stride + x * 4 : nullptr;
      for (size_t c = 0; c < 3; ++c) taps[qs8_conv0_tap(c, ky, kx)] = inside ? static_cast<int8_t>(int32_t{p[c]} - 128) : 0;
    }
  }
}

// The kQs8Conv0K taps of every output pixel of row oy into rows[ox * kQs8Conv0K ..].
void gather_row(const uint8_t* rgba, size_t h, size_t w, size_t row_stride, size_t oy, size_t out_w, int8_t* rows) {
  // Pixels 2 ox .. 2 ox + 2 of all three input rows inside the image: the swizzle path.
  const size_t simd_w = 2 * oy + 2 < h ? std::min(out_w, (w - 1) / 2) : 0;
  const v128_t rgb = wasm_i8x16_make(0, 1, 2, 4, 5, 6, 8, 9, 10, -1, -1, -1, -1, -1, -1, -1);
  const v128_t bias = wasm_i8x16_splat(-128);
  const uint8_t* row0 = rgba + 2 * oy * row_stride;
  for (size_t ox = 0; ox < simd_w; ++ox) {
    int8_t* taps = rows + ox * kQs8Conv0K;
    wasm_v128_store(taps + 16, wasm_i32x4_splat(0));  // bytes 16-31: the zeros 27-31 (16-26 follow)
    for (size_t ky = 0; ky < 3; ++ky) {
      const uint8_t* p = row0 + ky * row_stride + 2 * ox * 4;
      // Exactly the 12 bytes of the 3 pixels (two loads, so never past the row's last pixel).
      v128_t v = wasm_v128_load32_lane(p + 8, wasm_v128_load64_zero(p), 2);
      v = wasm_v128_xor(wasm_i8x16_swizzle(v, rgb), bias);
      wasm_v128_store64_lane(taps + ky * 9, v, 0);
      wasm_v128_store8_lane(taps + ky * 9 + 8, v, 8);
    }
  }
  for (size_t ox = simd_w; ox < out_w; ++ox)
    gather_pixel_bytewise(rgba, h, w, row_stride, oy, ox, rows + ox * kQs8Conv0K);
}

}  // namespace

void qs8_conv3x3s2_rgba_minmax_fp32__wasmsimd(const uint8_t* rgba, size_t h, size_t w, size_t row_stride,
                                              const void* packed, size_t out_c, int8_t* out, QS8Output params,
                                              int8_t* scratch, size_t y0, size_t y1) {
  const size_t out_w = (w + 1) / 2;
  for (size_t oy = y0; oy < y1; ++oy) {
    gather_row(rgba, h, w, row_stride, oy, out_w, scratch);
    qs8_conv1x1_minmax_fp32__wasmsimd(scratch, out_w, kQs8Conv0K, packed, out_c, out + oy * out_w * out_c,
                                      params, 0, 1);
  }
}

}  // namespace hm
