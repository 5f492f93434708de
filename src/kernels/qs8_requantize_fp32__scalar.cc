// The scalar fp32 requantisation every QS8 __scalar variant uses (qs8_kernels.h): clamp in float, then
// round to nearest-even with std::nearbyint, written plainly (the SIMD kernels use the magic-number
// trick instead; the tests demand the two agree bit for bit).
#include <algorithm>
#include <cmath>

#include "kernels/qs8_kernels.h"

namespace hm {

int8_t qs8_requantize_fp32__scalar(int32_t acc, float scale, QS8Output out) {
  float x = static_cast<float>(acc) * scale;
  // The clamp bounds relative to the zero point are integers, so clamping before rounding equals
  // clamping after; clamping first keeps the conversion below in range for any accumulator.
  x = std::max(x, static_cast<float>(int32_t{out.min} - int32_t{out.zero_point}));
  x = std::min(x, static_cast<float>(int32_t{out.max} - int32_t{out.zero_point}));
  return static_cast<int8_t>(static_cast<int32_t>(std::nearbyint(x)) + int32_t{out.zero_point});
}

}  // namespace hm
