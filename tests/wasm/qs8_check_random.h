// The random inputs of the int8 kernels' wasm checks (qs8_kernels_check.cc, qs8_io_kernels_check.cc):
// one generator per check program, seeded by its main() before any draw, and the draws both need.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace qs8_check {

inline std::mt19937 rng;  // each check's main() seeds it first

inline size_t pick(size_t lo, size_t hi) { return std::uniform_int_distribution<size_t>(lo, hi)(rng); }
inline int pick_int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

inline std::vector<int8_t> int8s(size_t n, int lo = -128, int hi = 127) {
  std::vector<int8_t> v(n);
  for (int8_t& x : v) x = static_cast<int8_t>(pick_int(lo, hi));
  return v;
}

inline std::vector<int32_t> int32s(size_t n, int lo, int hi) {
  std::vector<int32_t> v(n);
  for (int32_t& x : v) x = pick_int(lo, hi);
  return v;
}

// Requantisation scales putting typical |acc| of `terms` int8 products around `spread` output steps
// (x/÷ up to 4).
inline std::vector<float> scales(size_t n, size_t terms, float spread = 40.0f) {
  std::uniform_real_distribution<float> d(-2.0f, 2.0f);
  std::vector<float> v(n);
  for (float& x : v) x = spread / (74.0f * 73.0f * std::sqrt(static_cast<float>(terms))) * std::exp2(d(rng));
  return v;
}

}  // namespace qs8_check
