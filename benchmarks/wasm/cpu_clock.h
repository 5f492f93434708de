// The benchmarks' clock: CPU time of the Node process (user + system) under Emscripten, not wall time: the
// team's machine is shared by several jobs on two cores, and time spent descheduled must not count against
// a kernel. Natively, steady_clock. Include once per benchmark binary (EM_JS defines a function).
#pragma once
#include <chrono>

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
EM_JS(double, process_cpu_ms, (), {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
});
inline double now_ms() { return process_cpu_ms(); }
#else
inline double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
#endif
