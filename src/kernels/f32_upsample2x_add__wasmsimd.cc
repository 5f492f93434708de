// Nearest 2x upsampling fused with the decoder's skip addition, wasm SIMD128:
//   out[y][x][ch] = in[y / 2][x / 2][ch] + skip[y][x][ch]   (skip may be null: no addition).
// Rows [y0, y1) are output rows; each input pixel is loaded once per output row and written twice.
#include "kernels/kernels.h"
#include "base/simd128.h"

namespace hm {
namespace {

// One input pixel to two adjacent output pixels, o0 and o1 = o0 + c (and s0, s1 likewise).
void f32_upsample2x_add_pixel__wasmsimd(const float* src, size_t c, const float* s0, float* o0) {
  const float* s1 = s0 + c;
  float* o1 = o0 + c;
  size_t ch = 0;
  for (; ch + 4 <= c; ch += 4) {
    const v128_t v = wasm_v128_load(src + ch);
    wasm_v128_store(o0 + ch, wasm_f32x4_add(v, wasm_v128_load(s0 + ch)));
    wasm_v128_store(o1 + ch, wasm_f32x4_add(v, wasm_v128_load(s1 + ch)));
  }
  for (; ch < c; ++ch) {
    o0[ch] = src[ch] + s0[ch];
    o1[ch] = src[ch] + s1[ch];
  }
}

void f32_upsample2x_pixel__wasmsimd(const float* src, size_t c, float* o0) {
  float* o1 = o0 + c;
  size_t ch = 0;
  for (; ch + 4 <= c; ch += 4) {
    const v128_t v = wasm_v128_load(src + ch);
    wasm_v128_store(o0 + ch, v);
    wasm_v128_store(o1 + ch, v);
  }
  for (; ch < c; ++ch) o0[ch] = o1[ch] = src[ch];
}

}  // namespace

void f32_upsample2x_add__wasmsimd(const float* in, size_t h, size_t w, size_t c, const float* skip, float* out,
                                  size_t y0, size_t y1) {
  (void)h;
  const size_t out_w = 2 * w;
  for (size_t y = y0; y < y1; ++y) {
    const float* src_row = in + (y / 2) * w * c;
    float* out_row = out + y * out_w * c;
    if (skip != nullptr) {
      const float* skip_row = skip + y * out_w * c;
      for (size_t x = 0; x < w; ++x)
        f32_upsample2x_add_pixel__wasmsimd(src_row + x * c, c, skip_row + 2 * x * c, out_row + 2 * x * c);
    } else {
      for (size_t x = 0; x < w; ++x)
        f32_upsample2x_pixel__wasmsimd(src_row + x * c, c, out_row + 2 * x * c);
    }
  }
}

}  // namespace hm
