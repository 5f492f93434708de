// The result of a call that can fail on bad input: every layer reports errors this way, because no
// exceptions cross the engine's boundary (the wasm build has them disabled). On failure `message` says
// what was wrong, in words meant for the caller; the objects that returned it stay usable.
#pragma once
#include <string>
#include <utility>

namespace hm {

struct Status {
  bool ok = true;
  std::string message;  // empty when ok
  static Status error(std::string m) { return Status{false, std::move(m)}; }
};

}  // namespace hm
