// The scalar reference of the int8 1x1 convolution to int32 accumulators (qs8_kernels.h): per output value,
// the bias plus the dot product over the packed panel (qs8_layout.h), stored without requantisation.
#include "kernels/qs8_kernels.h"
#include "kernels/qs8_layout.h"

namespace hm {

void qs8_conv1x1_acc32__scalar(const int8_t* in, size_t in_c, const void* packed, size_t out_c, int32_t* out,
                               size_t p0, size_t p1) {
  const auto* bytes = static_cast<const uint8_t*>(packed);
  for (size_t p = p0; p < p1; ++p) {
    const int8_t* a = in + p * in_c;
    for (size_t n = 0; n < out_c; ++n)
      out[p * out_c + n] = kernels_internal::qs8_gemm_channel(bytes, in_c, n).accumulate(a);
  }
}

}  // namespace hm
