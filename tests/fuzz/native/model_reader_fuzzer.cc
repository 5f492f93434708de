// libFuzzer target for the model reader (src/network/model_file.cc via hm::Model::load), built natively
// with Debian's clang-14 under ASan + UBSan by tests/fuzz/native/run.sh, which runs it for a fixed number
// of iterations from seed files made by the benchmarks' model writer.
//
// Input: one flag byte, then the model file. With the flag's low bit set, the file's trailing CRC-32 is
// rewritten to match before loading, so that mutations get past the checksum into the structural and
// semantic checks (records, names, shapes, values) instead of stopping at "checksum mismatch".
// Any crash, sanitizer report, leak or accepted file that cannot be planned and run is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "network/crc32.h"
#include "network/engine.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const bool fix_crc = data[0] & 1;
  std::vector<uint8_t> file(data + 1, data + size);
  if (fix_crc && file.size() >= 4) {
    const uint32_t crc = hm::crc32_ieee(file.data(), file.size() - 4);
    for (int i = 0; i < 4; ++i) file[file.size() - 4 + i] = static_cast<uint8_t>(crc >> (8 * i));
  }
  hm::Status status;
  auto model = hm::Model::load(file.data(), file.size(), &status);
  if (!model) {
    if (status.ok || status.message.empty()) std::abort();  // a rejection must say why
    return 0;
  }
  // Accepted: it must plan and run at the smallest input size.
  auto network = hm::Network::create(model, 32, 1, &status);
  if (!network) std::abort();
  std::vector<uint8_t> rgba(32 * 32 * 4, 128);
  std::vector<float> probability(32 * 32);
  network->run(rgba.data(), 32 * 4, probability.data());
  for (float p : probability) {
    if (!(p >= 0.f && p <= 1.f)) std::abort();
  }
  return 0;
}
