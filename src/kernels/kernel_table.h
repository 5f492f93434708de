// The build's fp32 operator table: which variant of each operator of kernels.h the engine runs, chosen at
// build time by the instruction set of base/kernel_isa.h (wasmsimd in the SIMD wasm builds and natively,
// scalar in the plain wasm build). Callers go through it, never through a variant's name:
//
//   kF32Kernels.dwconv3x3(in, h, w, c, stride, dilation, packed, out, clamp, y0, y1);
//
// The table is a constexpr object, so every call through it compiles to a direct call of the variant (no
// indirection at run time), and the variants it does not name are left to the linker to drop.
#pragma once
#include "base/kernel_isa.h"
#include "kernels/kernels.h"

namespace hm {

struct F32KernelTable {
  const char* isa;  // the variants' suffix: "wasmsimd" or "scalar" (kKernelIsa)
  F32Conv3x3s2RgbFn conv3x3s2_rgb;
  F32Dwconv3x3Fn dwconv3x3;
  F32Conv1x1Fn conv1x1;
  F32Upsample2xAddFn upsample2x_add;
  F32Upsample2xDwconv3x3Fn upsample2x_dwconv3x3;
  F32Im2col3x3Fn im2col3x3;
  F32Conv1x1Softmax2Fn conv1x1_softmax2;
};

#if HM_KERNEL_ISA_WASMSIMD
inline constexpr F32KernelTable kF32Kernels = {
    "wasmsimd",
    f32_conv3x3s2_rgb_minmax__wasmsimd,
    f32_dwconv3x3_minmax__wasmsimd,
    f32_conv1x1_minmax__wasmsimd,
    f32_upsample2x_add__wasmsimd,
    f32_upsample2x_dwconv3x3_minmax__wasmsimd,
    f32_im2col3x3__scalar,  // data movement: one variant
    f32_conv1x1_softmax2__wasmsimd,
};
#else
inline constexpr F32KernelTable kF32Kernels = {
    "scalar",
    f32_conv3x3s2_rgb_minmax__scalar,
    f32_dwconv3x3_minmax__scalar,
    f32_conv1x1_minmax__scalar,
    f32_upsample2x_add__scalar,
    f32_upsample2x_dwconv3x3_minmax__scalar,
    f32_im2col3x3__scalar,
    f32_conv1x1_softmax2__scalar,
};
#endif

}  // namespace hm
