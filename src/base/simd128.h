// One spelling of the wasm SIMD128 intrinsics for both builds: the real header under Emscripten
// (-msimd128), SIMDe's portable implementation natively, so kernel sources are shared verbatim.
#pragma once
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#else
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/wasm/simd128.h>
#endif
