// Box mean over a (2r+1) x (2r+1) window, clipped at the image border and divided by the number of
// pixels actually inside it (the normalisation N of He et al.'s guided filter, Algorithm 1).
//
// O(1) per pixel whatever the radius: a running sum down the columns, then a running sum along each row.
// Sums are kept in double so that the subtractions of the running sums do not accumulate rounding; the
// guided filter forms variances as differences of these means, where float error would be amplified by
// 1 / eps.
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
  std::vector<double> column_sums_;  // scratch, reused between calls
};

}  // namespace hm
