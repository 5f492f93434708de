// A fixed pool of std::threads that runs one task on every thread at once and waits for all of them:
// the network splits each layer's output rows across the pool. The calling thread takes part as thread
// 0, so a pool of 1 runs everything inline. Built with threads when HM_THREADS is defined (natively
// always, in wasm the -pthread build); otherwise every pool has exactly one thread.
//
//   hm::ThreadPool pool(3);
//   pool.parallel_for(rows, [&](size_t y0, size_t y1) { kernel(..., y0, y1); });
//
// Tasks are passed by reference (no std::function), so dispatching allocates nothing.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>

namespace hm {

class ThreadPool {
 public:
  static constexpr uint32_t kMaxThreads = 64;

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

 private:
  using ErasedTask = void (*)(void*, uint32_t);
  void run_erased(ErasedTask call, void* ctx);

  uint32_t threads_ = 1;
  struct Workers;
  std::unique_ptr<Workers> workers_;  // null when threads_ == 1
};

}  // namespace hm
