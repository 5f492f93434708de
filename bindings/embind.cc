// The Embind surface of the segmenter (the model, its options and info, segment and probability), used
// only by bindings/js/index.mjs (which validates every input first). Its siblings: image_buffer.* (the
// frames and mattes every call is given explicitly), recolor_binding.cc (the recolour). The JPEG/PNG codec
// is not here: it is the Node/CLI build's own module (codec_module.cc).
//
// Errors never throw (the wasm build has exceptions off) and never abort: every fallible method returns a
// std::string, empty on success, else the reason; the JS wrapper turns it into an Error. Memory crosses
// the boundary through views of buffers in the wasm heap (typed_memory_view, zero-copy): JS writes the
// model bytes / frame into a view, calls the method, and copies the result out of another view. A view is
// only valid until the next call that may allocate (memory growth detaches it), so JS re-takes it.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "base/facts.h"
#include "image_buffer.h"
#include "network/engine.h"
#include "pipeline/frame_segmenter.h"

namespace hm {
namespace {

using emscripten::typed_memory_view;
using emscripten::val;

class SegmenterBinding {
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
    if (!arch_from_name(arch, &spec.arch)) {
      return "unknown architecture '" + arch + "' (expected " + quoted_list(kArchNames, std::size(kArchNames)) + ")";
    }
    spec.decoder_depth = decoder_depth;
    spec.width_permille = width_permille;
    spec.input_size = input_size;
    Status status;
    auto model = Model::random(spec, seed, &status);
    if (!model) return "cannot build a random model: " + status.message;
    return plan(std::move(model), input_size, threads);
  }

  // --- frames (RGBA ImageBuffers, image_buffer.h) ---
  // Segments `frame`; the matte is written to `alpha` (resized to the frame, 1 byte per pixel).
  std::string segment(const ImageBuffer& frame, ImageBuffer& alpha) {
    if (!segmenter_) return "no model loaded";
    if (frame.empty() || frame.channels() != 4) return "segment: the frame must be an RGBA image";
    if (!alpha.allocate(frame.width(), frame.height(), 1)) return "segment: cannot size the matte";
    return segmenter_->segment(frame.data(), frame.width(), frame.height(), frame.row_stride(), alpha.data())
        .message;
  }

  // The network's P(hair) for `frame`, at the frame's resolution (FrameSegmenter::probability); then
  // probabilityView() and probabilityRegion().
  std::string probability(const ImageBuffer& frame) {
    if (!segmenter_) return "no model loaded";
    if (frame.empty() || frame.channels() != 4) return "probability: the frame must be an RGBA image";
    probability_.resize(static_cast<size_t>(frame.width()) * frame.height());
    return segmenter_
        ->probability(frame.data(), frame.width(), frame.height(), frame.row_stride(), probability_.data(),
                      &region_)
        .message;
  }
  val probabilityView() { return val(typed_memory_view(probability_.size(), probability_.data())); }
  // [x, y, width, height] of the region the last probability() call ran the network on, in frame pixels.
  val probabilityRegion() const {
    val region = val::array();
    region.call<void>("push", region_.x, region_.y, region_.width, region_.height);
    return region;
  }

  // --- options and state ---
  // refine: "guided" | "none"; temporal: [0, 1]; track_head: follow the head in video (temporal > 0);
  // quality: "fast" | "best" (the network also on the mirror image, averaged).
  std::string setOptions(const std::string& refine, float temporal, bool track_head, const std::string& quality) {
    if (!segmenter_) return "no model loaded";
    MatteOptions options = segmenter_->options();
    // kRefineModes and kQualities (base/facts.h) name them: {guided, none}, {fast, best}.
    if (refine == kRefineModes[0]) {
      options.refine = Refine::kGuided;
    } else if (refine == kRefineModes[1]) {
      options.refine = Refine::kNone;
    } else {
      return "refine must be " + quoted_list(kRefineModes, std::size(kRefineModes)) + ", got '" + refine + "'";
    }
    if (quality != kQualities[0] && quality != kQualities[1])
      return "quality must be " + quoted_list(kQualities, std::size(kQualities)) + ", got '" + quality + "'";
    options.temporal = temporal;
    options.track_head = track_head;
    const std::string error = segmenter_->set_options(options).message;
    if (error.empty()) segmenter_->set_quality(quality == kQualities[1] ? Quality::kBest : Quality::kFast);
    return error;
  }
  void reset() {
    if (segmenter_) segmenter_->reset();
  }
  // Frees the network and every buffer now (JS also calls delete() on this object).
  void release() {
    segmenter_.reset();
    std::vector<uint8_t>().swap(model_bytes_);
    std::vector<float>().swap(probability_);
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
  std::string precision() const { return segmenter_ ? model().precision() : ""; }  // "fp32" | "fp16" | "int8"

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
  std::vector<uint8_t> model_bytes_;
  std::vector<float> probability_;
  CropRect region_;
};

}  // namespace
}  // namespace hm

EMSCRIPTEN_BINDINGS(hairmatte) {
  using hm::SegmenterBinding;
  emscripten::class_<SegmenterBinding>("Segmenter")
      .constructor<>()
      .function("modelBuffer", &SegmenterBinding::modelBuffer)
      .function("loadModel", &SegmenterBinding::loadModel)
      .function("randomModel", &SegmenterBinding::randomModel)
      .function("segment", &SegmenterBinding::segment)
      .function("probability", &SegmenterBinding::probability)
      .function("probabilityView", &SegmenterBinding::probabilityView)
      .function("probabilityRegion", &SegmenterBinding::probabilityRegion)
      .function("setOptions", &SegmenterBinding::setOptions)
      .function("reset", &SegmenterBinding::reset)
      .function("release", &SegmenterBinding::release)
      .function("arch", &SegmenterBinding::arch)
      .function("decoderDepth", &SegmenterBinding::decoderDepth)
      .function("widthPermille", &SegmenterBinding::widthPermille)
      .function("inputSize", &SegmenterBinding::inputSize)
      .function("threads", &SegmenterBinding::threads)
      .function("arenaBytes", &SegmenterBinding::arenaBytes)
      .function("multiplyAdds", &SegmenterBinding::multiplyAdds)
      .function("matteLevelLow", &SegmenterBinding::matteLevelLow)
      .function("metadata", &SegmenterBinding::metadata)
      .function("precision", &SegmenterBinding::precision);
}
