// The part of the camera frame that the network sees, and the mapping of the network's probability map
// back onto the frame.
//
// The region is a rectangle of the frame stretched to the network's n x n input: the whole frame for a
// still (the geometry the networks were trained in: every photo stretched to the square), the head's square
// grown over the hair of recent frames for video (head_crop.h).
//
// Coordinates are continuous frame pixels: pixel (x, y) covers [x, x+1) x [y, y+1), its centre is
// (x + 0.5, y + 0.5). The region has integer corners so that cropping is a pointer offset into the frame.
// Network pixel (u, v) of an n x n map covers the frame area of the region scaled by width / n across and
// height / n down; sampling uses half-pixel centres, the convention of src/image/resize.h (PyTorch
// align_corners=False), so crop -> resize -> network -> sample_crop_probability lines up to the pixel.
#pragma once
#include <cstddef>
#include <cstdint>

#include "base/status.h"

namespace hm {

struct CropRect {
  int x = 0;       // left column in the frame
  int y = 0;       // top row in the frame
  int width = 0;   // columns; the rectangle lies inside the frame
  int height = 0;  // rows

  bool operator==(const CropRect& o) const {
    return x == o.x && y == o.y && width == o.width && height == o.height;
  }
  bool is_square() const { return width == height; }
};

// The whole frame: what a still is segmented over.
CropRect whole_frame(int frame_width, int frame_height);
// The largest centred square.
CropRect centred_square(int frame_width, int frame_height);

// Ok when the rectangle is non-empty and inside a frame_width x frame_height frame.
Status check_crop_rect(CropRect crop, int frame_width, int frame_height);

// Copies the rectangle out of an RGBA frame resized (bilinear) to n x n RGBA pixels: the network's input.
// frame rows are frame_stride bytes apart; out is n*n*4 bytes, tightly packed.
Status crop_to_network_input(const uint8_t* frame, int frame_width, int frame_height, size_t frame_stride,
                             CropRect crop, int n, uint8_t* out);

// Resamples an n x n probability map that covers `crop` onto a grid over the frame whose cell (i, j) is
// centred at ((i + 0.5) * cell, (j + 0.5) * cell) in frame pixels: cell = 1 gives the frame's own pixels,
// cell = s the s x s blocks of a frame subsampled by s. Cells whose centre lies outside the rectangle get 0
// (the network saw nothing there). out: out_width x out_height floats.
void sample_crop_probability(const float* prob, int n, CropRect crop, float cell, int out_width,
                             int out_height, float* out);

}  // namespace hm
