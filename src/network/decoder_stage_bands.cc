#include "network/decoder_stage_bands.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "kernels/kernel_table.h"

namespace hm {

constexpr uint32_t kHalo = 2;  // rows of upsampled context kept on each side of a band

uint32_t decoder_band_rows(uint32_t out_w, uint32_t channels, size_t target_bytes) {
  const size_t row_bytes = size_t{out_w} * channels * sizeof(float);
  const size_t rows = target_bytes / row_bytes;
  const uint32_t band = rows >= 2 * kHalo + 2 ? uint32_t(std::min<size_t>(rows - 2 * kHalo, 32)) : 2;
  return band & ~1u;
}

size_t decoder_band_floats(const DecoderStageBands& s) {
  const size_t channels = std::max(s.c, s.pw->out_c);
  return size_t{s.band_rows + 2 * kHalo} * 2 * s.w * channels;
}

size_t decoder_band_count(const DecoderStageBands& s) { return (2 * size_t{s.h} + s.band_rows - 1) / s.band_rows; }

namespace {

// The band's depthwise output rows (dw_rows, `rows` x 2w x c) -> 1x1 (ReLU) -> the stage's output rows
// [y0, y0 + rows), through the head when there is one (its input then goes through `scratch`).
void pointwise_and_head(const DecoderStageBands& s, const float* dw_rows, float* scratch, size_t y0, size_t rows) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  const size_t out_w = 2 * size_t{s.w};
  const uint32_t depth = s.pw->out_c;
  if (s.head == nullptr) {
    kF32Kernels.conv1x1(dw_rows, out_w, s.c, s.pw->packed.data(), depth, s.out + y0 * out_w * depth,
                        Clamp{0.f, kInf}, 0, rows);
    return;
  }
  kF32Kernels.conv1x1(dw_rows, out_w, s.c, s.pw->packed.data(), depth, scratch, Clamp{0.f, kInf}, 0, rows);
  kF32Kernels.conv1x1_softmax2(scratch, out_w, depth, s.head->packed.data(), s.out + y0 * out_w, 0, rows);
}

}  // namespace

void run_decoder_stage_bands(const DecoderStageBands& s, float* scratch_a, float* scratch_b, size_t band_begin,
                             size_t band_end) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  const size_t out_h = 2 * size_t{s.h}, out_w = 2 * size_t{s.w};
  const size_t row_floats = out_w * s.c;
  for (size_t band = band_begin; band < band_end; ++band) {
    const size_t y0 = band * s.band_rows;
    const size_t y1 = std::min(y0 + s.band_rows, out_h);
    const size_t rows = y1 - y0;
    if (s.skip == nullptr) {
      // No skip: the depthwise convolution reads the half-resolution input directly
      // (upsample2x_dwconv3x3), so there is no upsampled band and no halo to recompute.
      kF32Kernels.upsample2x_dwconv3x3(s.in, s.h, s.w, s.c, s.dw->packed.data(), scratch_b, Clamp{-kInf, kInf},
                                       y0, y1);
      pointwise_and_head(s, scratch_b, scratch_a, y0, rows);
      continue;
    }
    const size_t local_rows = rows + 2 * kHalo;
    // Local row j of scratch_a is upsampled row (y0 - kHalo + j); the part inside the image is
    // [valid_begin, valid_end), both even since y0, y1 and out_h are.
    const size_t valid_begin = y0 >= kHalo ? y0 - kHalo : 0;
    const size_t valid_end = std::min(y1 + kHalo, out_h);
    const size_t local_begin = valid_begin + kHalo - y0;
    const size_t local_end = valid_end + kHalo - y0;
    std::memset(scratch_a, 0, local_begin * row_floats * sizeof(float));
    std::memset(scratch_a + local_end * row_floats, 0, (local_rows - local_end) * row_floats * sizeof(float));
    kF32Kernels.upsample2x_add(s.in + (valid_begin / 2) * s.w * s.c, (valid_end - valid_begin) / 2, s.w, s.c,
                               s.skip ? s.skip + valid_begin * row_floats : nullptr,
                               scratch_a + local_begin * row_floats, 0, valid_end - valid_begin);
    // Depthwise rows [kHalo, kHalo + rows) of the band image read local rows kHalo-1 .. kHalo+rows.
    kF32Kernels.dwconv3x3(scratch_a, local_rows, out_w, s.c, 1, 1, s.dw->packed.data(), scratch_b,
                          Clamp{-kInf, kInf}, kHalo, kHalo + rows);
    pointwise_and_head(s, scratch_b + kHalo * row_floats, scratch_a, y0, rows);
  }
}

}  // namespace hm
