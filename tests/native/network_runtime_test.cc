// The runtime under the network: the thread pool (every index exactly once, across the spin and the
// blocking hand-offs) and the arena planner (buffers alive at the same time never share bytes).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include "runtime/arena.h"
#include "runtime/thread_pool.h"

namespace {

TEST(NetworkThreadPool, ParallelForCoversEveryIndexOnce) {
  for (uint32_t threads : {1u, 2u, 3u, 4u}) {
    hm::ThreadPool pool(threads);
    EXPECT_EQ(pool.threads(), threads);
    for (size_t n : {0, 1, 2, 3, 7, 100, 1001}) {
      std::vector<std::atomic<int>> hits(n);
      pool.parallel_for(n, [&](size_t begin, size_t end) {
        ASSERT_LT(begin, end);
        for (size_t i = begin; i < end; ++i) hits[i].fetch_add(1);
      });
      for (size_t i = 0; i < n; ++i) ASSERT_EQ(hits[i].load(), 1) << "threads " << threads << " n " << n << " i " << i;
    }
  }
}

TEST(NetworkThreadPool, ParallelForDynamicCoversEveryIndexOnceInGrainAlignedChunks) {
  std::mt19937 rng(7);
  for (uint32_t threads : {1u, 2u, 3u, 4u}) {
    hm::ThreadPool pool(threads);
    std::vector<std::pair<size_t, size_t>> cases = {{0, 1}, {0, 5}, {1, 1}, {1, 4}, {3, 8}, {8, 8},
                                                     {9, 8}, {100, 0}, {100, 1}, {1001, 64}};
    for (int trial = 0; trial < 40; ++trial) {
      cases.emplace_back(rng() % 3000, 1 + rng() % (trial < 20 ? 40 : 4000));
    }
    for (auto [n, grain] : cases) {
      const size_t g = grain == 0 ? 1 : grain;
      std::vector<std::atomic<int>> hits(n);
      std::atomic<size_t> calls{0};
      pool.parallel_for_dynamic(n, grain, [&](size_t begin, size_t end) {
        calls.fetch_add(1);
        ASSERT_LT(begin, end);
        ASSERT_LE(end, n);
        // One thread, or n <= grain: a single call over everything; otherwise chunk k is [k g, (k+1) g).
        if (threads > 1 && n > g) {
          ASSERT_EQ(begin % g, 0u);
          ASSERT_EQ(end, std::min(n, begin + g));
        }
        for (size_t i = begin; i < end; ++i) hits[i].fetch_add(1);
      });
      for (size_t i = 0; i < n; ++i) {
        ASSERT_EQ(hits[i].load(), 1) << "threads " << threads << " n " << n << " grain " << grain << " i " << i;
      }
      const size_t expected_calls = n == 0 ? 0 : (threads == 1 || n <= g ? 1 : (n + g - 1) / g);
      EXPECT_EQ(calls.load(), expected_calls) << "threads " << threads << " n " << n << " grain " << grain;
    }
  }
}

// The indexed form hands each chunk the index of the thread running it, so a per-thread scratch buffer is
// never used by two chunks at once: every index is in range, and no index is in use by two bodies at a
// time (checked with a busy flag per index while each body lingers a little).
TEST(NetworkThreadPool, ParallelForDynamicIndexedGivesEachRunningChunkItsOwnThreadIndex) {
  for (uint32_t threads : {1u, 2u, 3u}) {
    hm::ThreadPool pool(threads);
    std::vector<std::atomic<int>> busy(threads), used(threads);
    std::vector<std::atomic<int>> hits(200);
    pool.parallel_for_dynamic_indexed(hits.size(), 3, [&](uint32_t t, size_t begin, size_t end) {
      ASSERT_LT(t, threads);
      ASSERT_EQ(busy[t].exchange(1), 0) << "thread index " << t << " given to two running chunks";
      used[t].fetch_add(1);
      for (size_t i = begin; i < end; ++i) hits[i].fetch_add(1);
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      busy[t].store(0);
    });
    for (auto& h : hits) ASSERT_EQ(h.load(), 1);
    EXPECT_GT(used[0].load(), 0) << "the calling thread (index 0) takes chunks too";
  }
}

// The point of the dynamic split: a thread held up in one chunk does not hold back the rest. The chunk
// claimed first waits until every other chunk is done, which only the other threads can do; a split
// into fixed shares would leave that thread's later chunks undone (the wait then times out and fails).
TEST(NetworkThreadPool, ParallelForDynamicLetsOtherThreadsTakeAStalledThreadsChunks) {
  for (uint32_t threads : {2u, 3u, 4u}) {
    hm::ThreadPool pool(threads);
    const size_t n = 40;
    std::atomic<size_t> done{0};
    std::atomic<bool> first_claimed{false};
    std::atomic<bool> stalled_chunk_saw_all{false};
    pool.parallel_for_dynamic(n, 1, [&](size_t begin, size_t) {
      (void)begin;
      if (!first_claimed.exchange(true)) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (done.load() < n - 1 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
        stalled_chunk_saw_all = done.load() == n - 1;
      }
      done.fetch_add(1);
    });
    EXPECT_EQ(done.load(), n);
    EXPECT_TRUE(stalled_chunk_saw_all.load()) << "threads " << threads;
  }
}

TEST(NetworkThreadPool, RunGivesEveryThreadItsIndexAcrossManyDispatches) {
  hm::ThreadPool pool(3);
  std::vector<std::atomic<int>> calls(3);
  for (int round = 0; round < 2000; ++round) {
    pool.run([&](uint32_t t) { calls[t].fetch_add(1); });
  }
  for (uint32_t t = 0; t < 3; ++t) EXPECT_EQ(calls[t].load(), 2000);
  // Tasks longer than the spin, and pauses between dispatches, exercise the blocking hand-offs.
  for (int round = 0; round < 20; ++round) {
    pool.run([&](uint32_t t) {
      std::this_thread::sleep_for(std::chrono::microseconds(t == 0 ? 300 : 100 * round));
      calls[t].fetch_add(1);
    });
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  for (uint32_t t = 0; t < 3; ++t) EXPECT_EQ(calls[t].load(), 2020);
}

TEST(NetworkThreadPool, ClampsTheThreadCount) {
  EXPECT_EQ(hm::ThreadPool(0).threads(), 1u);
  EXPECT_EQ(hm::ThreadPool(1000).threads(), hm::ThreadPool::kMaxThreads);
}

TEST(NetworkArenaPlanner, BuffersAliveTogetherNeverOverlap) {
  std::mt19937 rng(17);
  for (int trial = 0; trial < 50; ++trial) {
    hm::ArenaPlanner planner;
    struct Use {
      size_t bytes;
      int first, last;
    };
    std::vector<Use> uses;
    const int count = 1 + int(rng() % 40);
    for (int i = 0; i < count; ++i) {
      const int first = int(rng() % 30);
      Use u{1 + rng() % 5000, first, first + int(rng() % 6)};
      uses.push_back(u);
      const size_t id = planner.add(u.bytes, u.first, u.first);
      planner.use(id, u.last);  // widening the lifetime must be honoured
    }
    const size_t total = planner.plan();
    size_t peak_live = 0;
    for (int step = 0; step < 40; ++step) {
      size_t live = 0;
      for (const Use& u : uses) live += (u.first <= step && step <= u.last) ? u.bytes : 0;
      peak_live = std::max(peak_live, live);
    }
    EXPECT_GE(total, peak_live);
    for (int a = 0; a < count; ++a) {
      EXPECT_EQ(planner.offset(a) % hm::ArenaPlanner::kAlignment, 0u);
      EXPECT_LE(planner.offset(a) + uses[a].bytes, total);
      for (int b = a + 1; b < count; ++b) {
        const bool alive_together = uses[a].first <= uses[b].last && uses[b].first <= uses[a].last;
        const bool share_bytes = planner.offset(a) < planner.offset(b) + uses[b].bytes &&
                                 planner.offset(b) < planner.offset(a) + uses[a].bytes;
        ASSERT_FALSE(alive_together && share_bytes) << "trial " << trial << " buffers " << a << ", " << b;
      }
    }
  }
}

TEST(NetworkArenaPlanner, ReusesMemoryOfDeadBuffers) {
  hm::ArenaPlanner planner;
  planner.add(1000, 0, 1);
  planner.add(1000, 1, 2);
  planner.add(1000, 2, 3);  // can take the first buffer's bytes
  EXPECT_EQ(planner.plan(), 2 * 1024u);
  hm::Arena arena(2048);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(arena.floats(0)) % hm::ArenaPlanner::kAlignment, 0u);
  EXPECT_EQ(arena.bytes(), 2048u);
}

}  // namespace
