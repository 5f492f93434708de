// The JPEG/PNG codec as a wasm module of its own (dist/node/hairmatte-codec.{mjs,wasm}), for Node: the
// CLI reads and writes image files, browsers decode with createImageBitmap. Keeping it out of the engine
// builds means one engine wasm per build serves browsers and Node alike, and no browser download carries
// the codec. bindings/js/node-codec.mjs gives the engine module a `codec` that calls these, which
// HairMatte's decodeImage()/encodePng() use.
#include <emscripten/emscripten.h>

#include <cstdint>
#include <string>
#include <vector>

#include "image_codec.h"

namespace {
std::vector<uint8_t> input, output;
int width = 0, height = 0;
std::string message;
}  // namespace

extern "C" {

// `size` writable bytes for a JPEG/PNG file, or for raw pixels to encode.
EMSCRIPTEN_KEEPALIVE uint8_t* hm_codec_input(uint32_t size) {
  input.assign(size, 0);
  return input.data();
}

// Decodes the input to RGBA8; returns "" or the error message. Then output/width/height.
EMSCRIPTEN_KEEPALIVE const char* hm_codec_decode() {
  int w = 0, h = 0;
  hm::Status st = hm::decode_image(input.data(), input.size(), &output, &w, &h);
  std::vector<uint8_t>().swap(input);
  width = st.ok ? w : 0;
  height = st.ok ? h : 0;
  if (!st.ok) std::vector<uint8_t>().swap(output);
  message = st.message;
  return message.c_str();
}

// Encodes width x height x channels pixels from the input as PNG; returns "" or the error message.
EMSCRIPTEN_KEEPALIVE const char* hm_codec_encode_png(uint32_t w, uint32_t h, uint32_t channels) {
  if (static_cast<size_t>(w) * h * channels != input.size()) {
    message = "pixel buffer size does not match width * height * channels";
    return message.c_str();
  }
  hm::Status st = hm::encode_png(input.data(), static_cast<int>(w), static_cast<int>(h),
                                 static_cast<int>(channels), &output);
  std::vector<uint8_t>().swap(input);
  message = st.message;
  return message.c_str();
}

EMSCRIPTEN_KEEPALIVE uint8_t* hm_codec_output() { return output.data(); }
EMSCRIPTEN_KEEPALIVE uint32_t hm_codec_output_size() { return static_cast<uint32_t>(output.size()); }
EMSCRIPTEN_KEEPALIVE int hm_codec_width() { return width; }
EMSCRIPTEN_KEEPALIVE int hm_codec_height() { return height; }

}  // extern "C"
