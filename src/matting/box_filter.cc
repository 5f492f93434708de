#include "matting/box_filter.h"

#include <algorithm>

namespace hm {
namespace {

// Horizontal window sums of K consecutive rows, interleaved so the K running sums are independent.
template <int K>
void row_window_sums(const float* in, int width, int r, float* out) {
  double sum[K] = {};
  const int primed = std::min(r, width);
  for (int k = 0; k < K; ++k)
    for (int x = 0; x < primed; ++x) sum[k] += in[static_cast<size_t>(k) * width + x];
  for (int x = 0; x < width; ++x) {
    const bool add = x + r < width, sub = x - r - 1 >= 0;
    for (int k = 0; k < K; ++k) {
      const float* row = in + static_cast<size_t>(k) * width;
      if (add) sum[k] += row[x + r];
      if (sub) sum[k] -= row[x - r - 1];
      out[static_cast<size_t>(k) * width + x] = static_cast<float>(sum[k]);
    }
  }
}

}  // namespace

void BoxMean::apply(const float* in, int width, int height, int r, float* out) {
  if (width <= 0 || height <= 0) return;
  const size_t w = static_cast<size_t>(width);
  row_sums_.resize(w * height);
  column_sums_.assign(w, 0.0);
  inv_columns_.resize(w);
  for (int x = 0; x < width; ++x) {
    inv_columns_[x] = 1.0 / (std::min(x + r, width - 1) - std::max(x - r, 0) + 1);
  }

  int y = 0;
  for (; y + 4 <= height; y += 4) row_window_sums<4>(in + y * w, width, r, row_sums_.data() + y * w);
  for (; y < height; ++y) row_window_sums<1>(in + y * w, width, r, row_sums_.data() + y * w);

  double* col = column_sums_.data();
  const float* sums = row_sums_.data();
  for (int yy = 0; yy < std::min(r, height); ++yy) {  // rows [0, r - 1]: the window of row -1, primed
    for (size_t x = 0; x < w; ++x) col[x] += sums[yy * w + x];
  }
  for (y = 0; y < height; ++y) {
    // Slide the vertical window to [y - r, y + r].
    const bool add_row = y + r < height, sub_row = y - r - 1 >= 0;
    const float* add = sums + (y + r) * w;
    const float* sub = sums + (y - r - 1) * w;
    if (add_row && sub_row) {
      for (size_t x = 0; x < w; ++x) col[x] += static_cast<double>(add[x]) - sub[x];
    } else if (add_row) {
      for (size_t x = 0; x < w; ++x) col[x] += add[x];
    } else if (sub_row) {
      for (size_t x = 0; x < w; ++x) col[x] -= sub[x];
    }
    const double inv_rows = 1.0 / (std::min(y + r, height - 1) - std::max(y - r, 0) + 1);
    float* dst = out + y * w;
    for (size_t x = 0; x < w; ++x) dst[x] = static_cast<float>(col[x] * inv_rows * inv_columns_[x]);
  }
}

}  // namespace hm
