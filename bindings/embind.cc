// The Embind surface of the engine, used only by bindings/js/index.mjs (which validates every input first).
//
// Errors never throw (the wasm build has exceptions off) and never abort: every fallible method returns a
// std::string, empty on success, else the reason; the JS wrapper turns it into an Error. Memory crosses
// the boundary through views of buffers this object owns (typed_memory_view, zero-copy): JS writes the
// model bytes / frame into a view, calls the method, and copies the result out of another view. A view is
// only valid until the next call that may allocate (memory growth detaches it), so JS re-takes it.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "color/recolor.h"
#include "pipeline/frame_segmenter.h"
#include "image_codec.h"
#include "network/engine.h"

namespace hm {
namespace {

using emscripten::typed_memory_view;
using emscripten::val;

class EngineBinding {
 public:
  // --- model ---
  // A view of `size` writable bytes for the model file; loadModel() parses them and frees them.
  val modelBuffer(uint32_t size) {
    model_bytes_.assign(size, 0);
    return val(typed_memory_view(model_bytes_.size(), model_bytes_.data()));
  }

  std::string loadModel(uint32_t input_size, uint32_t threads) {
    Status status;
    auto model = Model::load(model_bytes_.data(), model_bytes_.size(), &status);
    std::vector<uint8_t>().swap(model_bytes_);
    if (!model) return "invalid model file: " + status.message;
    if (input_size == 0) input_size = model->spec().input_size;  // 0: the size the model was trained at
    return plan(std::move(model), input_size, threads);
  }

  std::string randomModel(const std::string& arch, uint32_t decoder_depth, uint32_t width_permille,
                          uint32_t input_size, uint32_t seed, uint32_t threads) {
    ArchSpec spec;
    if (arch == "hairmattenet") {
      spec.arch = Arch::kHairMatteNet;
    } else if (arch == "hairsegnet") {
      spec.arch = Arch::kHairSegNet;
    } else {
      return "unknown architecture '" + arch + "' (expected 'hairmattenet' or 'hairsegnet')";
    }
    spec.decoder_depth = decoder_depth;
    spec.width_permille = width_permille;
    spec.input_size = input_size;
    Status status;
    auto model = Model::random(spec, seed, &status);
    if (!model) return "cannot build a random model: " + status.message;
    return plan(std::move(model), input_size, threads);
  }

  // --- frames ---
  // A view of width * height * 4 writable bytes for an RGBA frame (the buffer is kept between frames).
  val frameBuffer(uint32_t width, uint32_t height) {
    const size_t bytes = static_cast<size_t>(width) * height * 4;
    if (width == 0 || height == 0 || width > FrameSegmenter::kMaxFrameSide ||
        height > FrameSegmenter::kMaxFrameSide)
      return val::null();
    if (frame_.size() != bytes) frame_.assign(bytes, 0);
    return val(typed_memory_view(frame_.size(), frame_.data()));
  }

  // Segments the frame last written into frameBuffer(width, height); the matte is then in alphaView().
  std::string segment(uint32_t width, uint32_t height) {
    if (!segmenter_) return "no model loaded";
    if (frame_.size() != static_cast<size_t>(width) * height * 4)
      return "frame size does not match the last frameBuffer() call";
    alpha_.resize(static_cast<size_t>(width) * height);
    return segmenter_->segment(frame_.data(), width, height, static_cast<size_t>(width) * 4, alpha_.data())
        .message;
  }

  val alphaView() { return val(typed_memory_view(alpha_.size(), alpha_.data())); }

  // The network's P(hair) for the frame last written into frameBuffer(width, height), at the frame's
  // resolution (FrameSegmenter::probability); then probabilityView() and probabilityRegion().
  std::string probability(uint32_t width, uint32_t height) {
    if (!segmenter_) return "no model loaded";
    if (frame_.size() != static_cast<size_t>(width) * height * 4)
      return "frame size does not match the last frameBuffer() call";
    probability_.resize(static_cast<size_t>(width) * height);
    return segmenter_
        ->probability(frame_.data(), width, height, static_cast<size_t>(width) * 4, probability_.data(), &region_)
        .message;
  }
  val probabilityView() { return val(typed_memory_view(probability_.size(), probability_.data())); }
  // [x, y, width, height] of the region the last probability() call ran the network on, in frame pixels.
  val probabilityRegion() const {
    val region = val::array();
    region.call<void>("push", region_.x, region_.y, region_.width, region_.height);
    return region;
  }

  // --- recolour (docs/recolor.md; the same formula as the page's shader) ---
  // A view of width * height writable bytes for a matte to recolour with.
  val matteBuffer(uint32_t width, uint32_t height) {
    const size_t n = static_cast<size_t>(width) * height;
    if (width == 0 || height == 0 || width > FrameSegmenter::kMaxFrameSide ||
        height > FrameSegmenter::kMaxFrameSide)
      return val::null();
    if (matte_.size() != n) matte_.assign(n, 0);
    return val(typed_memory_view(matte_.size(), matte_.data()));
  }

  // Recolours the frame in frameBuffer(width, height) under the matte in matteBuffer(width, height);
  // the RGBA result is then in recoloredView().
  std::string recolor(uint32_t width, uint32_t height, const std::string& color, const std::string& color_end,
                      const std::string& mode, float strength) {
    const size_t n = static_cast<size_t>(width) * height;
    if (frame_.size() != n * 4 || matte_.size() != n)
      return "frame or matte size does not match the last frameBuffer()/matteBuffer() calls";
    RecolorLook look;
    if (!parse_hex_color(color.c_str(), look.color)) return "color must be '#RRGGBB', got '" + color + "'";
    if (!parse_hex_color(color_end.c_str(), look.color_end))
      return "colorEnd must be '#RRGGBB', got '" + color_end + "'";
    if (!parse_recolor_mode(mode.c_str(), &look.mode))
      return "mode must be 'solid', 'ombre' or 'highlights', got '" + mode + "'";
    look.strength = strength;
    const int w = static_cast<int>(width), h = static_cast<int>(height);
    const HairStats stats = compute_hair_stats(frame_.data(), w, h, static_cast<size_t>(width) * 4, matte_.data());
    recolored_.resize(n * 4);
    return hm::recolor(frame_.data(), w, h, static_cast<size_t>(width) * 4, matte_.data(), look, stats,
                       recolored_.data(), static_cast<size_t>(width) * 4)
        .message;
  }

  val recoloredView() { return val(typed_memory_view(recolored_.size(), recolored_.data())); }

  // --- image files (the CLI) ---
  // A view of `size` writable bytes for a JPEG/PNG file, or for raw pixels to encode.
  val fileBuffer(uint32_t size) {
    file_.assign(size, 0);
    return val(typed_memory_view(file_.size(), file_.data()));
  }
  // Decodes the file in fileBuffer() to RGBA; then decodedView(), decodedWidth(), decodedHeight().
  std::string decodeImage() {
    int w = 0, h = 0;
    Status st = decode_image(file_.data(), file_.size(), &decoded_, &w, &h);
    std::vector<uint8_t>().swap(file_);
    decoded_width_ = st.ok ? w : 0;
    decoded_height_ = st.ok ? h : 0;
    if (!st.ok) std::vector<uint8_t>().swap(decoded_);
    return st.message;
  }
  val decodedView() { return val(typed_memory_view(decoded_.size(), decoded_.data())); }
  uint32_t decodedWidth() const { return decoded_width_; }
  uint32_t decodedHeight() const { return decoded_height_; }
  // Encodes width x height x channels pixels from fileBuffer() as PNG; then encodedView().
  std::string encodePng(uint32_t width, uint32_t height, uint32_t channels) {
    if (static_cast<size_t>(width) * height * channels != file_.size())
      return "pixel buffer size does not match width * height * channels";
    Status st = encode_png(file_.data(), static_cast<int>(width), static_cast<int>(height),
                           static_cast<int>(channels), &encoded_);
    std::vector<uint8_t>().swap(file_);
    return st.message;
  }
  val encodedView() { return val(typed_memory_view(encoded_.size(), encoded_.data())); }

  // --- options and state ---
  // refine: "guided" | "none"; temporal: [0, 1]; track_head: follow the head in video (temporal > 0);
  // quality: "fast" | "best" (the network also on the mirror image, averaged).
  std::string setOptions(const std::string& refine, float temporal, bool track_head, const std::string& quality) {
    if (!segmenter_) return "no model loaded";
    MatteOptions options = segmenter_->options();
    if (refine == "guided") {
      options.refine = Refine::kGuided;
    } else if (refine == "none") {
      options.refine = Refine::kNone;
    } else {
      return "refine must be 'guided' or 'none', got '" + refine + "'";
    }
    if (quality != "fast" && quality != "best") return "quality must be 'fast' or 'best', got '" + quality + "'";
    options.temporal = temporal;
    options.track_head = track_head;
    const std::string error = segmenter_->set_options(options).message;
    if (error.empty()) segmenter_->set_quality(quality == "best" ? Quality::kBest : Quality::kFast);
    return error;
  }
  void reset() {
    if (segmenter_) segmenter_->reset();
  }
  // Frees the network and every buffer now (JS also calls delete() on this object).
  void release() {
    segmenter_.reset();
    std::vector<uint8_t>().swap(model_bytes_);
    std::vector<uint8_t>().swap(frame_);
    std::vector<uint8_t>().swap(alpha_);
    std::vector<float>().swap(probability_);
    std::vector<uint8_t>().swap(matte_);
    std::vector<uint8_t>().swap(recolored_);
    std::vector<uint8_t>().swap(file_);
    std::vector<uint8_t>().swap(decoded_);
    std::vector<uint8_t>().swap(encoded_);
  }

  // --- info (valid after a successful load) ---
  std::string arch() const { return segmenter_ ? arch_name(model().spec().arch) : ""; }
  uint32_t decoderDepth() const { return segmenter_ ? model().spec().decoder_depth : 0; }
  uint32_t widthPermille() const { return segmenter_ ? model().spec().width_permille : 0; }
  uint32_t inputSize() const { return segmenter_ ? segmenter_->network().input_size() : 0; }
  uint32_t threads() const { return segmenter_ ? segmenter_->network().threads() : 0; }
  double arenaBytes() const { return segmenter_ ? double(segmenter_->network().arena_bytes()) : 0; }
  double multiplyAdds() const { return segmenter_ ? segmenter_->network().multiply_adds() : 0; }
  // Matte levels of the pipeline (matte_pipeline.h): alpha within this of 0 or 255 snaps to it.
  uint32_t matteLevelLow() const { return MattePipeline::kLevelLow; }
  std::string metadata() const { return segmenter_ ? model().metadata_json() : "{}"; }

 private:
  const Model& model() const { return segmenter_->network().model(); }

  std::string plan(std::shared_ptr<const Model> model, uint32_t input_size, uint32_t threads) {
    Status status;
    auto segmenter = FrameSegmenter::create(std::move(model), input_size, threads, &status);
    if (!segmenter) return status.message;
    if (segmenter_) {  // a reload keeps the options
      segmenter->set_options(segmenter_->options());
      segmenter->set_quality(segmenter_->quality());
    }
    segmenter_ = std::move(segmenter);
    return "";
  }

  std::unique_ptr<FrameSegmenter> segmenter_;
  std::vector<uint8_t> model_bytes_, frame_, alpha_, matte_, recolored_, file_, decoded_, encoded_;
  std::vector<float> probability_;
  CropRect region_;
  uint32_t decoded_width_ = 0, decoded_height_ = 0;
};

// Which build this is, for HairMatte.info: compile-time facts, not guesses.
bool builtWithThreads() {
#ifdef HM_THREADS
  return true;
#else
  return false;
#endif
}

}  // namespace
}  // namespace hm

EMSCRIPTEN_BINDINGS(hairmatte) {
  using hm::EngineBinding;
  emscripten::class_<EngineBinding>("Engine")
      .constructor<>()
      .function("modelBuffer", &EngineBinding::modelBuffer)
      .function("loadModel", &EngineBinding::loadModel)
      .function("randomModel", &EngineBinding::randomModel)
      .function("frameBuffer", &EngineBinding::frameBuffer)
      .function("segment", &EngineBinding::segment)
      .function("alphaView", &EngineBinding::alphaView)
      .function("probability", &EngineBinding::probability)
      .function("probabilityView", &EngineBinding::probabilityView)
      .function("probabilityRegion", &EngineBinding::probabilityRegion)
      .function("matteBuffer", &EngineBinding::matteBuffer)
      .function("recolor", &EngineBinding::recolor)
      .function("recoloredView", &EngineBinding::recoloredView)
      .function("fileBuffer", &EngineBinding::fileBuffer)
      .function("decodeImage", &EngineBinding::decodeImage)
      .function("decodedView", &EngineBinding::decodedView)
      .function("decodedWidth", &EngineBinding::decodedWidth)
      .function("decodedHeight", &EngineBinding::decodedHeight)
      .function("encodePng", &EngineBinding::encodePng)
      .function("encodedView", &EngineBinding::encodedView)
      .function("setOptions", &EngineBinding::setOptions)
      .function("reset", &EngineBinding::reset)
      .function("release", &EngineBinding::release)
      .function("arch", &EngineBinding::arch)
      .function("decoderDepth", &EngineBinding::decoderDepth)
      .function("widthPermille", &EngineBinding::widthPermille)
      .function("inputSize", &EngineBinding::inputSize)
      .function("threads", &EngineBinding::threads)
      .function("arenaBytes", &EngineBinding::arenaBytes)
      .function("multiplyAdds", &EngineBinding::multiplyAdds)
      .function("matteLevelLow", &EngineBinding::matteLevelLow)
      .function("metadata", &EngineBinding::metadata);
  emscripten::function("builtWithThreads", &hm::builtWithThreads);
}
