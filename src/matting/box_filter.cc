#include "matting/box_filter.h"

#include <algorithm>

namespace hm {

void BoxMean::apply(const float* in, int width, int height, int r, float* out) {
  if (width <= 0 || height <= 0) return;
  column_sums_.assign(static_cast<size_t>(width), 0.0);
  double* col = column_sums_.data();
  const auto row = [&](int y) { return in + static_cast<size_t>(y) * width; };

  // Column sums of rows [0, r - 1] clipped: the window of row -1, primed so the loop below can slide.
  for (int y = 0; y < std::min(r, height); ++y) {
    const float* src = row(y);
    for (int x = 0; x < width; ++x) col[x] += src[x];
  }
  for (int y = 0; y < height; ++y) {
    // Slide the vertical window to [y - r, y + r].
    if (y + r < height) {
      const float* add = row(y + r);
      for (int x = 0; x < width; ++x) col[x] += add[x];
    }
    if (y - r - 1 >= 0) {
      const float* sub = row(y - r - 1);
      for (int x = 0; x < width; ++x) col[x] -= sub[x];
    }
    const int rows_in_window = std::min(y + r, height - 1) - std::max(y - r, 0) + 1;

    // Running sum along the row over columns [x - r, x + r].
    double sum = 0.0;
    for (int x = 0; x < std::min(r, width); ++x) sum += col[x];
    float* dst = out + static_cast<size_t>(y) * width;
    for (int x = 0; x < width; ++x) {
      if (x + r < width) sum += col[x + r];
      if (x - r - 1 >= 0) sum -= col[x - r - 1];
      const int cols_in_window = std::min(x + r, width - 1) - std::max(x - r, 0) + 1;
      dst[x] = static_cast<float>(sum / (static_cast<double>(rows_in_window) * cols_in_window));
    }
  }
}

}  // namespace hm
