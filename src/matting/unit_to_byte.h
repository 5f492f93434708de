// [0, 1] float -> 0..255 byte, rounded; out-of-range values clamp and NaN maps to 0 (a cast of NaN or of
// a value outside the byte range would be undefined behaviour).
#pragma once
#include <cstdint>

namespace hm {

inline uint8_t unit_to_byte(float v) {
  const float c = v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f;
  return static_cast<uint8_t>(c * 255.0f + 0.5f);
}

}  // namespace hm
