// The browser builds' stand-in for image_codec.cc: browsers decode images themselves (createImageBitmap,
// <img>, canvas), so the JPEG/PNG codec is compiled only into the Node/CLI build (bindings/CMakeLists.txt)
// and a browser download carries none of it. The calls still answer, with an Error saying why.
#include "image_codec.h"

namespace hm {

Status decode_image(const uint8_t*, size_t, std::vector<uint8_t>*, int*, int*) {
  return Status::error(
      "decodeImage(): this build has no image codec (only Node's simd and simd-threads builds do); "
      "in browsers decode with createImageBitmap() or an <img>");
}

Status encode_png(const uint8_t*, int, int, int, std::vector<uint8_t>*) {
  return Status::error(
      "encodePng(): this build has no image codec (only Node's simd and simd-threads builds do); "
      "in browsers use a canvas (toBlob)");
}

}  // namespace hm
