// Box mean over a (2r+1) x (2r+1) window, clipped at the image border and divided by the number of
// pixels actually inside it (the normalisation N of He et al.'s guided filter, Algorithm 1).
//
// O(1) per pixel whatever the radius, in two separable passes of running sums: along each row (four rows
// at a time, so four independent addition chains keep the CPU busy instead of waiting on one), then down
// the columns (a vector-friendly row-by-row update). Running sums are kept in double so that the
// subtractions do not accumulate rounding; the guided filter forms variances as differences of these
// means, where float error would be amplified by 1 / eps.
//
//   hm::BoxMean box;
//   box.apply(in, width, height, radius, out);   // out may not alias in
#pragma once
#include <vector>

namespace hm {

class BoxMean {
 public:
  // in, out: width x height floats, row-major. radius >= 0; any radius (even larger than the image) works.
  void apply(const float* in, int width, int height, int radius, float* out);

 private:
  std::vector<float> row_sums_;      // horizontal window sums, width x height
  std::vector<double> column_sums_;  // running vertical sums of row_sums_, one row
  std::vector<double> inv_columns_;  // 1 / (number of columns in the window) per column
};

}  // namespace hm
