// Activation memory: one allocation made when a network is planned, carved into buffers whose offsets
// are chosen by liveness so that buffers never alive at the same time share bytes.
//
//   hm::ArenaPlanner planner;
//   size_t a = planner.add(bytes_a, /*first_step=*/0, /*last_step=*/2);
//   size_t b = planner.add(bytes_b, 1, 3);
//   hm::Arena arena(planner.plan());
//   float* pa = arena.floats(planner.offset(a));
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace hm {

// Sizes and offsets are 64-bit on every target: a plan asked for a large input (4096 x 4096 x 64 floats is
// 4 GiB) must be measurable on wasm32, where size_t would wrap, so that Network::create can refuse it
// with the real size before allocating anything (src/network/memory_budget.h).
class ArenaPlanner {
 public:
  static constexpr size_t kAlignment = 64;  // bytes: a cache line, more than any SIMD load needs

  // A buffer of `bytes` used from step `first` through step `last` (inclusive). Returns its id.
  size_t add(uint64_t bytes, int first, int last);
  // Widens buffer `id`'s lifetime to include `step`.
  void use(size_t id, int step);
  // Places every buffer (largest first, each at the lowest aligned offset that overlaps no placed buffer
  // alive at the same time) and returns the arena size in bytes.
  uint64_t plan();
  uint64_t offset(size_t id) const { return buffers_[id].offset; }
  uint64_t bytes(size_t id) const { return buffers_[id].bytes; }

 private:
  struct Buffer {
    uint64_t bytes;
    int first;
    int last;
    uint64_t offset;
  };
  std::vector<Buffer> buffers_;
};

class Arena {
 public:
  Arena() = default;
  explicit Arena(size_t bytes);
  size_t bytes() const { return bytes_; }
  float* floats(size_t byte_offset) { return reinterpret_cast<float*>(base_ + byte_offset); }

 private:
  std::unique_ptr<uint8_t[]> storage_;
  uint8_t* base_ = nullptr;
  size_t bytes_ = 0;
};

}  // namespace hm
