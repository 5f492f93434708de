#include "network/memory_budget.h"

#include <cstdio>

#ifdef __EMSCRIPTEN__
#include <emscripten/heap.h>
#include <malloc.h>
#include <unistd.h>
#else
#include <unistd.h>
#endif

namespace hm {
namespace {

std::string megabytes(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f MB", double(bytes) / (1024.0 * 1024.0));
  return text;
}

}  // namespace

MemoryLimit current_memory_limit() {
  MemoryLimit out;
#ifdef __EMSCRIPTEN__
  // The heap can grow to emscripten_get_heap_max(); of what is already below the break, the allocator
  // holds mallinfo().fordblks free.
  out.what = "the wasm memory limit";
  out.limit = emscripten_get_heap_max();
  const uint64_t top = reinterpret_cast<uintptr_t>(sbrk(0));
  const uint64_t free_inside = static_cast<uint64_t>(mallinfo().fordblks);
  out.available = (top < out.limit ? out.limit - top : 0) + free_inside;
#else
  out.what = "the physical memory";
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  out.limit = pages > 0 && page > 0 ? uint64_t(pages) * uint64_t(page) : UINT64_MAX;
  out.available = out.limit;
#endif
  return out;
}

Status check_memory_need(const MemoryNeed& need, const MemoryLimit& limit, const std::string& what) {
  const uint64_t fresh = need.arena + need.buffers;  // the weights are already allocated
  if (need.total() <= limit.limit && fresh <= limit.available) return Status{};
  std::string message = what + " needs " + megabytes(need.total()) + " of memory (activations " +
                        megabytes(need.arena) + ", weights " + megabytes(need.weights) + ", input/output buffers " +
                        megabytes(need.buffers) + ") but " + limit.what + " is " + megabytes(limit.limit);
  if (limit.available < limit.limit) message += " (" + megabytes(limit.available) + " of it free)";
  return Status::error(message + ": use a smaller inputSize");
}

}  // namespace hm
