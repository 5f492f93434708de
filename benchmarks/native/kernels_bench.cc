// Native (SIMDe) benchmarks of src/kernels on the network's real layer shapes (layer_shapes.h),
// optimised and scalar, reporting GFLOP/s as a counter. Native SIMDe numbers only show relative
// progress: what ships is wasm, measured by benchmarks/wasm/build-and-run.sh.
//   ./build/native/hm_native_bench --benchmark_filter=pw
#include <benchmark/benchmark.h>

#include <string>

#include "layer_runner.h"
#include "layer_shapes.h"

namespace {

void BM_Layer(benchmark::State& state, hm_bench::Layer layer, bool scalar) {
  hm_bench::LayerRunner runner(layer);
  for (auto _ : state) {
    runner.run(scalar);
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(hm_bench::layer_flops(layer) * 1e-9,
                                                 benchmark::Counter::kIsIterationInvariantRate);
}

int register_all() {
  for (const auto& layer : hm_bench::kLayers) {
    if (layer.op == hm_bench::Op::kIm2col) {  // one implementation (a copy): no scalar twin to list
      benchmark::RegisterBenchmark((std::string(layer.name) + "/copy").c_str(), BM_Layer, layer, false)
          ->Unit(benchmark::kMillisecond);
      continue;
    }
    benchmark::RegisterBenchmark((std::string(layer.name) + "/simd").c_str(), BM_Layer, layer, false)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((std::string(layer.name) + "/scalar").c_str(), BM_Layer, layer, true)
        ->Unit(benchmark::kMillisecond);
  }
  return 0;
}

const int registered = register_all();

}  // namespace

BENCHMARK_MAIN();
