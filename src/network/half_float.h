// IEEE 754 binary16 <-> binary32 conversion, bit-exact and portable (no F16C, no wasm extension needed):
// model files may store weights as float16 to halve their size.
#pragma once
#include <cstdint>

namespace hm {
float half_to_float(uint16_t h);   // exact: every half is representable as a float (subnormals included)
uint16_t float_to_half(float f);   // round to nearest even; overflow -> inf; NaN stays NaN
}  // namespace hm
