// The square of the camera frame that the network sees, and the mapping of the network's probability map
// back onto the frame.
//
// Coordinates are continuous frame pixels: pixel (x, y) covers [x, x+1) x [y, y+1), its centre is
// (x + 0.5, y + 0.5). The square has integer corners so that cropping is a pointer offset into the frame.
// Network pixel (u, v) of an n x n map covers the frame area of the square scaled by size / n; sampling
// uses half-pixel centres, the convention of src/image/resize.h (PyTorch align_corners=False), so
// crop -> resize -> network -> sample_crop_probability lines up to the pixel.
#pragma once
#include <cstddef>
#include <cstdint>

#include "network/engine.h"  // hm::Status

namespace hm {

struct CropSquare {
  int x = 0;     // left column in the frame
  int y = 0;     // top row in the frame
  int size = 0;  // side in frame pixels; the square lies inside the frame

  bool operator==(const CropSquare& o) const { return x == o.x && y == o.y && size == o.size; }
};

// The largest centred square: the fallback when nothing is known about where the head is.
CropSquare centred_square(int frame_width, int frame_height);

// Ok when the square is non-empty and inside a frame_width x frame_height frame.
Status check_crop_square(CropSquare crop, int frame_width, int frame_height);

// Copies the square out of an RGBA frame resized (bilinear) to n x n RGBA pixels: the network's input.
// frame rows are frame_stride bytes apart; out is n*n*4 bytes, tightly packed.
Status crop_to_network_input(const uint8_t* frame, int frame_width, int frame_height, size_t frame_stride,
                             CropSquare crop, int n, uint8_t* out);

// Resamples an n x n probability map that covers `crop` onto a grid over the frame whose cell (i, j) is
// centred at ((i + 0.5) * cell, (j + 0.5) * cell) in frame pixels: cell = 1 gives the frame's own pixels,
// cell = s the s x s blocks of a frame subsampled by s. Cells whose centre lies outside the square get 0
// (the network saw nothing there). out: out_width x out_height floats.
void sample_crop_probability(const float* prob, int n, CropSquare crop, float cell, int out_width,
                             int out_height, float* out);

}  // namespace hm
