#include "runtime/thread_pool.h"

#ifdef HM_THREADS
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>
#endif

namespace hm {

#ifdef HM_THREADS

// Workers sleep on a condition variable until the generation counter moves, run their slice, and the
// last one to finish wakes the caller.
struct ThreadPool::Workers {
  std::mutex mutex;
  std::condition_variable wake;
  std::condition_variable done;
  uint64_t generation = 0;
  uint32_t pending = 0;
  bool stopping = false;
  ErasedTask call = nullptr;
  void* ctx = nullptr;
  std::vector<std::thread> threads;

  void loop(uint32_t index) {
    uint64_t seen = 0;
    for (;;) {
      ErasedTask task;
      void* task_ctx;
      {
        std::unique_lock<std::mutex> lock(mutex);
        wake.wait(lock, [&] { return stopping || generation != seen; });
        if (stopping) return;
        seen = generation;
        task = call;
        task_ctx = ctx;
      }
      task(task_ctx, index);
      std::lock_guard<std::mutex> lock(mutex);
      if (--pending == 0) done.notify_one();
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
    workers_->stopping = true;
  }
  workers_->wake.notify_all();
  for (std::thread& t : workers_->threads) t.join();
}

void ThreadPool::run_erased(ErasedTask call, void* ctx) {
  if (!workers_) {
    call(ctx, 0);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(workers_->mutex);
    workers_->call = call;
    workers_->ctx = ctx;
    workers_->pending = threads_ - 1;
    ++workers_->generation;
  }
  workers_->wake.notify_all();
  call(ctx, 0);
  std::unique_lock<std::mutex> lock(workers_->mutex);
  workers_->done.wait(lock, [&] { return workers_->pending == 0; });
}

#else  // no threads: every pool runs its single slice inline

struct ThreadPool::Workers {};

ThreadPool::ThreadPool(uint32_t) : threads_(1) {}
ThreadPool::~ThreadPool() = default;
void ThreadPool::run_erased(ErasedTask call, void* ctx) { call(ctx, 0); }

#endif

}  // namespace hm
