#include "image_codec.h"

#include <cstring>
#include <string>

// Only the two formats the CLI promises, and no FILE* I/O (the wasm build has no file system).
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#include <stb/stb_image.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb/stb_image_write.h>

namespace hm {

Status decode_image(const uint8_t* bytes, size_t size, std::vector<uint8_t>* rgba, int* width, int* height) {
  if (!bytes || size == 0) return Status::error("image is empty");
  if (size > 0x7fffffff) return Status::error("image file is larger than 2 GiB");
  const int length = static_cast<int>(size);
  int w = 0, h = 0, channels = 0;
  if (!stbi_info_from_memory(bytes, length, &w, &h, &channels)) {
    return Status::error(std::string("not a readable JPEG or PNG image (") + stbi_failure_reason() + ")");
  }
  if (w <= 0 || h <= 0 || w > kMaxImageSide || h > kMaxImageSide || int64_t{w} * h > kMaxImagePixels) {
    return Status::error("image is " + std::to_string(w) + "x" + std::to_string(h) + "; at most " +
                         std::to_string(kMaxImagePixels) + " pixels and " + std::to_string(kMaxImageSide) +
                         " per side are accepted");
  }
  uint8_t* pixels = stbi_load_from_memory(bytes, length, &w, &h, &channels, 4);
  if (!pixels) return Status::error(std::string("cannot decode the image (") + stbi_failure_reason() + ")");
  rgba->assign(pixels, pixels + static_cast<size_t>(w) * h * 4);
  stbi_image_free(pixels);
  *width = w;
  *height = h;
  return Status{};
}

namespace {
void append_bytes(void* context, void* data, int size) {
  auto* out = static_cast<std::vector<uint8_t>*>(context);
  const auto* bytes = static_cast<const uint8_t*>(data);
  out->insert(out->end(), bytes, bytes + size);
}
}  // namespace

Status encode_png(const uint8_t* pixels, int width, int height, int channels, std::vector<uint8_t>* png) {
  if (!pixels || width <= 0 || height <= 0) return Status::error("PNG: empty image");
  if (channels != 1 && channels != 3 && channels != 4) return Status::error("PNG: channels must be 1, 3 or 4");
  png->clear();
  if (!stbi_write_png_to_func(append_bytes, png, width, height, channels, pixels, width * channels)) {
    return Status::error("PNG: encoding failed");
  }
  return Status{};
}

}  // namespace hm
