// int8 GEMM micro-kernel, XNNPACK's QS8 2x4c8 "dot16x2" scheme for wasm SIMD128: a 2x4 tile of C in eight
// i32x4 accumulators, one per (row, channel). Per 8 k it loads 8 int8 of each A row and of each of the 4
// channels sign-extended to i16x8 (v128.load8x8_s) and adds i32x4.dot_i16x8_s of each (row, channel) pair
// to its accumulator: 8 dot + 8 add + 6 widening loads for 64 multiply-adds, no shuffle in the loop (the
// 4x4c2s4 tile needs 12 i32x4 shuffles per 128). The four lanes of each accumulator are summed once per
// tile. Eight accumulators, two A rows and the weights stay in V8's 15 allocatable x64 SIMD registers;
// 3x4 and 4x4 c8 tiles do not and run 20-30% slower (measured in wasm, Node 20).
// Two entry points share the tile's loop (tile_2x4_sums): the requantised one (minmax_fp32) and the one that
// stores the int32 sums (acc32, the folded dec1's halves, which are summed before one requantisation).
#include <cstring>

#include "kernels/qs8_gemm_microkernel.h"
#include "kernels/qs8_requantize.h"
#include "base/simd128.h"

namespace hm {
namespace kernels_internal {

namespace {

// Lane j = the sum of the four lanes of vj.
inline v128_t sum_lanes4(v128_t v0, v128_t v1, v128_t v2, v128_t v3) {
  const v128_t v01 = wasm_i32x4_add(wasm_i32x4_shuffle(v0, v1, 0, 4, 1, 5), wasm_i32x4_shuffle(v0, v1, 2, 6, 3, 7));
  const v128_t v23 = wasm_i32x4_add(wasm_i32x4_shuffle(v2, v3, 0, 4, 1, 5), wasm_i32x4_shuffle(v2, v3, 2, 6, 3, 7));
  return wasm_i32x4_add(wasm_i32x4_shuffle(v01, v23, 0, 1, 4, 5), wasm_i32x4_shuffle(v01, v23, 2, 3, 6, 7));
}

// The int32 sums of one 2x4 tile, bias included: lane j of row0 / row1 = bias[j] + A row a0 / a1 times
// channel j of the panel at w. a1 == a0 for a single row. scales: the panel's fp32 scales (after the weights).
struct Tile2x4Sums {
  v128_t row0, row1;
  const int8_t* scales;
};

inline Tile2x4Sums tile_2x4_sums(const int8_t* a0, const int8_t* a1, size_t kc, const int8_t* w) {
  const int8_t* wp = w;
  const v128_t vbias = wasm_v128_load(wp);
  wp += 16;

  v128_t acc00 = wasm_i32x4_splat(0), acc01 = acc00, acc02 = acc00, acc03 = acc00;
  v128_t acc10 = acc00, acc11 = acc00, acc12 = acc00, acc13 = acc00;
  size_t k = kc;
  const auto step = [&](v128_t va0, v128_t va1) {
    const v128_t vb0 = wasm_i16x8_load8x8(wp);
    acc00 = wasm_i32x4_add(acc00, wasm_i32x4_dot_i16x8(va0, vb0));
    acc10 = wasm_i32x4_add(acc10, wasm_i32x4_dot_i16x8(va1, vb0));
    const v128_t vb1 = wasm_i16x8_load8x8(wp + 8);
    acc01 = wasm_i32x4_add(acc01, wasm_i32x4_dot_i16x8(va0, vb1));
    acc11 = wasm_i32x4_add(acc11, wasm_i32x4_dot_i16x8(va1, vb1));
    const v128_t vb2 = wasm_i16x8_load8x8(wp + 16);
    acc02 = wasm_i32x4_add(acc02, wasm_i32x4_dot_i16x8(va0, vb2));
    acc12 = wasm_i32x4_add(acc12, wasm_i32x4_dot_i16x8(va1, vb2));
    const v128_t vb3 = wasm_i16x8_load8x8(wp + 24);
    acc03 = wasm_i32x4_add(acc03, wasm_i32x4_dot_i16x8(va0, vb3));
    acc13 = wasm_i32x4_add(acc13, wasm_i32x4_dot_i16x8(va1, vb3));
    wp += 32;
  };
  for (; k >= 8; k -= 8) {
    const v128_t va0 = wasm_i16x8_load8x8(a0);
    const v128_t va1 = wasm_i16x8_load8x8(a1);
    a0 += 8;
    a1 += 8;
    step(va0, va1);
  }
  if (k != 0) {
    // The last k % 8 inputs: copied into zeroed 8-byte blocks so that no A row is read past its end (the
    // packed weights past kc are zero, so the padding adds nothing).
    int8_t tail[2][8] = {};
    std::memcpy(tail[0], a0, k);
    std::memcpy(tail[1], a1, k);
    step(wasm_i16x8_load8x8(tail[0]), wasm_i16x8_load8x8(tail[1]));
  }
  return {wasm_i32x4_add(sum_lanes4(acc00, acc01, acc02, acc03), vbias),
          wasm_i32x4_add(sum_lanes4(acc10, acc11, acc12, acc13), vbias), wp};
}

// One 2x4 tile requantised into rows c0, c1 (nc columns). c1 == c0 for a single row (a1 == a0): computed
// and stored twice, identical values, as in XNNPACK.
inline void tile_2x4(const int8_t* a0, const int8_t* a1, size_t kc, const int8_t* w, int8_t* c0, int8_t* c1,
                     size_t nc, const Qs8RequantConstants& kq) {
  const Tile2x4Sums sums = tile_2x4_sums(a0, a1, kc, w);
  const v128_t vscale = wasm_v128_load(sums.scales);
  const v128_t row0 = qs8_fmagic(wasm_f32x4_mul(wasm_f32x4_convert_i32x4(sums.row0), vscale), kq);
  const v128_t row1 = qs8_fmagic(wasm_f32x4_mul(wasm_f32x4_convert_i32x4(sums.row1), vscale), kq);
  const v128_t v = qs8_pack16(row0, row1, row1, row1, kq);  // bytes 0-3: row 0, 4-7: row 1
  // Row 1 first: with mr = 1 it aliases row 0 and holds the same values.
  qs8_store_row4(c1, nc, wasm_i32x4_shuffle(v, v, 1, 1, 1, 1));
  qs8_store_row4(c0, nc, v);
}

// The first nc (1..4) int32 lanes of v at c, nothing past them.
inline void store_acc32_row4(int32_t* c, size_t nc, v128_t v) {
  if (nc == 4) {
    wasm_v128_store(c, v);
    return;
  }
  if (nc & 2) {
    wasm_v128_store64_lane(c, v, 0);
    v = wasm_i64x2_shuffle(v, v, 1, 1);
    c += 2;
  }
  if (nc & 1) wasm_v128_store32_lane(c, v, 0);
}

}  // namespace

void qs8_gemm_minmax_fp32_ukernel_2x4c8__wasmsimd_dot16x2_ld64_rows(size_t m, size_t nc, size_t kc, const int8_t* a,
                                                                size_t a_stride, const void* w, int8_t* c,
                                                                size_t c_stride, QS8Output out) {
  const Qs8RequantConstants kq(out);
  const int8_t* wp = static_cast<const int8_t*>(w);
  for (; m >= 2; m -= 2) {
    tile_2x4(a, a + a_stride, kc, wp, c, c + c_stride, nc, kq);
    a += 2 * a_stride;
    c += 2 * c_stride;
  }
  if (m != 0) tile_2x4(a, a, kc, wp, c, c, nc, kq);
}

void qs8_gemm_acc32_ukernel_2x4c8__wasmsimd_dot16x2_ld64_rows(size_t m, size_t nc, size_t kc, const int8_t* a,
                                                              size_t a_stride, const void* w, int32_t* c,
                                                              size_t c_stride) {
  const int8_t* wp = static_cast<const int8_t*>(w);
  for (; m >= 2; m -= 2) {
    const Tile2x4Sums sums = tile_2x4_sums(a, a + a_stride, kc, wp);
    store_acc32_row4(c, nc, sums.row0);
    store_acc32_row4(c + c_stride, nc, sums.row1);
    a += 2 * a_stride;
    c += 2 * c_stride;
  }
  if (m != 0) store_acc32_row4(c, nc, tile_2x4_sums(a, a, kc, wp).row0);
}

}  // namespace kernels_internal
}  // namespace hm
