// int8 (QS8) nearest 2x upsampling followed by the 3x3 depthwise convolution (stride 1, dilation 1),
// without the upsampled tensor (qs8_kernels.h; the decoder's last stage, which has no skip).
//
// Output (oy, ox) of the 2h x 2w result, tap (ky, kx): upsampled coordinate (oy - 1 + ky, ox - 1 + kx),
// which reads input pixel (uy / 2, ux / 2), or the input zero point outside [0, 2h) x [0, 2w). The SIMD
// kernel runs the depthwise 9-tap block (kernels/qs8_dwconv_block.h) on those tap pointers.
// Not yet done: the fp32 kernel's trick of pre-summing the weights of taps that read the same input
// pixel (4/9 of the multiply-adds): summed int8 weights leave int8, so it needs an int16-weight block.
#include <cstring>

#include "kernels/qs8_dwconv_block.h"
#include "kernels/qs8_kernels.h"
#include "kernels/simd128.h"

namespace hm {
namespace {

constexpr size_t kBlock = kernels_internal::kQs8DwBlock;
constexpr size_t kBlockBytes = kernels_internal::kQs8DwBlockBytes;

// Input coordinate (upsampled u / 2) of output o, tap k on an upsampled axis of 2n, or -1 outside.
ptrdiff_t up_tap(size_t o, size_t k, size_t n) {
  const ptrdiff_t u = static_cast<ptrdiff_t>(o + k) - 1;
  return u >= 0 && u < static_cast<ptrdiff_t>(2 * n) ? u / 2 : -1;
}

}  // namespace

void qs8_upsample2x_dwconv3x3_scalar(const int8_t* in, size_t h, size_t w, size_t c, const void* packed,
                                     int8_t in_zero_point, int8_t* out, QS8Output params, size_t y0, size_t y1) {
  const auto* bytes = static_cast<const uint8_t*>(packed);
  for (size_t oy = y0; oy < y1; ++oy)
    for (size_t ox = 0; ox < 2 * w; ++ox)
      for (size_t ch = 0; ch < c; ++ch) {
        const uint8_t* block = bytes + ch / kBlock * kBlockBytes;
        const size_t lane = ch % kBlock;
        int32_t acc;
        float scale;
        std::memcpy(&acc, block + lane * sizeof(int32_t), sizeof acc);
        std::memcpy(&scale, block + kernels_internal::kQs8DwScalesAt + lane * sizeof(float), sizeof scale);
        for (size_t ky = 0; ky < 3; ++ky)
          for (size_t kx = 0; kx < 3; ++kx) {
            const ptrdiff_t iy = up_tap(oy, ky, h), ix = up_tap(ox, kx, w);
            const int32_t x = iy < 0 || ix < 0 ? in_zero_point
                                               : in[(static_cast<size_t>(iy) * w + static_cast<size_t>(ix)) * c + ch];
            acc += x * static_cast<int8_t>(block[kernels_internal::kQs8DwWeightsAt + (ky * 3 + kx) * kBlock + lane]);
          }
        out[((oy - y0) * 2 * w + ox) * c + ch] = qs8_requantize_fp32(acc, scale, params);
      }
}

void qs8_upsample2x_dwconv3x3(const int8_t* in, size_t h, size_t w, size_t c, const void* packed,
                              int8_t in_zero_point, int8_t* out, QS8Output params, size_t y0, size_t y1) {
  const auto* bytes = static_cast<const uint8_t*>(packed);
  const kernels_internal::Qs8RequantConstants kq(params);
  int8_t zero_point[kBlock];
  std::memset(zero_point, in_zero_point, sizeof zero_point);
  for (size_t oy = y0; oy < y1; ++oy) {
    ptrdiff_t iy[3];
    for (size_t ky = 0; ky < 3; ++ky) iy[ky] = up_tap(oy, ky, h);
    for (size_t ox = 0; ox < 2 * w; ++ox) {
      const int8_t* x[9];
      size_t step[9];  // 8 for a tap inside the image, 0 for one on the zero point
      for (size_t kx = 0; kx < 3; ++kx) {
        const ptrdiff_t ix = up_tap(ox, kx, w);
        for (size_t ky = 0; ky < 3; ++ky) {
          const bool inside = iy[ky] >= 0 && ix >= 0;
          x[ky * 3 + kx] = inside ? in + (static_cast<size_t>(iy[ky]) * w + static_cast<size_t>(ix)) * c : zero_point;
          step[ky * 3 + kx] = inside ? kBlock : 0;
        }
      }
      int8_t* o = out + ((oy - y0) * 2 * w + ox) * c;
      const uint8_t* block = bytes;
      size_t ch = 0;
      for (; ch + kBlock <= c; ch += kBlock, block += kBlockBytes) {
        wasm_v128_store64_lane(o + ch, kernels_internal::qs8_dwconv_block9(x, block, kq), 0);
        for (size_t t = 0; t < 9; ++t) x[t] += step[t];
      }
      if (ch < c) {
        // The last c % 8 channels through 8-byte buffers, so that no load runs past the tensor.
        const size_t rest = c - ch;
        int8_t tail[9][kBlock] = {};
        const int8_t* xt[9];
        for (size_t t = 0; t < 9; ++t) {
          std::memcpy(tail[t], x[t], rest);
          xt[t] = tail[t];
        }
        int8_t result[16];
        wasm_v128_store(result, kernels_internal::qs8_dwconv_block9(xt, block, kq));
        std::memcpy(o + ch, result, rest);
      }
    }
  }
}

}  // namespace hm
