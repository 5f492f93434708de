// Minimal `--name value` argument parsing shared by the native tools: every option takes one value.
#pragma once
#include <map>
#include <string>

namespace hm_tools {

// Parses argv into name -> value. Returns false (and prints why to stderr) on a malformed command line
// or an option not in `known` (a space-separated list of names without dashes).
bool parse_args(int argc, char** argv, const std::string& known, std::map<std::string, std::string>* out);

// Parses a non-negative decimal integer; false on anything else (including overflow past 2^32 - 1).
bool parse_u32(const std::string& text, unsigned* value);

}  // namespace hm_tools
