#include "matting/crop_square.h"

#include <algorithm>
#include <string>

#include "image/resize.h"

namespace hm {

CropRect whole_frame(int frame_width, int frame_height) { return CropRect{0, 0, frame_width, frame_height}; }

CropRect centred_square(int frame_width, int frame_height) {
  const int size = std::min(frame_width, frame_height);
  return CropRect{(frame_width - size) / 2, (frame_height - size) / 2, size, size};
}

Status check_crop_rect(CropRect c, int frame_width, int frame_height) {
  if (c.width <= 0 || c.height <= 0 || c.x < 0 || c.y < 0 || c.x + c.width > frame_width ||
      c.y + c.height > frame_height) {
    return Status::error("crop region (" + std::to_string(c.x) + ", " + std::to_string(c.y) + ", " +
                         std::to_string(c.width) + "x" + std::to_string(c.height) + ") is not inside the " +
                         std::to_string(frame_width) + "x" + std::to_string(frame_height) + " frame");
  }
  return Status{};
}

Status crop_to_network_input(const uint8_t* frame, int frame_width, int frame_height, size_t frame_stride,
                             CropRect crop, int n, uint8_t* out) {
  if (!frame || !out) return Status::error("crop: null image");
  if (n <= 0) return Status::error("crop: network input size must be positive");
  if (frame_stride < static_cast<size_t>(frame_width) * 4) return Status::error("crop: frame stride too small");
  Status st = check_crop_rect(crop, frame_width, frame_height);
  if (!st.ok) return st;
  const uint8_t* origin = frame + static_cast<size_t>(crop.y) * frame_stride + static_cast<size_t>(crop.x) * 4;
  resize_bilinear_rgba8(origin, crop.width, crop.height, frame_stride, out, n, n, static_cast<size_t>(n) * 4);
  return st;
}

void sample_crop_probability(const float* prob, int n, CropRect crop, float cell, int out_width,
                             int out_height, float* out) {
  // The two taps and weight of a cell, or -1 when its centre is outside the rectangle.
  struct Tap {
    int i0, i1;
    float w1;
  };
  const auto tap_for = [&](int i, int origin, int extent) {
    const float scale = static_cast<float>(n) / static_cast<float>(extent);  // network pixels per frame pixel
    const float centre = (static_cast<float>(i) + 0.5f) * cell - static_cast<float>(origin);
    if (centre < 0.0f || centre >= static_cast<float>(extent)) return Tap{-1, -1, 0.0f};
    const float s = std::max(centre * scale - 0.5f, 0.0f);
    const int i0 = std::min(static_cast<int>(s), n - 1);
    return Tap{i0, std::min(i0 + 1, n - 1), s - static_cast<float>(i0)};
  };
  // The column taps are computed once per block of kColumns columns, on the stack (nothing allocates);
  // the columns inside the rectangle form one run [inside_begin, inside_end) of each block.
  constexpr int kColumns = 256;
  Tap column[kColumns];
  for (int x0 = 0; x0 < out_width; x0 += kColumns) {
    const int columns = std::min(kColumns, out_width - x0);
    int inside_begin = columns, inside_end = columns;
    for (int k = 0; k < columns; ++k) {
      column[k] = tap_for(x0 + k, crop.x, crop.width);
      if (column[k].i0 >= 0 && inside_begin == columns) inside_begin = k;
      if (column[k].i0 < 0 && inside_begin < columns && inside_end == columns) inside_end = k;
    }
    for (int j = 0; j < out_height; ++j) {
      const Tap ty = tap_for(j, crop.y, crop.height);
      float* dst = out + static_cast<size_t>(j) * out_width + x0;
      if (ty.i0 < 0) {
        std::fill(dst, dst + columns, 0.0f);
        continue;
      }
      const float* row0 = prob + static_cast<size_t>(ty.i0) * n;
      const float* row1 = prob + static_cast<size_t>(ty.i1) * n;
      std::fill(dst, dst + inside_begin, 0.0f);
      for (int k = inside_begin; k < inside_end; ++k) {
        const Tap tx = column[k];
        const float top = row0[tx.i0] + (row0[tx.i1] - row0[tx.i0]) * tx.w1;
        const float bottom = row1[tx.i0] + (row1[tx.i1] - row1[tx.i0]) * tx.w1;
        dst[k] = top + (bottom - top) * ty.w1;
      }
      std::fill(dst + inside_end, dst + columns, 0.0f);
    }
  }
}

}  // namespace hm
