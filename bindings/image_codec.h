// JPEG/PNG decoding and PNG encoding inside the wasm module (stb_image / stb_image_write from Debian's
// libstb-dev), so that the Node CLI needs no native image library. Memory only: no stdio, no files.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/facts.h"
#include "base/status.h"

namespace hm {

// Images larger than this are refused before decoding (the decoder would allocate width*height*4).
// The frame limits of base/facts.h: a decoded image is a frame.
constexpr int kMaxImageSide = static_cast<int>(kMaxFrameSide);
constexpr int64_t kMaxImagePixels = kMaxFramePixels;

// JPEG or PNG bytes -> RGBA8 pixels (alpha 255 where the file has none).
Status decode_image(const uint8_t* bytes, size_t size, std::vector<uint8_t>* rgba, int* width, int* height);

// pixels: width x height x channels bytes (1 = grey, 3 = RGB, 4 = RGBA), rows packed -> PNG file bytes.
Status encode_png(const uint8_t* pixels, int width, int height, int channels, std::vector<uint8_t>* png);

}  // namespace hm
