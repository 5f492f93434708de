#include "color/oklab.h"

#include <cmath>

namespace hm {
namespace {

struct Tables {
  float decode[256];
  float encode[kLinearToSrgbSteps + 2];  // +1 for the end point, +1 so interpolation at v = 1 reads in bounds
  Tables() {
    for (int i = 0; i < 256; ++i) decode[i] = srgb_to_linear_exact(i / 255.0f);
    for (int i = 0; i <= kLinearToSrgbSteps + 1; ++i) {
      encode[i] = linear_to_srgb_exact(std::fmin(1.0f, static_cast<float>(i) / kLinearToSrgbSteps));
    }
  }
};

const Tables& tables() {
  static const Tables t;  // built once, on first use
  return t;
}

}  // namespace

float srgb_to_linear_exact(float v) {
  return v <= kSrgbDecodeKnee ? v / kSrgbLinearSlope : std::pow((v + kSrgbOffset) / kSrgbScale, kSrgbGamma);
}

float linear_to_srgb_exact(float v) {
  return v <= kSrgbEncodeKnee ? kSrgbLinearSlope * v : kSrgbScale * std::pow(v, 1.0f / kSrgbGamma) - kSrgbOffset;
}

const float* srgb8_to_linear_table() { return tables().decode; }

const float* linear_to_srgb_table() { return tables().encode; }

}  // namespace hm
