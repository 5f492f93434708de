// Bilinear resampling between the camera frame and the network's square input, and back.
//
// Sample positions use half-pixel centres: destination pixel x reads source coordinate
//   sx = (x + 0.5) * src_w / dst_w - 0.5, clamped to [0, src_w - 1]
// which is PyTorch's interpolate(mode='bilinear', align_corners=False) and OpenCV's INTER_LINEAR, so a
// matte computed here lines up with one computed in training/ at any frame size. Nothing here allocates.
#pragma once
#include <cstddef>
#include <cstdint>

namespace hm {

// RGBA8 -> RGBA8 (all four channels interpolated, rounded to nearest). Strides are in bytes.
void resize_bilinear_rgba8(const uint8_t* src, size_t src_w, size_t src_h, size_t src_stride,
                           uint8_t* dst, size_t dst_w, size_t dst_h, size_t dst_stride);

}  // namespace hm
