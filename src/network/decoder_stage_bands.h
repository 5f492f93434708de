// The full-resolution decoder stage, fused and computed a band of output rows at a time:
//   nearest 2x upsample -> 3x3 depthwise -> 1x1 (ReLU) -> 1x1 to two classes + softmax.
// At 224 x 224 x 64 this stage is ~21% of HairMatteNet's multiply-adds but memory-bound when run layer by
// layer (three 12.8 MB intermediates); per band, its intermediates are a few hundred KB that stay in
// cache. The depthwise convolution needs one row above and below each band: the band buffer holds the
// upsampled rows [y0 - 2, y1 + 2) (even bounds, so whole input rows map onto it), zeros outside the image.
#pragma once
#include <cstddef>
#include <cstdint>

#include "network/model_weights.h"

namespace hm {

// Floats each of the two scratch buffers must hold for bands of `band_rows` rows, `out_w` wide, with at
// most `channels` channels (max of the stage's input channels and pw's output channels).
size_t final_stage_band_floats(uint32_t band_rows, uint32_t out_w, uint32_t channels);

// Computes output bands [band_begin, band_end) (band b = rows [b * band_rows, (b + 1) * band_rows) of
// the 2h x 2w output, the last one clipped). in: h x w x c. probability: 2h x 2w floats.
void run_final_stage_bands(const float* in, uint32_t h, uint32_t w, uint32_t c, const PackedConv& dw,
                           const PackedConv& pw, const PackedConv& head, uint32_t band_rows,
                           float* scratch_a, float* scratch_b, float* probability, size_t band_begin,
                           size_t band_end);

}  // namespace hm
