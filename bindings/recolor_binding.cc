// The Embind surface of the recolour (src/color/recolor.h; docs/recolor.md), used only by
// bindings/js/index.mjs: a look, set once and kept, applied to a frame under a matte, both given on every
// call as ImageBuffers (image_buffer.h). Errors are returned as strings (empty on success), never thrown.
#include <emscripten/bind.h>

#include <cstdint>
#include <string>

#include "color/recolor.h"
#include "image_buffer.h"

namespace hm {
namespace {

class RecolorBinding {
 public:
  // color, colorEnd: '#RRGGBB'; mode: 'solid' | 'ombre' | 'highlights'; strength: [0, 1] (checked in JS).
  std::string setLook(const std::string& color, const std::string& color_end, const std::string& mode,
                      float strength) {
    RecolorLook look;
    if (!parse_hex_color(color.c_str(), look.color)) return "color must be '#RRGGBB', got '" + color + "'";
    if (!parse_hex_color(color_end.c_str(), look.color_end))
      return "colorEnd must be '#RRGGBB', got '" + color_end + "'";
    if (!parse_recolor_mode(mode.c_str(), &look.mode))
      return "mode must be " + recolor_mode_names() + ", got '" + mode + "'";
    look.strength = strength;
    look_ = look;
    return "";
  }

  // Recolours `frame` (RGBA) under `matte` (1 byte per pixel, the frame's size) with the look; the RGBA
  // result is written to `out` (resized to the frame).
  std::string recolor(const ImageBuffer& frame, const ImageBuffer& matte, ImageBuffer& out) {
    if (frame.empty() || frame.channels() != 4) return "recolor: the frame must be an RGBA image";
    if (matte.channels() != 1 || matte.width() != frame.width() || matte.height() != frame.height())
      return "recolor: the matte is " + std::to_string(matte.width()) + "x" + std::to_string(matte.height()) +
             " but the frame is " + std::to_string(frame.width()) + "x" + std::to_string(frame.height());
    if (!out.allocate(frame.width(), frame.height(), 4)) return "recolor: cannot size the output";
    const int w = static_cast<int>(frame.width()), h = static_cast<int>(frame.height());
    const HairStats stats = compute_hair_stats(frame.data(), w, h, frame.row_stride(), matte.data());
    return hm::recolor(frame.data(), w, h, frame.row_stride(), matte.data(), look_, stats, out.data(),
                       out.row_stride())
        .message;
  }

 private:
  RecolorLook look_;
};

}  // namespace
}  // namespace hm

EMSCRIPTEN_BINDINGS(hairmatte_recolor) {
  using hm::RecolorBinding;
  emscripten::class_<RecolorBinding>("Recolorer")
      .constructor<>()
      .function("setLook", &RecolorBinding::setLook)
      .function("recolor", &RecolorBinding::recolor);
}
