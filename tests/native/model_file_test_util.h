// Helpers shared by the model-file tests (model_file_test.cc, int8_model_test.cc): the load error of a
// deliberately broken file, and the CRC rewrite that lets an edited file reach the semantic checks.
#pragma once
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "network/crc32.h"
#include "network/engine.h"

namespace hm_test {

// The Error message of loading `bytes`, which must fail.
inline std::string load_error(const std::vector<uint8_t>& bytes) {
  hm::Status st;
  auto model = hm::Model::load(bytes.data(), bytes.size(), &st);
  EXPECT_FALSE(model);
  EXPECT_FALSE(st.ok);
  return st.message;
}

// Rewrites the trailing CRC (little-endian) over everything before it.
inline void fix_crc(std::vector<uint8_t>* bytes) {
  const uint32_t crc = hm::crc32_ieee(bytes->data(), bytes->size() - 4);
  for (int i = 0; i < 4; ++i) (*bytes)[bytes->size() - 4 + i] = static_cast<uint8_t>(crc >> (8 * i));
}

}  // namespace hm_test

#define EXPECT_MESSAGE_HAS(message, part) \
  EXPECT_NE((message).find(part), std::string::npos) << "message: " << (message)
