// The recolour formula (recolor_formula.h, docs/recolor.md) one pixel at a time: the scalar reference
// row kernel that the SIMD128 variant (rgba8_recolor_row__wasmsimd.cc) is tested against, and the row
// the plain build runs.
#include <cstring>

#include "color/oklab.h"
#include "color/recolor_formula.h"

namespace hm {
namespace recolor_detail {

void rgba8_recolor_row__scalar(const uint8_t* src, const uint8_t* matte, int width, const RowConstants& rc,
                               const Uniforms& u, uint8_t* dst) {
  const float* decode = srgb8_to_linear_table();
  const float* encode = linear_to_srgb_table();
  constexpr float kInv255 = 1.0f / 255.0f;
  for (int x = 0; x < width; ++x) {
    const uint8_t* p = src + 4 * x;
    uint8_t* q = dst + 4 * x;
    if (matte[x] == 0) {  // untouched, bit for bit
      if (q != p) std::memcpy(q, p, 4);
      continue;
    }
    const Rgb lin = oklab_to_linear(recolor_lab(srgb8_to_oklab(decode, p), rc, u));
    const float alpha = matte[x] * kInv255;
    const float rec[3] = {linear_to_srgb(encode, lin.r), linear_to_srgb(encode, lin.g), linear_to_srgb(encode, lin.b)};
    for (int c = 0; c < 3; ++c) {
      const float in = p[c] * kInv255;
      q[c] = to_byte(in + (rec[c] - in) * alpha);  // mix(in, recoloured, matte), as the shader's mix()
    }
    q[3] = p[3];
  }
}

}  // namespace recolor_detail
}  // namespace hm
