// Registers ImageBuffer (image_buffer.h) with Embind as "ImageBuffer".
#include "image_buffer.h"

#include <emscripten/bind.h>

EMSCRIPTEN_BINDINGS(hairmatte_image_buffer) {
  using hm::ImageBuffer;
  emscripten::class_<ImageBuffer>("ImageBuffer")
      .constructor<>()
      .function("resize", &ImageBuffer::resize)
      .function("view", &ImageBuffer::view)
      .function("width", &ImageBuffer::width)
      .function("height", &ImageBuffer::height)
      .function("channels", &ImageBuffer::channels)
      .function("release", &ImageBuffer::release);
}
