// A fixed pool of std::threads that runs one task on every thread at once and waits for all of them:
// the network splits each layer's output rows across the pool. The calling thread takes part as thread
// 0, so a pool of 1 runs everything inline. Built with threads when HM_THREADS is defined (natively
// always, in wasm the -pthread build); otherwise every pool has exactly one thread.
//
//   hm::ThreadPool pool(3);
//   pool.parallel_for(rows, [&](size_t y0, size_t y1) { kernel(..., y0, y1); });
//   pool.parallel_for_dynamic(pixels, 64, [&](size_t p0, size_t p1) { kernel(..., p0, p1); });
//
// Tasks are passed by reference (no std::function), so dispatching allocates nothing.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>

#include "base/facts.h"

namespace hm {

class ThreadPool {
 public:
  static constexpr uint32_t kMaxThreads = ::hm::kMaxThreads;  // base/facts.h

  // threads: total threads including the caller, clamped to 1..kMaxThreads (1 without HM_THREADS).
  explicit ThreadPool(uint32_t threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  uint32_t threads() const { return threads_; }

  // Calls task(t) for every t in [0, threads()) concurrently (the caller runs t = 0); returns when all
  // calls have returned.
  template <class Task>
  void run(Task&& task) {
    run_erased([](void* ctx, uint32_t t) { (*static_cast<std::remove_reference_t<Task>*>(ctx))(t); },
               const_cast<void*>(static_cast<const void*>(&task)));
  }

  // Splits [0, n) into threads() contiguous near-equal chunks and calls body(begin, end) for each
  // non-empty one, concurrently.
  template <class Body>
  void parallel_for(size_t n, Body&& body) {
    if (threads_ == 1 || n <= 1) {
      if (n > 0) body(size_t{0}, n);
      return;
    }
    run([&](uint32_t t) {
      const size_t begin = n * t / threads_;
      const size_t end = n * (t + 1) / threads_;
      if (begin < end) body(begin, end);
    });
  }

  // Splits [0, n) into chunks [k * grain, min(n, (k + 1) * grain)) (grain 0 counts as 1) and calls
  // body(begin, end) once for each, concurrently: every thread claims the next chunk from a shared
  // counter until none is left. When a thread is descheduled (the browser's GPU process, the camera and
  // the compositor share the cores), the others take its chunks instead of waiting at the end of the
  // layer for a fixed share. Which thread runs a chunk varies from call to call, so body must give the
  // same result whatever thread computes it. n <= grain, or one thread, is a single inline call.
  template <class Body>
  void parallel_for_dynamic(size_t n, size_t grain, Body&& body) {
    parallel_for_dynamic_indexed(n, grain, [&](uint32_t, size_t begin, size_t end) { body(begin, end); });
  }

  // parallel_for_dynamic whose body also gets the index t in [0, threads()) of the thread running the
  // chunk, for per-thread scratch buffers: body(t, begin, end).
  template <class Body>
  void parallel_for_dynamic_indexed(size_t n, size_t grain, Body&& body) {
    if (grain == 0) grain = 1;
    if (threads_ == 1 || n <= grain) {
      if (n > 0) body(uint32_t{0}, size_t{0}, n);
      return;
    }
    // Relaxed is enough: the counter only hands out disjoint ranges; run() orders the writes made in
    // body before its return. A claim past n (at most threads() of them) ends that thread's loop; the
    // counter stays below n + threads() * grain, far from overflow for any tensor size.
    std::atomic<size_t> next{0};
    run([&](uint32_t t) {
      for (;;) {
        const size_t begin = next.fetch_add(grain, std::memory_order_relaxed);
        if (begin >= n) return;
        body(t, begin, n - begin < grain ? n : begin + grain);
      }
    });
  }

 private:
  using ErasedTask = void (*)(void*, uint32_t);
  void run_erased(ErasedTask call, void* ctx);

  uint32_t threads_ = 1;
  struct Workers;
  std::unique_ptr<Workers> workers_;  // null when threads_ == 1
};

}  // namespace hm
