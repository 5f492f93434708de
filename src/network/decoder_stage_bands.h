// One decoder stage, fused and computed a band of output rows at a time:
//   nearest 2x upsample (+ skip) -> 3x3 depthwise -> 1x1 (ReLU) [-> 1x1 to two classes + softmax].
// Run layer by layer, a stage writes and re-reads two full-resolution intermediates (at 224 x 224 x 64,
// 12.8 MB each; HairSegNet's first stage, 56 x 56 x 1024, as much); per band they are a few hundred KB
// that stay in cache, and the arena never holds them whole. With a skip, the depthwise convolution needs
// one row above and below each band: the band buffer holds upsampled rows [y0 - 2, y1 + 2) (even bounds,
// so whole input rows map onto it), zeros outside the image (the convolution's padding). Without a skip
// the upsampling is folded into the depthwise convolution (upsample2x_dwconv3x3, reading the input
// directly), so the band holds only its own depthwise output rows.
#pragma once
#include <cstddef>
#include <cstdint>

#include "network/model_weights.h"

namespace hm {

struct DecoderStageBands {
  const float* in = nullptr;    // h x w x c
  uint32_t h = 0, w = 0, c = 0;
  const float* skip = nullptr;  // 2h x 2w x c added after upsampling, or null
  const PackedConv* dw = nullptr;
  const PackedConv* pw = nullptr;    // c -> D, ReLU
  const PackedConv* head = nullptr;  // D -> P(hair), or null: then `out` receives the pw output
  float* out = nullptr;              // 2h x 2w x D, or 2h x 2w probabilities with a head
  uint32_t band_rows = 0;            // even
};

// Rows per band so that one scratch buffer of the stage stays near `target_bytes` (at least 2, even).
uint32_t decoder_band_rows(uint32_t out_w, uint32_t channels, size_t target_bytes);

// Floats each of the two scratch buffers needs for `stage` (channels = max(c, D)).
size_t decoder_band_floats(const DecoderStageBands& stage);

size_t decoder_band_count(const DecoderStageBands& stage);

// Computes bands [band_begin, band_end) of `stage` using two scratch buffers of
// decoder_band_floats(stage) floats each.
void run_decoder_stage_bands(const DecoderStageBands& stage, float* scratch_a, float* scratch_b,
                             size_t band_begin, size_t band_end);

}  // namespace hm
