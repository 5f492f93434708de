// The packing of the int8 (QS8) operators' weights (qs8_kernels.h, qs8_io_kernels.h; layouts in
// qs8_layout.h): one layout per operator, read by both its __scalar and __wasmsimd variants, so a model is
// packed once whatever runs it. Also the operators' parameter helpers that are no variant.
#include <cmath>
#include <cstring>
#include <vector>

#include "kernels/qs8_io_kernels.h"
#include "kernels/qs8_kernels.h"
#include "kernels/qs8_layout.h"

namespace hm {

using kernels_internal::kQs8DwBlock;
using kernels_internal::kQs8DwBlockBytes;
using kernels_internal::kQs8GemmNr;
using kernels_internal::kQs8HeadHeader;
using kernels_internal::qs8_gemm_panel_bytes;
using kernels_internal::qs8_head_padded_c;

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
    uint8_t* weights = panel + kQs8GemmNr * sizeof(int32_t);
    const size_t weight_bytes = kernels_internal::qs8_gemm_weight_bytes(in_c);
    uint8_t* scales = panel + panel_bytes - kQs8GemmNr * sizeof(float);
    for (size_t j = 0; j < kQs8GemmNr && p * kQs8GemmNr + j < out_c; ++j) {
      const size_t n = p * kQs8GemmNr + j;
      int32_t sum = 0;
      for (size_t k = 0; k < in_c; ++k) {
        const int8_t wk = weight[n * in_c + k];
        uint8_t* to = weights + weight_bytes * kernels_internal::qs8_conv1x1_weight_index(k, j, in_c);
        if (weight_bytes == 1) {
          *to = static_cast<uint8_t>(wk);
        } else {
          const int16_t wide = wk;  // sign-extended for the 4x4c2s4 tile (qs8_gemm_microkernel.h)
          std::memcpy(to, &wide, sizeof wide);
        }
        sum += wk;
      }
      // The kernels multiply raw inputs q; sum (q - zp) w = sum q w - zp sum w.
      const int32_t b = (bias != nullptr ? bias[n] : 0) - int32_t{in_zero_point} * sum;
      std::memcpy(panel + j * sizeof(int32_t), &b, sizeof b);
      std::memcpy(scales + j * sizeof(float), &requant_scale[n], sizeof(float));
    }
  }
}

size_t packed_qs8_dwconv3x3_size(size_t c) { return (c + kQs8DwBlock - 1) / kQs8DwBlock * kQs8DwBlockBytes; }

void pack_qs8_dwconv3x3(size_t c, const int8_t* weight, const int32_t* bias, const float* requant_scale,
                        int8_t in_zero_point, void* packed) {
  auto* bytes = static_cast<uint8_t*>(packed);
  std::memset(bytes, 0, packed_qs8_dwconv3x3_size(c));
  for (size_t ch = 0; ch < c; ++ch) {
    uint8_t* block = bytes + ch / kQs8DwBlock * kQs8DwBlockBytes;
    const size_t lane = ch % kQs8DwBlock;
    int32_t sum = 0;
    for (size_t t = 0; t < 9; ++t) {
      block[kernels_internal::kQs8DwWeightsAt + t * kQs8DwBlock + lane] = static_cast<uint8_t>(weight[ch * 9 + t]);
      sum += weight[ch * 9 + t];
    }
    const int32_t b = (bias != nullptr ? bias[ch] : 0) - int32_t{in_zero_point} * sum;
    std::memcpy(block + lane * sizeof(int32_t), &b, sizeof b);
    std::memcpy(block + kernels_internal::kQs8DwScalesAt + lane * sizeof(float), &requant_scale[ch], sizeof(float));
  }
}

size_t packed_qs8_conv3x3s2_rgba_size(size_t out_c) { return packed_qs8_conv1x1_size(kQs8Conv0K, out_c); }

void pack_qs8_conv3x3s2_rgba(size_t out_c, const int8_t* weight, const int32_t* bias, const float* requant_scale,
                             void* packed) {
  // PyTorch's (c, ky, kx) order -> the taps' byte order (qs8_conv0_tap) and 5 zeros, then the 1x1 layout.
  std::vector<int8_t> taps(out_c * kQs8Conv0K, 0);
  for (size_t n = 0; n < out_c; ++n)
    for (size_t c = 0; c < 3; ++c)
      for (size_t ky = 0; ky < 3; ++ky)
        for (size_t kx = 0; kx < 3; ++kx)
          taps[n * kQs8Conv0K + qs8_conv0_tap(c, ky, kx)] = weight[n * kQs8Conv0Taps + c * 9 + ky * 3 + kx];
  pack_qs8_conv1x1(kQs8Conv0K, out_c, taps.data(), bias, requant_scale, 0, packed);
}

size_t qs8_conv3x3s2_rgba_scratch_bytes(size_t w) { return (w + 1) / 2 * kQs8Conv0K; }

size_t packed_qs8_conv1x1_softmax2_size(size_t c) {
  return kQs8HeadHeader + 2 * qs8_head_padded_c(c) * sizeof(int16_t);
}

void pack_qs8_conv1x1_softmax2(size_t c, const int8_t* weight, const int32_t* bias, const float* scale,
                               int8_t in_zero_point, void* packed) {
  auto* bytes = static_cast<uint8_t*>(packed);
  std::memset(bytes, 0, packed_qs8_conv1x1_softmax2_size(c));
  int32_t folded[2];
  for (int j = 0; j < 2; ++j) {
    int32_t sum = 0;
    auto* w16 = reinterpret_cast<int16_t*>(bytes + kQs8HeadHeader) + j * qs8_head_padded_c(c);
    for (size_t k = 0; k < c; ++k) {
      w16[k] = weight[j * c + k];
      sum += weight[j * c + k];
    }
    folded[j] = (bias != nullptr ? bias[j] : 0) - int32_t{in_zero_point} * sum;  // sum (q - zp) w
  }
  std::memcpy(bytes, folded, sizeof folded);
  std::memcpy(bytes + sizeof folded, scale, 2 * sizeof(float));
}

bool qs8_add_params(float a_scale, int8_t a_zp, float b_scale, int8_t b_zp, float out_scale, QS8Output out,
                    QS8AddParams* params) {
  if (!(a_scale > 0.0f && b_scale > 0.0f && out_scale > 0.0f)) return false;
  const double ra = static_cast<double>(a_scale) / out_scale, rb = static_cast<double>(b_scale) / out_scale;
  const double r_max = ra > rb ? ra : rb;
  if (!(r_max >= std::ldexp(1.0, -10) && r_max < std::ldexp(1.0, 8))) return false;
  int e;
  std::frexp(r_max, &e);  // r_max in [2^(e-1), 2^e)
  const int shift = 14 - e;  // r_max * 2^shift in [2^13, 2^14): multipliers at most 2^14 after rounding
  params->a_mul = static_cast<int32_t>(std::lround(std::ldexp(ra, shift)));
  params->b_mul = static_cast<int32_t>(std::lround(std::ldexp(rb, shift)));
  params->shift = static_cast<uint32_t>(shift);
  params->bias = -(int32_t{a_zp} * params->a_mul + int32_t{b_zp} * params->b_mul) + (int32_t{1} << (shift - 1));
  params->out = out;
  return true;
}

}  // namespace hm
