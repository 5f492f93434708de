// int8 GEMM micro-kernel, XNNPACK's QS8 4x4c2s4 "dot16x2" scheme for wasm SIMD128: a 4x4 tile of C in four
// i32x4 accumulators. Per 8 k it loads 8 int8 of each A row sign-extended to i16x8 (v128.load8x8_s: four
// k pairs, one per i32 lane) and four weight groups of 4 channels x 2 k, packed already sign-extended to
// int16 (plain v128.load), and multiplies-adds pairs with i32x4.dot_i16x8_s. "s4": instead of broadcasting each k pair of A to all
// lanes (4 shuffles per row), A is rotated by one lane between the 4 steps (3 shuffles) and the packing
// puts channel j's weights for k pair (j + s) mod 4 in lane j of step s. 16 dot = 128 MACs per 8 k.
// Measured against the broadcast "c2" layout (same run, interleaved): 1.47-1.50x of fp32 against 1.35-1.41x.
// The fp32 requantisation uses the "fmagic" rounding (kernels/qs8_requantize.h).
#include <cstring>

#include "kernels/qs8_gemm_microkernel.h"
#include "kernels/qs8_requantize.h"
#include "base/simd128.h"

namespace hm {
namespace kernels_internal {

namespace {

inline v128_t dot_pairs(v128_t acc, v128_t va, v128_t vb0, v128_t vb1, v128_t vb2, v128_t vb3) {
  acc = wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(va, vb0));
  va = wasm_i32x4_shuffle(va, va, 1, 2, 3, 0);
  acc = wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(va, vb1));
  va = wasm_i32x4_shuffle(va, va, 1, 2, 3, 0);
  acc = wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(va, vb2));
  va = wasm_i32x4_shuffle(va, va, 1, 2, 3, 0);
  acc = wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(va, vb3));
  return acc;
}

// One 4x4 tile of C: rows a0..a3 of A times the panel at wp (returned past it), requantised; bytes 0-3 are
// row 0, 4-7 row 1, ...
inline v128_t tile_4x4(const int8_t* a0, const int8_t* a1, const int8_t* a2, const int8_t* a3, size_t kc,
                       const int8_t** w, QS8Output out) {
  const int8_t* wp = *w;
  v128_t acc0 = wasm_v128_load(wp);
  v128_t acc1 = acc0, acc2 = acc0, acc3 = acc0;
  wp += 16;

  size_t k = kc;
  for (; k >= 8; k -= 8) {
    const v128_t va0 = wasm_i16x8_load8x8(a0);
    const v128_t va1 = wasm_i16x8_load8x8(a1);
    const v128_t va2 = wasm_i16x8_load8x8(a2);
    const v128_t va3 = wasm_i16x8_load8x8(a3);
    a0 += 8;
    a1 += 8;
    a2 += 8;
    a3 += 8;
    const v128_t vb0 = wasm_v128_load(wp);
    const v128_t vb1 = wasm_v128_load(wp + 16);
    const v128_t vb2 = wasm_v128_load(wp + 32);
    const v128_t vb3 = wasm_v128_load(wp + 48);
    wp += 64;
    acc0 = dot_pairs(acc0, va0, vb0, vb1, vb2, vb3);
    acc1 = dot_pairs(acc1, va1, vb0, vb1, vb2, vb3);
    acc2 = dot_pairs(acc2, va2, vb0, vb1, vb2, vb3);
    acc3 = dot_pairs(acc3, va3, vb0, vb1, vb2, vb3);
  }
  if (k != 0) {
    // The last k % 8 inputs: copied into zeroed 8-byte blocks so that no A row is read past its end
    // (the packed weights past kc are zero, so the padding adds nothing).
    int8_t tail[4][8] = {};
    std::memcpy(tail[0], a0, k);
    std::memcpy(tail[1], a1, k);
    std::memcpy(tail[2], a2, k);
    std::memcpy(tail[3], a3, k);
    const v128_t vb0 = wasm_v128_load(wp);
    const v128_t vb1 = wasm_v128_load(wp + 16);
    const v128_t vb2 = wasm_v128_load(wp + 32);
    const v128_t vb3 = wasm_v128_load(wp + 48);
    wp += 64;
    acc0 = dot_pairs(acc0, wasm_i16x8_load8x8(tail[0]), vb0, vb1, vb2, vb3);
    acc1 = dot_pairs(acc1, wasm_i16x8_load8x8(tail[1]), vb0, vb1, vb2, vb3);
    acc2 = dot_pairs(acc2, wasm_i16x8_load8x8(tail[2]), vb0, vb1, vb2, vb3);
    acc3 = dot_pairs(acc3, wasm_i16x8_load8x8(tail[3]), vb0, vb1, vb2, vb3);
  }

  const Qs8RequantConstants kq(out);
  const v128_t vscale = wasm_v128_load(wp);
  *w = wp + 16;
  acc0 = qs8_fmagic(wasm_f32x4_mul(wasm_f32x4_convert_i32x4(acc0), vscale), kq);
  acc1 = qs8_fmagic(wasm_f32x4_mul(wasm_f32x4_convert_i32x4(acc1), vscale), kq);
  acc2 = qs8_fmagic(wasm_f32x4_mul(wasm_f32x4_convert_i32x4(acc2), vscale), kq);
  acc3 = qs8_fmagic(wasm_f32x4_mul(wasm_f32x4_convert_i32x4(acc3), vscale), kq);
  return qs8_pack16(acc0, acc1, acc2, acc3, kq);
}

// The first nc (1..4) columns of a tile into rows c0..c3, highest row first: aliased rows (mr < 4) then end
// with the lowest row's identical values.
inline void store_tile(int8_t* c0, int8_t* c1, int8_t* c2, int8_t* c3, size_t nc, v128_t v) {
  qs8_store_row4(c3, nc, wasm_i32x4_shuffle(v, v, 3, 3, 3, 3));
  qs8_store_row4(c2, nc, wasm_i32x4_shuffle(v, v, 2, 2, 2, 2));
  qs8_store_row4(c1, nc, wasm_i32x4_shuffle(v, v, 1, 1, 1, 1));
  qs8_store_row4(c0, nc, v);
}

}  // namespace

void qs8_gemm_minmax_fp32_ukernel_4x4c2s4__wasmsimd_dot16x2_ld64(size_t mr, size_t nc, size_t kc,
                                                             const int8_t* a, size_t a_stride, const void* w,
                                                             int8_t* c, size_t c_stride, QS8Output out) {
  // Rows past mr alias the previous one (computed and stored twice, identical values), as in XNNPACK.
  const int8_t* a1 = mr > 1 ? a + a_stride : a;
  const int8_t* a2 = mr > 2 ? a1 + a_stride : a1;
  const int8_t* a3 = mr > 3 ? a2 + a_stride : a2;
  int8_t* c1 = mr > 1 ? c + c_stride : c;
  int8_t* c2 = mr > 2 ? c1 + c_stride : c1;
  int8_t* c3 = mr > 3 ? c2 + c_stride : c2;
  const int8_t* wp = static_cast<const int8_t*>(w);
  store_tile(c, c1, c2, c3, nc, tile_4x4(a, a1, a2, a3, kc, &wp, out));
}

void qs8_gemm_minmax_fp32_ukernel_4x4c2s4__wasmsimd_dot16x2_ld64_panels(size_t mr, size_t nc, size_t kc,
                                                                    const int8_t* a, size_t a_stride,
                                                                    const void* w, int8_t* c, size_t c_stride,
                                                                    QS8Output out) {
  const int8_t* a1 = mr > 1 ? a + a_stride : a;
  const int8_t* a2 = mr > 2 ? a1 + a_stride : a1;
  const int8_t* a3 = mr > 3 ? a2 + a_stride : a2;
  int8_t* c0 = c;
  int8_t* c1 = mr > 1 ? c0 + c_stride : c0;
  int8_t* c2 = mr > 2 ? c1 + c_stride : c1;
  int8_t* c3 = mr > 3 ? c2 + c_stride : c2;
  const int8_t* wp = static_cast<const int8_t*>(w);
  for (; nc > 4; nc -= 4) {
    store_tile(c0, c1, c2, c3, 4, tile_4x4(a, a1, a2, a3, kc, &wp, out));
    c0 += 4;
    c1 += 4;
    c2 += 4;
    c3 += 4;
  }
  store_tile(c0, c1, c2, c3, nc, tile_4x4(a, a1, a2, a3, kc, &wp, out));
}

}  // namespace kernels_internal
}  // namespace hm
