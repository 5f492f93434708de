// The build's int8 (QS8) operator table: which variant of each operator of qs8_kernels.h and
// qs8_io_kernels.h the engine's int8 network runs, chosen at build time by base/kernel_isa.h like the fp32
// table (kernel_table.h): the SIMD128 operators in the SIMD builds and natively (through SIMDe), their
// scalar references in the plain wasm build. Callers go through it:
//
//   kQS8Kernels.conv1x1(in, w, in_c, packed, out_c, out, params, y0, y1);
//
// constexpr, so each call compiles to a direct call of the variant. (The int8 operators keep their older
// names, NAME / NAME_scalar, with both variants in one file: see docs/ARCHITECTURE.md.)
#pragma once
#include "base/kernel_isa.h"
#include "kernels/qs8_io_kernels.h"
#include "kernels/qs8_kernels.h"

namespace hm {

struct QS8KernelTable {
  const char* isa;  // "wasmsimd" or "scalar" (kKernelIsa)
  decltype(&qs8_conv3x3s2_rgba) conv3x3s2_rgba;
  decltype(&qs8_dwconv3x3) dwconv3x3;
  decltype(&qs8_conv1x1) conv1x1;
  decltype(&qs8_upsample2x_dwconv3x3) upsample2x_dwconv3x3;
  decltype(&qs8_upsample2x_add) upsample2x_add;
  decltype(&qs8_conv1x1_softmax2) conv1x1_softmax2;
};

#if HM_KERNEL_ISA_WASMSIMD
inline constexpr QS8KernelTable kQS8Kernels = {
    "wasmsimd",
    qs8_conv3x3s2_rgba,
    qs8_dwconv3x3,
    qs8_conv1x1,
    qs8_upsample2x_dwconv3x3,
    qs8_upsample2x_add,
    qs8_conv1x1_softmax2,
};
#else
inline constexpr QS8KernelTable kQS8Kernels = {
    "scalar",
    qs8_conv3x3s2_rgba_scalar,
    qs8_dwconv3x3_scalar,
    qs8_conv1x1_scalar,
    qs8_upsample2x_dwconv3x3_scalar,
    qs8_upsample2x_add_scalar,
    qs8_conv1x1_softmax2_scalar,
};
#endif

}  // namespace hm
