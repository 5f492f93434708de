// Issue 17: a network plan that cannot fit in memory is refused before anything is allocated, with an
// error naming the size asked for and the limit (in wasm an allocation past the limit aborts the module).
#include <gtest/gtest.h>

#include <string>

#include "network/engine.h"
#include "network/memory_budget.h"
#include "runtime/arena.h"

namespace {

TEST(MemoryBudget, NeedWithinTheLimitPasses) {
  hm::MemoryNeed need{100, 20, 5};
  EXPECT_TRUE(hm::check_memory_need(need, hm::MemoryLimit{200, 150, "the wasm memory limit"}, "x").ok);
}

TEST(MemoryBudget, ErrorNamesTheNeedAndTheLimit) {
  const uint64_t mb = 1024 * 1024;
  hm::MemoryNeed need{3000 * mb, 14 * mb, 32 * mb};
  const hm::Status st = hm::check_memory_need(need, hm::MemoryLimit{2048 * mb, 2000 * mb, "the wasm memory limit"},
                                              "hairmattenet (decoder depth 64) at input 4096");
  ASSERT_FALSE(st.ok);
  EXPECT_NE(st.message.find("hairmattenet (decoder depth 64) at input 4096 needs 3046 MB"), std::string::npos)
      << st.message;
  EXPECT_NE(st.message.find("activations 3000 MB, weights 14 MB, input/output buffers 32 MB"), std::string::npos)
      << st.message;
  EXPECT_NE(st.message.find("the wasm memory limit is 2048 MB (2000 MB of it free)"), std::string::npos)
      << st.message;
}

TEST(MemoryBudget, NewAllocationsMustFitInWhatIsFree) {
  // The total fits the limit, but what is still free does not hold the arena.
  hm::MemoryNeed need{900, 100, 0};
  const hm::Status st = hm::check_memory_need(need, hm::MemoryLimit{2000, 800, "the wasm memory limit"}, "x");
  EXPECT_FALSE(st.ok);
}

TEST(MemoryBudget, ArenaPlannerMeasuresPastFourGigabytes) {
  hm::ArenaPlanner planner;
  const uint64_t big = uint64_t{4096} * 4096 * 64 * sizeof(float);  // 4 GiB: wraps a 32-bit size_t
  planner.add(big, 0, 1);
  planner.add(big, 1, 2);
  EXPECT_EQ(planner.plan(), 2 * big);
}

TEST(MemoryBudget, NetworkTooLargeForThisMachineIsRefusedWithTheSizes) {
  hm::Status st;
  auto model = hm::Model::random(hm::ArchSpec{hm::Arch::kHairMatteNet, 1024, 250, 224}, 1, &st);
  ASSERT_TRUE(model) << st.message;
  // Depth 1024 at input 4096: the last decoder stage alone is 4096^2 x 1024 floats = 64 GiB.
  auto net = hm::Network::create(model, 4096, 1, &st);
  EXPECT_FALSE(net);
  ASSERT_FALSE(st.ok);
  EXPECT_NE(st.message.find("hairmattenet (decoder depth 1024) at input 4096 needs "), std::string::npos)
      << st.message;
  EXPECT_NE(st.message.find("but the physical memory is "), std::string::npos) << st.message;
  // The model is still usable at a size that fits.
  EXPECT_TRUE(hm::Network::create(model, 64, 1, &st)) << st.message;
}

}  // namespace
