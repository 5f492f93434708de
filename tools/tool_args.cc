#include "tool_args.h"

#include <cstdio>
#include <sstream>

namespace hm_tools {

bool parse_args(int argc, char** argv, const std::string& known, std::map<std::string, std::string>* out) {
  std::istringstream names(known);
  std::map<std::string, bool> allowed;
  for (std::string name; names >> name;) allowed[name] = true;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) {
      std::fprintf(stderr, "error: unexpected argument '%s' (options are --name value)\n", arg.c_str());
      return false;
    }
    const std::string name = arg.substr(2);
    if (!allowed.count(name)) {
      std::fprintf(stderr, "error: unknown option --%s\n", name.c_str());
      return false;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "error: option --%s needs a value\n", name.c_str());
      return false;
    }
    (*out)[name] = argv[++i];
  }
  return true;
}

bool parse_u32(const std::string& text, unsigned* value) {
  if (text.empty() || text.size() > 10) return false;
  unsigned long long v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + unsigned(c - '0');
  }
  if (v > 0xFFFFFFFFull) return false;
  *value = unsigned(v);
  return true;
}

}  // namespace hm_tools
