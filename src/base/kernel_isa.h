// The instruction set whose kernel variants this build runs, chosen at build time (one switch for every
// kernel table: kernels/kernel_table.h for the network's operators, color/recolor_formula.h for the
// recolour rows):
//   wasmsimd  the wasm SIMD128 variants: the SIMD wasm builds (-msimd128), and native builds, where the
//             same sources compile through SIMDe (so the tests run them under sanitizers);
//   scalar    the plain C++ references: the plain wasm build (no -msimd128, for engines without SIMD128),
//             or any build configured with -DHM_SIMD=OFF (CMakeLists.txt defines HM_KERNELS_SCALAR=1).
// A variant that the table does not name is referenced by nothing but the tests, and the linker drops it.
#pragma once

#if defined(HM_KERNELS_SCALAR) && HM_KERNELS_SCALAR
#define HM_KERNEL_ISA_WASMSIMD 0
#else
#define HM_KERNEL_ISA_WASMSIMD 1
#endif

// A wasm module without SIMD128 must not call a SIMD kernel: there SIMDe would compile its intrinsics into
// slow scalar emulation, and silently.
#if HM_KERNEL_ISA_WASMSIMD && defined(__wasm__) && !defined(__wasm_simd128__)
#error "a wasm build without -msimd128 selects the scalar kernels: define HM_KERNELS_SCALAR=1 (cmake -DHM_SIMD=OFF)"
#endif

namespace hm {

// The isa suffix of the variants this build's tables hold: "wasmsimd" or "scalar".
constexpr const char* kKernelIsa = HM_KERNEL_ISA_WASMSIMD ? "wasmsimd" : "scalar";

}  // namespace hm
