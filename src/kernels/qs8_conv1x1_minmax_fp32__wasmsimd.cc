// int8 1x1 convolution as a GEMM (qs8_kernels.h): C[M x N] = requant(A[M x K] * B[K x N] + bias) with
// M = pixels (NHWC rows are contiguous A rows, so A needs no packing), K = in_c, N = out_c.
//
// Packed weights: ceil(N / 4) panels (kernels/qs8_gemm_microkernel.h) of 4 int32 biases with the input
// zero point folded in (bias - in_zp * sum_k w), the weights in "c2s4" (K <= 64) or "c8" blocks (K > 64,
// the 2x4c8 micro-kernel: qs8_gemm_uses_c8), and 4 fp32 scales. Layers
// with K <= 64 whose packed weights fit L1 (32 KiB: enc.pw1-2 and the decoder's K = 64 1x1s of HairMatteNet)
// run tile by tile, one micro-kernel call per 4 pixels over all panels, which amortises the per-call work
// over out_c / 4 panels (measured 1.04-1.11x on those layers; 0.93x on K = 128, so only there). Others block
// pixels like the fp32 conv1x1 so that a block of A stays in L2 while it runs over one panel at a time.
#include <algorithm>
#include <cstring>

#include "kernels/qs8_gemm_microkernel.h"
#include "kernels/qs8_kernels.h"

namespace hm {
namespace {

using kernels_internal::kQs8GemmNr;
using kernels_internal::qs8_gemm_panel_bytes;
constexpr size_t kMr = 4;    // pixels per 4x4c2s4 tile
// Layers up to this K and packed weight size take the loop order of small layers (see above).
constexpr size_t kSmallMaxK = 64;
constexpr size_t kSmallWeightBytes = 32 * 1024;
static_assert(kSmallMaxK < kernels_internal::kQs8GemmC8MinKc, "the small-layer loop runs the 4x4c2s4 tile only");

}  // namespace

void qs8_conv1x1_minmax_fp32__wasmsimd(const int8_t* in, size_t w, size_t in_c, const void* packed, size_t out_c,
                                       int8_t* out, QS8Output params, size_t y0, size_t y1) {
  const size_t m_begin = y0 * w, m_end = y1 * w;
  const size_t panel_bytes = qs8_gemm_panel_bytes(in_c);
  // A block of A rows of about 64 KiB (it stays in L2 while the panels stream), a multiple of the tile.
  const size_t block_rows = std::max<size_t>(kMr, 64 * 1024 / std::max<size_t>(in_c, 1) / kMr * kMr);
  const auto* bytes = static_cast<const uint8_t*>(packed);
  const size_t panels = (out_c + kQs8GemmNr - 1) / kQs8GemmNr;
  if (in_c <= kSmallMaxK && panels * panel_bytes <= kSmallWeightBytes) {
    // All the weights stay in L1: each tile of kMr pixels runs over every panel while its A rows are in L1,
    // and writes whole output rows.
    for (size_t m = m_begin; m < m_end; m += kMr)
      kernels_internal::qs8_gemm_minmax_fp32_ukernel_4x4c2s4__wasmsimd_dot16x2_ld64_panels(
          std::min(kMr, m_end - m), out_c, in_c, in + m * in_c, in_c, bytes, out + m * out_c, out_c, params);
    return;
  }
  const bool c8 = kernels_internal::qs8_gemm_uses_c8(in_c);
  for (size_t mb = m_begin; mb < m_end; mb += block_rows) {
    const size_t mb_end = std::min(m_end, mb + block_rows);
    for (size_t n = 0; n < out_c; n += kQs8GemmNr) {
      const uint8_t* panel = bytes + n / kQs8GemmNr * panel_bytes;
      const size_t nc = std::min(kQs8GemmNr, out_c - n);
      if (c8) {
        kernels_internal::qs8_gemm_minmax_fp32_ukernel_2x4c8__wasmsimd_dot16x2_ld64_rows(
            mb_end - mb, nc, in_c, in + mb * in_c, in_c, panel, out + mb * out_c + n, out_c, params);
        continue;
      }
      for (size_t m = mb; m < mb_end; m += kMr) {
        const size_t mr = std::min(kMr, mb_end - m);
        kernels_internal::qs8_gemm_minmax_fp32_ukernel_4x4c2s4__wasmsimd_dot16x2_ld64(
            mr, nc, in_c, in + m * in_c, in_c, panel, out + m * out_c + n, out_c, params);
      }
    }
  }
}

}  // namespace hm
