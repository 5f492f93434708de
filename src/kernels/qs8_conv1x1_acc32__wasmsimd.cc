// int8 1x1 convolution to int32 accumulators (qs8_kernels.h) as a GEMM, C[M x N] = A[M x K] * B[K x N] +
// bias with M = pixels, K = in_c >= 65 (the "c8" panels of the 2x4c8 micro-kernel, qs8_gemm_microkernel.h),
// N = out_c: the folded dec1's two halves (K = 4608 and 1024 to N = 24), summed by qs8_requantize2_fp32.
// Loops like qs8_conv1x1_minmax_fp32__wasmsimd's K > 64 branch: a block of A rows stays in L2 while it runs
// over one panel at a time.
#include <algorithm>

#include "kernels/qs8_gemm_microkernel.h"
#include "kernels/qs8_kernels.h"

namespace hm {

void qs8_conv1x1_acc32__wasmsimd(const int8_t* in, size_t in_c, const void* packed, size_t out_c, int32_t* out,
                                 size_t p0, size_t p1) {
  using kernels_internal::kQs8GemmNr;
  constexpr size_t kMr = 2;  // pixels per 2x4c8 tile
  const size_t panel_bytes = kernels_internal::qs8_gemm_panel_bytes(in_c);
  // A block of A rows of about 64 KiB (it stays in L2 while the panels stream), a multiple of the tile.
  const size_t block_rows = std::max<size_t>(kMr, 64 * 1024 / in_c / kMr * kMr);
  const auto* bytes = static_cast<const uint8_t*>(packed);
  for (size_t mb = p0; mb < p1; mb += block_rows) {
    const size_t mb_end = std::min(p1, mb + block_rows);
    for (size_t n = 0; n < out_c; n += kQs8GemmNr)
      kernels_internal::qs8_gemm_acc32_ukernel_2x4c8__wasmsimd_dot16x2_ld64_rows(
          mb_end - mb, std::min(kQs8GemmNr, out_c - n), in_c, in + mb * in_c, in_c,
          bytes + n / kQs8GemmNr * panel_bytes, out + mb * out_c + n, out_c);
  }
}

}  // namespace hm
