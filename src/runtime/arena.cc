#include "runtime/arena.h"

#include <algorithm>
#include <numeric>

namespace hm {

size_t ArenaPlanner::add(uint64_t bytes, int first, int last) {
  buffers_.push_back(Buffer{bytes, first, last, 0});
  return buffers_.size() - 1;
}

void ArenaPlanner::use(size_t id, int step) {
  Buffer& b = buffers_[id];
  b.first = std::min(b.first, step);
  b.last = std::max(b.last, step);
}

uint64_t ArenaPlanner::plan() {
  std::vector<size_t> order(buffers_.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return buffers_[a].bytes > buffers_[b].bytes; });
  std::vector<size_t> placed;
  uint64_t total = 0;
  for (size_t id : order) {
    Buffer& buf = buffers_[id];
    const uint64_t size = (buf.bytes + kAlignment - 1) / kAlignment * kAlignment;
    // Candidate offsets: 0 and the end of every placed buffer that is alive at the same time; take the
    // lowest candidate that collides with none of them.
    std::vector<const Buffer*> concurrent;
    for (size_t other : placed) {
      const Buffer& o = buffers_[other];
      if (o.first <= buf.last && buf.first <= o.last) concurrent.push_back(&o);
    }
    std::vector<uint64_t> candidates{0};
    for (const Buffer* o : concurrent) {
      candidates.push_back((o->offset + o->bytes + kAlignment - 1) / kAlignment * kAlignment);
    }
    std::sort(candidates.begin(), candidates.end());
    for (uint64_t candidate : candidates) {
      const bool collides = std::any_of(concurrent.begin(), concurrent.end(), [&](const Buffer* o) {
        return candidate < o->offset + o->bytes && o->offset < candidate + size;
      });
      if (!collides) {
        buf.offset = candidate;
        break;
      }
    }
    total = std::max(total, buf.offset + size);
    placed.push_back(id);
  }
  return total;
}

Arena::Arena(size_t bytes) : bytes_(bytes) {
  storage_.reset(new uint8_t[bytes + ArenaPlanner::kAlignment]);
  const uintptr_t address = reinterpret_cast<uintptr_t>(storage_.get());
  const uintptr_t aligned = (address + ArenaPlanner::kAlignment - 1) / ArenaPlanner::kAlignment *
                            ArenaPlanner::kAlignment;
  base_ = storage_.get() + (aligned - address);
}

}  // namespace hm
