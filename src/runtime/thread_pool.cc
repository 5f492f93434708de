#include "runtime/thread_pool.h"

#ifdef HM_THREADS
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>
#endif

namespace hm {

#ifdef HM_THREADS

namespace {
// A network run dispatches ~60 layers back to back, each a few hundred microseconds to a few
// milliseconds. Waking a sleeping thread costs tens of microseconds (a futex, or Atomics.wait in
// wasm), so both sides first spin this long on the shared counters before they block.
constexpr auto kSpin = std::chrono::microseconds(50);

template <class Ready>
bool spin_until(Ready ready) {
  const auto deadline = std::chrono::steady_clock::now() + kSpin;
  for (int i = 0;; ++i) {
    if (ready()) return true;
    if ((i & 63) == 63 && std::chrono::steady_clock::now() > deadline) return false;
  }
}
}  // namespace

// Workers wait for the generation counter to move, run their slice, and decrement `pending`; the last
// one to finish wakes the caller. Counters are atomics so the spinning phase needs no lock; the mutex
// and condition variables are only for the blocking phase.
struct ThreadPool::Workers {
  std::mutex mutex;
  std::condition_variable wake;
  std::condition_variable done;
  std::atomic<uint64_t> generation{0};
  std::atomic<uint32_t> pending{0};
  std::atomic<bool> stopping{false};
  ErasedTask call = nullptr;  // written before generation is released, read after it is acquired
  void* ctx = nullptr;
  std::vector<std::thread> threads;

  void loop(uint32_t index) {
    uint64_t seen = 0;
    for (;;) {
      auto moved = [&] { return stopping.load(std::memory_order_acquire) ||
                                generation.load(std::memory_order_acquire) != seen; };
      if (!spin_until(moved)) {
        std::unique_lock<std::mutex> lock(mutex);
        wake.wait(lock, moved);
      }
      if (stopping.load(std::memory_order_acquire)) return;
      seen = generation.load(std::memory_order_acquire);
      call(ctx, index);
      if (pending.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> lock(mutex);  // pairs with the caller's check under the lock
        done.notify_one();
      }
    }
  }
};

ThreadPool::ThreadPool(uint32_t threads) {
  threads_ = threads < 1 ? 1 : (threads > kMaxThreads ? kMaxThreads : threads);
  if (threads_ == 1) return;
  workers_.reset(new Workers);
  for (uint32_t t = 1; t < threads_; ++t) {
    workers_->threads.emplace_back([this, t] { workers_->loop(t); });
  }
}

ThreadPool::~ThreadPool() {
  if (!workers_) return;
  {
    std::lock_guard<std::mutex> lock(workers_->mutex);
    workers_->stopping.store(true, std::memory_order_release);
  }
  workers_->wake.notify_all();
  for (std::thread& t : workers_->threads) t.join();
}

void ThreadPool::run_erased(ErasedTask call, void* ctx) {
  if (!workers_) {
    call(ctx, 0);
    return;
  }
  Workers& w = *workers_;
  w.call = call;
  w.ctx = ctx;
  w.pending.store(threads_ - 1, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(w.mutex);  // a worker between its check and its wait sees this
    w.generation.fetch_add(1, std::memory_order_release);
  }
  w.wake.notify_all();
  call(ctx, 0);
  auto finished = [&] { return w.pending.load(std::memory_order_acquire) == 0; };
  if (!spin_until(finished)) {
    std::unique_lock<std::mutex> lock(w.mutex);
    w.done.wait(lock, finished);
  }
}

#else  // no threads: every pool runs its single slice inline

struct ThreadPool::Workers {};

ThreadPool::ThreadPool(uint32_t) : threads_(1) {}
ThreadPool::~ThreadPool() = default;
void ThreadPool::run_erased(ErasedTask call, void* ctx) { call(ctx, 0); }

#endif

}  // namespace hm
