#include "network/final_stage_bands.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "kernels/kernels.h"

namespace hm {

constexpr uint32_t kHalo = 2;  // rows of upsampled context kept on each side of a band

size_t final_stage_band_floats(uint32_t band_rows, uint32_t out_w, uint32_t channels) {
  return size_t{band_rows + 2 * kHalo} * out_w * channels;
}

void run_final_stage_bands(const float* in, uint32_t h, uint32_t w, uint32_t c, const PackedConv& dw,
                           const PackedConv& pw, const PackedConv& head, uint32_t band_rows,
                           float* scratch_a, float* scratch_b, float* probability, size_t band_begin,
                           size_t band_end) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  const size_t out_h = 2 * size_t{h}, out_w = 2 * size_t{w};
  const size_t row_floats = out_w * c;
  for (size_t band = band_begin; band < band_end; ++band) {
    const size_t y0 = band * band_rows;
    const size_t y1 = std::min(y0 + band_rows, out_h);
    const size_t rows = y1 - y0;
    const size_t local_rows = rows + 2 * kHalo;
    // Local row j of scratch_a is upsampled row (y0 - kHalo + j); the part inside the image is
    // [valid_begin, valid_end), both even since y0, y1 and out_h are.
    const size_t valid_begin = y0 >= kHalo ? y0 - kHalo : 0;
    const size_t valid_end = std::min(y1 + kHalo, out_h);
    const size_t local_begin = valid_begin + kHalo - y0;
    const size_t local_end = valid_end + kHalo - y0;
    // Rows outside the image are the depthwise convolution's zero padding.
    std::memset(scratch_a, 0, local_begin * row_floats * sizeof(float));
    std::memset(scratch_a + local_end * row_floats, 0, (local_rows - local_end) * row_floats * sizeof(float));
    upsample2x_add(in + (valid_begin / 2) * w * c, (valid_end - valid_begin) / 2, w, c, nullptr,
                   scratch_a + local_begin * row_floats, 0, valid_end - valid_begin);
    // Depthwise rows [kHalo, kHalo + rows) of the band image read local rows kHalo-1 .. kHalo+rows.
    dwconv3x3(scratch_a, local_rows, out_w, c, 1, 1, dw.packed.data(), scratch_b, Clamp{-kInf, kInf}, kHalo,
              kHalo + rows);
    conv1x1(scratch_b + kHalo * row_floats, out_w, c, pw.packed.data(), pw.out_c, scratch_a,
            Clamp{0.f, kInf}, 0, rows);
    conv1x1_softmax2(scratch_a, out_w, pw.out_c, head.packed.data(), probability + y0 * out_w, 0, rows);
  }
}

}  // namespace hm
