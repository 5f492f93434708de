// int8 1x1 convolution as a GEMM (qs8_kernels.h): C[M x N] = requant(A[M x K] * B[K x N] + bias) with
// M = pixels (NHWC rows are contiguous A rows, so A needs no packing), K = in_c, N = out_c.
//
// Packed weights: ceil(N / 4) panels (kernels/qs8_gemm_microkernel.h) of 4 int32 biases with the input
// zero point folded in (bias - in_zp * sum_k w), the weights in "c2s4" groups, and 4 fp32 scales. Layers
// with K <= 64 whose packed weights fit L1 (16 KiB: enc.pw1-2 and the decoder's K = 64 1x1s of HairMatteNet)
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
constexpr size_t kMr = 4;  // pixels per micro-kernel tile
// Layers up to this K and packed weight size take the loop order of small layers (see above).
constexpr size_t kSmallMaxK = 64;
constexpr size_t kSmallWeightBytes = 16 * 1024;

// Byte offset of weight (k, j) in a panel's weight area: blocks of 8 k, each 4 steps s of [4 channels][2 k];
// step s holds, for channel j, the k pair (j + s) mod 4 of the block (the micro-kernel rotates A by one
// pair per step).
size_t weight_offset(size_t k, size_t j) {
  const size_t blk = k / 8, pair = (k % 8) / 2;
  const size_t s = (pair + 4 - j) % 4;  // pair = (j + s) mod 4
  return blk * 32 + s * 8 + j * 2 + k % 2;
}

}  // namespace

size_t packed_qs8_conv1x1_size(size_t in_c, size_t out_c) {
  return (out_c + kQs8GemmNr - 1) / kQs8GemmNr * qs8_gemm_panel_bytes(in_c);
}

void pack_qs8_conv1x1(size_t in_c, size_t out_c, const int8_t* weight, const int32_t* bias,
                      const float* requant_scale, int8_t in_zero_point, void* packed) {
  const size_t panels = (out_c + kQs8GemmNr - 1) / kQs8GemmNr;
  const size_t panel_bytes = qs8_gemm_panel_bytes(in_c);
  auto* bytes = static_cast<uint8_t*>(packed);
  std::memset(bytes, 0, panels * panel_bytes);
  for (size_t p = 0; p < panels; ++p) {
    uint8_t* panel = bytes + p * panel_bytes;
    int8_t* weights = reinterpret_cast<int8_t*>(panel + kQs8GemmNr * sizeof(int32_t));
    uint8_t* scales = panel + panel_bytes - kQs8GemmNr * sizeof(float);
    for (size_t j = 0; j < kQs8GemmNr && p * kQs8GemmNr + j < out_c; ++j) {
      const size_t n = p * kQs8GemmNr + j;
      int32_t sum = 0;
      for (size_t k = 0; k < in_c; ++k) {
        weights[weight_offset(k, j)] = weight[n * in_c + k];
        sum += weight[n * in_c + k];
      }
      // The kernels multiply raw inputs q; sum (q - zp) w = sum q w - zp sum w.
      const int32_t b = (bias != nullptr ? bias[n] : 0) - int32_t{in_zero_point} * sum;
      std::memcpy(panel + j * sizeof(int32_t), &b, sizeof b);
      std::memcpy(scales + j * sizeof(float), &requant_scale[n], sizeof(float));
    }
  }
}

void qs8_conv1x1_scalar(const int8_t* in, size_t w, size_t in_c, const void* packed, size_t out_c,
                        int8_t* out, QS8Output params, size_t y0, size_t y1) {
  const auto* bytes = static_cast<const uint8_t*>(packed);
  const size_t panel_bytes = qs8_gemm_panel_bytes(in_c);
  for (size_t m = y0 * w; m < y1 * w; ++m) {
    const int8_t* a = in + m * in_c;
    for (size_t n = 0; n < out_c; ++n) {
      const uint8_t* panel = bytes + n / kQs8GemmNr * panel_bytes;
      const size_t j = n % kQs8GemmNr;
      const auto* weights = reinterpret_cast<const int8_t*>(panel + kQs8GemmNr * sizeof(int32_t));
      int32_t acc;
      float scale;
      std::memcpy(&acc, panel + j * sizeof(int32_t), sizeof acc);
      std::memcpy(&scale, panel + panel_bytes - (kQs8GemmNr - j) * sizeof(float), sizeof scale);
      for (size_t k = 0; k < in_c; ++k) acc += int32_t{a[k]} * int32_t{weights[weight_offset(k, j)]};
      out[m * out_c + n] = qs8_requantize_fp32(acc, scale, params);
    }
  }
}

void qs8_conv1x1(const int8_t* in, size_t w, size_t in_c, const void* packed, size_t out_c, int8_t* out,
                 QS8Output params, size_t y0, size_t y1) {
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
  for (size_t mb = m_begin; mb < m_end; mb += block_rows) {
    const size_t mb_end = std::min(m_end, mb + block_rows);
    for (size_t n = 0; n < out_c; n += kQs8GemmNr) {
      const uint8_t* panel = bytes + n / kQs8GemmNr * panel_bytes;
      const size_t nc = std::min(kQs8GemmNr, out_c - n);
      for (size_t m = mb; m < mb_end; m += kMr) {
        const size_t mr = std::min(kMr, mb_end - m);
        kernels_internal::qs8_gemm_minmax_fp32_ukernel_4x4c2s4__wasmsimd_dot16x2_ld64(
            mr, nc, in_c, in + m * in_c, in_c, panel, out + m * out_c + n, out_c, params);
      }
    }
  }
}

}  // namespace hm
