#include "network/int8_network.h"

#include <algorithm>

#include "kernels/qs8_kernel_table.h"

namespace hm {
namespace {

std::vector<int8_t> as_int8(const std::vector<int32_t>& ints) { return std::vector<int8_t>(ints.begin(), ints.end()); }

// Bytes per band buffer of a fused decoder stage: its depthwise rows and its 1x1 rows stay in L2 together
// (and a band's worth of input rows with them).
constexpr size_t kBandBytes = 64 * 1024;

// Pixels per chunk of a 1x1 layer split by pixels (so that 7x7 layers still split): about 8 chunks per
// thread, a multiple of 4, at least 8.
size_t pixel_grain(size_t pixels, uint32_t threads) {
  return threads <= 1 ? pixels : std::max<size_t>(8, (pixels / (size_t{8} * threads) + 3) / 4 * 4);
}

// Rows per chunk: about 8 chunks per thread (as the fp32 plan's row_grain).
size_t row_grain(size_t rows, uint32_t threads) {
  return threads <= 1 ? rows : std::max<size_t>(1, rows / (size_t{8} * threads));
}

std::string shape(const Int8Activation& a) {
  return std::to_string(a.h) + "x" + std::to_string(a.w) + "x" + std::to_string(a.c);
}

}  // namespace

Int8Weights Int8Weights::pack(const ModelFileContents& contents, bool fold_dec1) {
  std::vector<QNodeParams> params;
  derive_int8_params(contents, &params);  // validated by the parser
  const std::vector<QNode> graph = int8_graph(contents.spec);
  Int8Weights w;
  for (size_t i = 0; i < graph.size(); ++i) {
    const QNode& n = graph[i];
    const QNodeParams& p = params[i];
    Int8PackedNode node;
    node.node = n;
    node.output = p.output;
    node.input_zero_point = p.input_zero_point;
    node.add = p.add;
    if (n.kind != QNodeKind::kAdd) {
      const std::vector<int8_t> weight = as_int8(p.weight->ints);
      const int32_t* bias = p.bias->ints.data();
      switch (n.kind) {
        case QNodeKind::kConv0:
          node.packed.resize(packed_qs8_conv3x3s2_rgba_size(n.out_c));
          pack_qs8_conv3x3s2_rgba(n.out_c, weight.data(), bias, p.requant.data(), node.packed.data());
          break;
        case QNodeKind::kDepthwise:
          node.packed.resize(packed_qs8_dwconv3x3_size(n.out_c));
          pack_qs8_dwconv3x3(n.out_c, weight.data(), bias, p.requant.data(), p.input_zero_point, node.packed.data());
          break;
        case QNodeKind::kPointwise:
          node.packed.resize(packed_qs8_conv1x1_size(n.in_c, n.out_c));
          pack_qs8_conv1x1(n.in_c, n.out_c, weight.data(), bias, p.requant.data(), p.input_zero_point,
                           node.packed.data());
          break;
        case QNodeKind::kHead:
          node.packed.resize(packed_qs8_conv1x1_softmax2_size(n.in_c));
          pack_qs8_conv1x1_softmax2(n.in_c, weight.data(), bias, p.requant.data(), p.input_zero_point,
                                    node.packed.data());
          break;
        case QNodeKind::kAdd:
          break;
      }
    }
    w.nodes.push_back(std::move(node));
  }
  if (fold_dec1 && int8_dec1_foldable(contents.spec)) {
    w.fold = int8_dec1_fold(contents.spec, graph, params);
    const size_t k = size_t{9} * w.fold.source_c;
    w.packed_fold.resize(packed_qs8_conv1x1_size(k, w.fold.depth));
    pack_qs8_conv1x1(k, w.fold.depth, w.fold.weight.data(), nullptr, w.fold.fold_scale.data(),
                     w.fold.source_zero_point, w.packed_fold.data());
    w.fold.weight = {};
    w.nodes[w.fold.skip].packed = {};  // never run (nor the add)
    // dw reads y through the fused upsampling instead of the sum.
    Int8PackedNode& dw = w.nodes[w.fold.dw];
    dw.node.input = w.fold.y;
    dw.node.upsampled = true;
    dw.input_zero_point = w.fold.y_zero_point;
    pack_qs8_dwconv3x3(dw.node.out_c, as_int8(params[w.fold.dw].weight->ints).data(), w.fold.dw_bias.data(),
                       w.fold.dw_scale.data(), w.fold.y_zero_point, dw.packed.data());
  }
  return w;
}

uint64_t Int8Weights::bytes() const {
  uint64_t total = 0;
  for (const Int8PackedNode& n : nodes) total += n.packed.size();
  return total + packed_fold.size();
}

Int8Plan::Int8Plan(const Int8Weights& weights, uint32_t input_size, uint32_t threads, bool fuse_bands)
    : weights_(&weights), input_size_(input_size) {
  const std::vector<Int8PackedNode>& nodes = weights.nodes;
  band_of_.assign(nodes.size(), -1);
  if (fuse_bands) find_bands();
  activations_.resize(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    const QNode& n = nodes[i].node;
    const int step = static_cast<int>(i);
    const int band = band_of_[i];
    // A band runs all its nodes at its first node's step.
    const int first_step = band >= 0 ? static_cast<int>(bands_[band].first) : step;
    Int8Activation a;
    if (n.kind == QNodeKind::kConv0) {
      a.h = a.w = (input_size + 1) / 2;
    } else {
      const Int8Activation& in = activations_[n.input];
      const uint32_t up = n.upsampled ? 2 : 1;
      a.h = (in.h * up + n.stride - 1) / n.stride;
      a.w = (in.w * up + n.stride - 1) / n.stride;
      if (in.buffer != kNoBuffer && !is_folded_away(i)) planner_.use(in.buffer, step);
      if (n.kind == QNodeKind::kAdd && activations_[n.skip].buffer != kNoBuffer)
        planner_.use(activations_[n.skip].buffer, step);
    }
    a.c = n.out_c;
    const double pixels = double(a.h) * a.w;
    switch (n.kind) {
      case QNodeKind::kConv0: multiply_adds_ += pixels * n.out_c * 27; break;
      case QNodeKind::kDepthwise: multiply_adds_ += pixels * n.out_c * 9; break;
      case QNodeKind::kPointwise: multiply_adds_ += pixels * n.in_c * n.out_c; break;
      case QNodeKind::kHead: multiply_adds_ += pixels * n.in_c * 2; break;
      case QNodeKind::kAdd: break;
    }
    // No whole tensor for the head (it writes the caller's map) nor for what only lives in a band, nor
    // for a folded skip.
    const bool in_band_only = band >= 0 && (i == bands_[band].first || (bands_[band].head && i == bands_[band].first + 1));
    if (n.kind != QNodeKind::kHead && !in_band_only && !is_folded_away(i))
      a.buffer = planner_.add(uint64_t{a.h} * a.w * a.c, first_step, step);
    activations_[i] = a;
    if (weights.folded()) plan_fold(i, step);
    if (n.kind == QNodeKind::kConv0) {
      for (uint32_t t = 0; t < threads; ++t) {
        scratch_.push_back(planner_.add(qs8_conv3x3s2_rgba_scratch_bytes(input_size), step, step));
      }
    }
    if (band >= 0 && i == bands_[band].first) {
      // Per thread: the band's depthwise rows, and with a head the 1x1's rows, both in L2 together.
      Band& b = bands_[band];
      const uint32_t pw_c = nodes[i + 1].node.out_c;
      const size_t row_bytes = size_t{a.w} * std::max(a.c, pw_c);
      b.rows = static_cast<uint32_t>(std::min<size_t>(a.h, std::max<size_t>(1, kBandBytes / row_bytes)));
      b.scratch = scratch_.size();
      for (uint32_t t = 0; t < threads; ++t) {
        scratch_.push_back(planner_.add(uint64_t{b.rows} * a.w * a.c, step, step));
        if (b.head) scratch_.push_back(planner_.add(uint64_t{b.rows} * a.w * pw_c, step, step));
      }
    }
  }
  arena_bytes_ = planner_.plan();
}

bool Int8Plan::is_folded_away(size_t i) const {
  return weights_->folded() && (static_cast<int>(i) == weights_->fold.skip || static_cast<int>(i) == weights_->fold.add);
}

void Int8Plan::plan_fold(size_t i, int step) {
  const Int8Dec1Fold& f = weights_->fold;
  const Int8Activation& a = activations_[i];
  const uint64_t pixels = uint64_t{a.h} * a.w;
  if (static_cast<int>(i) == f.pw) {
    planner_.use(activations_[f.source].buffer, step);  // the 3x3 fold reads it now
    fold_rows_ = scratch_.size();
    scratch_.push_back(planner_.add(pixels * 9 * f.source_c, step, step));
    fold_acc_ = scratch_.size();
    scratch_.push_back(planner_.add(pixels * f.depth * sizeof(int32_t), step, step));
    pw_acc_ = scratch_.size();
    scratch_.push_back(planner_.add(pixels * f.depth * sizeof(int32_t), step, step));
  }
}

void Int8Plan::find_bands() {
  const std::vector<Int8PackedNode>& nodes = weights_->nodes;
  std::vector<int> readers(nodes.size(), 0);
  for (const Int8PackedNode& p : nodes) {
    if (p.node.input >= 0) ++readers[p.node.input];
    if (p.node.skip >= 0) ++readers[p.node.skip];
  }
  for (size_t i = 0; i + 1 < nodes.size(); ++i) {
    const QNode& dw = nodes[i].node;
    const QNode& pw = nodes[i + 1].node;
    if (dw.kind != QNodeKind::kDepthwise || !dw.upsampled || readers[i] != 1 || pw.kind != QNodeKind::kPointwise ||
        pw.input != static_cast<int>(i) || (weights_->folded() && static_cast<int>(i + 1) == weights_->fold.pw)) {
      continue;
    }
    Band b;
    b.first = i;
    b.head = i + 2 < nodes.size() && nodes[i + 2].node.kind == QNodeKind::kHead &&
             nodes[i + 2].node.input == static_cast<int>(i + 1) && readers[i + 1] == 1;
    const int id = static_cast<int>(bands_.size());
    band_of_[i] = band_of_[i + 1] = id;
    if (b.head) band_of_[i + 2] = id;
    bands_.push_back(b);
    i += b.head ? 2 : 1;
  }
}

void Int8Plan::bind(Arena* arena) {
  data_.clear();
  scratch_data_.clear();
  for (size_t i = 0; i < activations_.size(); ++i) {
    const size_t buffer = activations_[i].buffer;
    data_.push_back(buffer == kNoBuffer ? nullptr : reinterpret_cast<int8_t*>(arena->floats(planner_.offset(buffer))));
  }
  for (size_t id : scratch_) scratch_data_.push_back(reinterpret_cast<int8_t*>(arena->floats(planner_.offset(id))));
}

std::string Int8Plan::op_label(size_t i) const {
  const int band = band_of_.at(i);
  if (band >= 0 && bands_[band].first != i) return "  (in the band above) " + node_label(i);
  if (band >= 0) return node_label(i) + (bands_[band].head ? " + pw + head" : " + pw") + ", bands of " +
                        std::to_string(bands_[band].rows) + " rows";
  return node_label(i);
}

std::string Int8Plan::node_label(size_t i) const {
  const QNode& n = weights_->nodes.at(i).node;
  if (is_folded_away(i)) return "int8 " + n.name + ": folded into dec1.dw and dec1.pw, not run";
  if (weights_->folded() && static_cast<int>(i) == weights_->fold.pw) {
    const Int8Activation& src = activations_[weights_->fold.source];
    return "int8 pw " + shape(activations_[n.input]) + " -> " + std::to_string(n.out_c) + " + folded 3x3 " +
           shape(src) + " -> " + std::to_string(n.out_c);
  }
  const Int8Activation& out = activations_[i];
  const std::string in = n.input >= 0 ? shape(activations_[n.input]) : "input";
  switch (n.kind) {
    case QNodeKind::kConv0: return "int8 conv0 -> " + shape(out);
    case QNodeKind::kDepthwise:
      return std::string("int8 ") + (n.upsampled ? "up+dw " : "dw ") + in + " s" + std::to_string(n.stride) + " d" +
             std::to_string(n.dilation);
    case QNodeKind::kPointwise: return "int8 pw " + in + " -> " + std::to_string(n.out_c);
    case QNodeKind::kAdd: return "int8 up+add " + in + " -> " + shape(out);
    case QNodeKind::kHead: return "int8 head+softmax " + in;
  }
  return "?";
}

void Int8Plan::run_band(const Band& b, ThreadPool& pool, float* probability) {
  const std::vector<Int8PackedNode>& nodes = weights_->nodes;
  const Int8PackedNode& dw = nodes[b.first];
  const Int8PackedNode& pw = nodes[b.first + 1];
  const Int8PackedNode* head = b.head ? &nodes[b.first + 2] : nullptr;
  const Int8Activation& in = activations_[dw.node.input];
  const Int8Activation& mid = activations_[b.first];
  const Int8Activation& out = activations_[b.first + 1];
  const int8_t* in_data = data_[dw.node.input];
  int8_t* out_data = data_[b.first + 1];  // null with a head
  const size_t per_thread = b.head ? 2 : 1;
  const size_t count = (mid.h + b.rows - 1) / b.rows;
  pool.parallel_for_dynamic_indexed(count, 1, [&](uint32_t t, size_t k0, size_t k1) {
    int8_t* dw_rows = scratch_data_[b.scratch + t * per_thread];
    int8_t* pw_rows = b.head ? scratch_data_[b.scratch + t * per_thread + 1] : nullptr;
    for (size_t k = k0; k < k1; ++k) {
      const size_t y0 = k * b.rows, y1 = std::min<size_t>(mid.h, y0 + b.rows);
      kQS8Kernels.upsample2x_dwconv3x3(in_data, in.h, in.w, in.c, dw.packed.data(), dw.input_zero_point, dw_rows,
                                       dw.output, y0, y1);
      int8_t* rows = head ? pw_rows : out_data + y0 * out.w * out.c;
      kQS8Kernels.conv1x1(dw_rows, mid.w, mid.c, pw.packed.data(), out.c, rows, pw.output, 0, y1 - y0);
      if (head) kQS8Kernels.conv1x1_softmax2(rows, out.w, out.c, head->packed.data(), probability + y0 * out.w, 0, y1 - y0);
    }
  });
}

void Int8Plan::run_folded_pw(ThreadPool& pool) {
  const Int8Dec1Fold& f = weights_->fold;
  const Int8PackedNode& pw = weights_->nodes[f.pw];
  const Int8Activation& src = activations_[f.source];
  const Int8Activation& mid = activations_[f.dw];
  const Int8Activation& out = activations_[f.pw];
  int8_t* rows = scratch_data_[fold_rows_];
  int32_t* fold_acc = reinterpret_cast<int32_t*>(scratch_data_[fold_acc_]);
  int32_t* pw_acc = reinterpret_cast<int32_t*>(scratch_data_[pw_acc_]);
  const size_t pixels = size_t{out.h} * out.w;
  const size_t k = size_t{9} * f.source_c;
  pool.parallel_for_dynamic(pixels, pixel_grain(pixels, pool.threads()), [&](size_t p0, size_t p1) {
    qs8_im2col3x3(data_[f.source], src.h, src.w, src.c, f.source_zero_point, rows, p0, p1);
    kQS8Kernels.conv1x1_acc32(rows, k, weights_->packed_fold.data(), f.depth, fold_acc, p0, p1);
    for (size_t p = p0; p < p1; ++p) {  // + [pw o dw](pad(b_s)), by the pixel's border class
      const int32_t* bias = &f.bias_by_class[int8_fold_class(p / out.w, p % out.w, out.h, out.w) * f.depth];
      for (size_t o = 0; o < f.depth; ++o) fold_acc[p * f.depth + o] += bias[o];
    }
    kQS8Kernels.conv1x1_acc32(data_[f.dw], mid.c, pw.packed.data(), f.depth, pw_acc, p0, p1);
    qs8_requantize2_fp32(fold_acc, f.fold_scale.data(), pw_acc, f.pw_scale.data(), f.depth, data_[f.pw], pw.output,
                         p0, p1);
  });
}

void Int8Plan::run_op(size_t i, ThreadPool& pool, const uint8_t* rgba, size_t row_stride, float* probability) {
  if (band_of_[i] >= 0) {  // the band runs at its first node; the others are done by then
    const Band& band = bands_[band_of_[i]];
    if (band.first == i) run_band(band, pool, probability);
    return;
  }
  if (weights_->folded()) {
    const Int8Dec1Fold& f = weights_->fold;
    if (is_folded_away(i)) return;
    if (static_cast<int>(i) == f.pw) return run_folded_pw(pool);
  }
  const Int8PackedNode& node = weights_->nodes[i];
  const QNode& n = node.node;
  const Int8Activation& out = activations_[i];
  int8_t* out_data = data_[i];
  const Int8Activation* in = n.input >= 0 ? &activations_[n.input] : nullptr;
  const int8_t* in_data = n.input >= 0 ? data_[n.input] : nullptr;
  const void* packed = node.packed.data();
  const uint32_t threads = pool.threads();
  switch (n.kind) {
    case QNodeKind::kConv0:
      pool.parallel_for_dynamic_indexed(out.h, row_grain(out.h, threads), [&](uint32_t t, size_t y0, size_t y1) {
        kQS8Kernels.conv3x3s2_rgba(rgba, input_size_, input_size_, row_stride, packed, out.c, out_data, node.output,
                           scratch_data_[t], y0, y1);
      });
      break;
    case QNodeKind::kDepthwise:
      pool.parallel_for_dynamic(out.h, row_grain(out.h, threads), [&](size_t y0, size_t y1) {
        if (n.upsampled) {  // writes rows [y0, y1) from its `out` argument: point it at row y0
          kQS8Kernels.upsample2x_dwconv3x3(in_data, in->h, in->w, in->c, packed, node.input_zero_point,
                                   out_data + y0 * out.w * out.c, node.output, y0, y1);
        } else {
          kQS8Kernels.dwconv3x3(in_data, in->h, in->w, in->c, n.stride, n.dilation, packed, node.input_zero_point,
                        out_data, node.output, y0, y1);
        }
      });
      break;
    case QNodeKind::kPointwise: {
      // Split by pixels (the tensor read as h * w rows of one pixel) so that 7x7 layers still split.
      const size_t pixels = size_t{out.h} * out.w;
      pool.parallel_for_dynamic(pixels, pixel_grain(pixels, threads), [&](size_t p0, size_t p1) {
        kQS8Kernels.conv1x1(in_data, 1, in->c, packed, out.c, out_data, node.output, p0, p1);
      });
      break;
    }
    case QNodeKind::kAdd:
      pool.parallel_for_dynamic(out.h, row_grain(out.h, threads), [&](size_t y0, size_t y1) {
        kQS8Kernels.upsample2x_add(in_data, in->h, in->w, in->c, data_[n.skip], out_data, node.add, y0, y1);
      });
      break;
    case QNodeKind::kHead:
      pool.parallel_for_dynamic(in->h, row_grain(in->h, threads), [&](size_t y0, size_t y1) {
        kQS8Kernels.conv1x1_softmax2(in_data, in->w, in->c, packed, probability, y0, y1);
      });
      break;
  }
}

}  // namespace hm
