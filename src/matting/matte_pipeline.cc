#include "matting/matte_pipeline.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "image/pixel_simd128.h"
#include "matting/unit_to_byte.h"

namespace hm {
namespace {

Status check_frame(const uint8_t* frame, int width, int height, size_t stride) {
  if (!frame) return Status::error("matte: null frame");
  if (width <= 0 || height <= 0) {
    return Status::error("matte: frame size must be positive, got " + std::to_string(width) + "x" +
                         std::to_string(height));
  }
  if (stride < static_cast<size_t>(width) * 4) return Status::error("matte: frame row stride is too small");
  return Status{};
}

// unit_to_byte of every value, sixteen at a time with SIMD128 (the same operations per lane).
void floats_to_bytes(const float* v, size_t n, uint8_t* out) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    simd::store_16_f32_u8x16(simd::unit_to_byte_f32x4(wasm_v128_load(v + i)),
                             simd::unit_to_byte_f32x4(wasm_v128_load(v + i + 4)),
                             simd::unit_to_byte_f32x4(wasm_v128_load(v + i + 8)),
                             simd::unit_to_byte_f32x4(wasm_v128_load(v + i + 12)), out + i);
  }
  for (; i < n; ++i) out[i] = unit_to_byte(v[i]);
}

// alpha = table[alpha] (the matte levels). Most of a matte is background or hair interior: a run of 16
// values that are all <= kLevelLow or >= 255 - kLevelLow maps to 0 / 255 with two compares, without the
// per-byte table lookups.
void apply_levels(const uint8_t* table, size_t n, uint8_t* alpha) {
  const v128_t low = wasm_i8x16_splat(static_cast<int8_t>(MattePipeline::kLevelLow));
  const v128_t high = wasm_i8x16_splat(static_cast<int8_t>(255 - MattePipeline::kLevelLow));
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const v128_t a = wasm_v128_load(alpha + i);
    const v128_t is_high = wasm_u8x16_ge(a, high);
    if (wasm_i8x16_all_true(wasm_v128_or(wasm_u8x16_le(a, low), is_high))) {
      wasm_v128_store(alpha + i, is_high);  // 0xff where high, 0 where low
      continue;
    }
    for (size_t k = i; k < i + 16; ++k) alpha[k] = table[alpha[k]];
  }
  for (; i < n; ++i) alpha[i] = table[alpha[i]];
}

}  // namespace

Status MattePipeline::set_options(const MatteOptions& o) {
  if (o.refine != Refine::kNone && o.refine != Refine::kGuided) return Status::error("matte: unknown refine mode");
  Status st = smoother_.set_strength(o.temporal);
  if (!st.ok) return st;
  if (o.guided_radius < 1 || o.guided_radius > 256) return Status::error("matte: guided radius must be in [1, 256]");
  if (!(o.guided_eps > 0.0f) || !std::isfinite(o.guided_eps)) {
    return Status::error("matte: guided eps must be a finite number > 0");
  }
  if (o.guided_subsample < 0 || o.guided_subsample > 16) {
    return Status::error("matte: guided subsample must be in [0, 16] (0 = automatic)");
  }
  options_ = o;
  if (!follows_head()) tracker_.reset();
  return st;
}

int MattePipeline::guided_subsample_for(int crop_side) const {
  if (options_.guided_subsample > 0) return options_.guided_subsample;
  constexpr double kLowResolutionCells = 112.0;
  const int s = static_cast<int>(std::lround(static_cast<double>(crop_side) / kLowResolutionCells));
  return std::clamp(s, 1, 4);
}

Status MattePipeline::prepare_input(const uint8_t* frame, int width, int height, size_t stride,
                                    uint8_t* net_rgba, CropRect* crop) {
  Status st = check_frame(frame, width, height, stride);
  if (!st.ok) return st;
  if (!net_rgba || !crop) return Status::error("matte: null output");
  if (input_size_ <= 0) return Status::error("matte: network input size must be positive");
  *crop = next_region(width, height);
  return crop_to_network_input(frame, width, height, stride, *crop, input_size_, net_rgba);
}

Status MattePipeline::finish(const uint8_t* frame, int width, int height, size_t stride, const float* prob,
                             CropRect crop, uint8_t* alpha) {
  Status st = check_frame(frame, width, height, stride);
  if (!st.ok) return st;
  if (!prob || !alpha) return Status::error("matte: null probability map or output");
  st = check_crop_rect(crop, width, height);
  if (!st.ok) return st;
  const int n = input_size_;

  if (options_.refine == Refine::kGuided) {
    const int s = guided_subsample_for(std::max(crop.width, crop.height));
    const int lw = subsampled_size(width, s), lh = subsampled_size(height, s);
    low_.resize(static_cast<size_t>(lw) * lh);
    sample_crop_probability(prob, n, crop, static_cast<float>(s), lw, lh, low_.data());
    st = upsampler_.run(frame, width, height, stride, low_.data(),
                        {options_.guided_radius, options_.guided_eps, s}, alpha);
    if (!st.ok) return st;
  } else {
    low_.resize(static_cast<size_t>(width) * height);
    sample_crop_probability(prob, n, crop, 1.0f, width, height, low_.data());
    floats_to_bytes(low_.data(), low_.size(), alpha);
  }
  smoother_.apply(alpha, width, height);
  apply_levels(level_table_, static_cast<size_t>(width) * height, alpha);
  if (follows_head()) tracker_.observe(find_hair_box(prob, n, crop), crop, width, height);
  return st;
}

CropRect MattePipeline::next_region(int width, int height) const {
  return follows_head() ? tracker_.next(width, height) : whole_frame(width, height);
}

uint8_t MattePipeline::matte_level(uint8_t alpha) {
  constexpr float kLow = kLevelLow, kHigh = 255 - kLevelLow;
  return unit_to_byte((alpha - kLow) / (kHigh - kLow));
}

MattePipeline::MattePipeline(int input_size) : input_size_(input_size) {
  for (int a = 0; a < 256; ++a) level_table_[a] = matte_level(static_cast<uint8_t>(a));
}

void MattePipeline::reset() {
  tracker_.reset();
  smoother_.reset();
}

}  // namespace hm
