// The build's int8 (QS8) operator table: which variant of each operator of qs8_kernels.h and
// qs8_io_kernels.h the engine's int8 network runs, chosen at build time by base/kernel_isa.h like the fp32
// table (kernel_table.h): the __wasmsimd variants in the SIMD builds and natively (through SIMDe), the
// __scalar ones in the plain wasm build. Callers go through it, never through a variant's name:
//
//   kQS8Kernels.conv1x1(in, w, in_c, packed, out_c, out, params, y0, y1);
//
// constexpr, so each call compiles to a direct call of the variant, and the linker drops the others.
#pragma once
#include "base/kernel_isa.h"
#include "kernels/qs8_io_kernels.h"
#include "kernels/qs8_kernels.h"

namespace hm {

// Both variants of an operator have one signature: the entries spell it by the __scalar one's.
struct QS8KernelTable {
  const char* isa;  // the variants' suffix: "wasmsimd" or "scalar" (kKernelIsa)
  decltype(&qs8_conv3x3s2_rgba_minmax_fp32__scalar) conv3x3s2_rgba;
  decltype(&qs8_dwconv3x3_minmax_fp32__scalar) dwconv3x3;
  decltype(&qs8_conv1x1_minmax_fp32__scalar) conv1x1;
  decltype(&qs8_conv1x1_acc32__scalar) conv1x1_acc32;
  decltype(&qs8_upsample2x_dwconv3x3_minmax_fp32__scalar) upsample2x_dwconv3x3;
  decltype(&qs8_upsample2x_add_minmax__scalar) upsample2x_add;
  decltype(&qs8_conv1x1_softmax2__scalar) conv1x1_softmax2;
};

#if HM_KERNEL_ISA_WASMSIMD
inline constexpr QS8KernelTable kQS8Kernels = {
    "wasmsimd",
    qs8_conv3x3s2_rgba_minmax_fp32__wasmsimd,
    qs8_dwconv3x3_minmax_fp32__wasmsimd,
    qs8_conv1x1_minmax_fp32__wasmsimd,
    qs8_conv1x1_acc32__wasmsimd,
    qs8_upsample2x_dwconv3x3_minmax_fp32__wasmsimd,
    qs8_upsample2x_add_minmax__wasmsimd,
    qs8_conv1x1_softmax2__wasmsimd,
};
#else
inline constexpr QS8KernelTable kQS8Kernels = {
    "scalar",
    qs8_conv3x3s2_rgba_minmax_fp32__scalar,
    qs8_dwconv3x3_minmax_fp32__scalar,
    qs8_conv1x1_minmax_fp32__scalar,
    qs8_conv1x1_acc32__scalar,
    qs8_upsample2x_dwconv3x3_minmax_fp32__scalar,
    qs8_upsample2x_add_minmax__scalar,
    qs8_conv1x1_softmax2__scalar,
};
#endif

}  // namespace hm
