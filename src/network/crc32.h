// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, init and final xor 0xFFFFFFFF): the checksum
// zlib's crc32() computes, which ends every model file.
#pragma once
#include <cstddef>
#include <cstdint>

namespace hm {
uint32_t crc32_ieee(const uint8_t* bytes, size_t size);
}  // namespace hm
