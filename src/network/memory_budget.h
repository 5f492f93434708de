// The memory check made before a network is given any memory: what a plan needs (its activation arena,
// the model's weights, the network's input and output buffers) against what this process can have.
// On wasm the limit is the module's maximum memory (-sMAXIMUM_MEMORY, 2 GiB): an allocation past it would
// abort the module (no exceptions in the wasm build), so a plan that cannot fit is refused up front with
// an Error that names both sizes. Natively the limit is the machine's physical memory.
#pragma once
#include <cstdint>
#include <string>

#include "network/engine.h"

namespace hm {

struct MemoryNeed {
  uint64_t arena = 0;    // activations (NetworkPlan::arena_bytes)
  uint64_t weights = 0;  // the model's packed weights (already allocated when the plan is made)
  uint64_t buffers = 0;  // the network's input (RGBA) and probability map, and the caller's copies of them
  uint64_t total() const { return arena + weights + buffers; }
};

struct MemoryLimit {
  uint64_t limit = 0;      // the most this module (wasm) or machine (native) can hold
  uint64_t available = 0;  // what of it is not in use now (the weights already are)
  const char* what = "";   // "the wasm memory limit" | "the physical memory"
};

// This process's limit now.
MemoryLimit current_memory_limit();

// ok when the new allocations of `need` (arena + buffers) fit in `limit.available` and the whole need in
// `limit.limit`; else an error naming the sizes, e.g. "hairmattenet at input 4096 needs 6208 MB (...) but
// the wasm memory limit is 2048 MB (1990 MB of it free)". `what` names the plan.
Status check_memory_need(const MemoryNeed& need, const MemoryLimit& limit, const std::string& what);

}  // namespace hm
