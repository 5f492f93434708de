// The int8 (QS8) network: a quantised model's weights packed for the QS8 kernels (src/kernels/qs8_*), and
// its plan for one input size, run node by node exactly as int8_graph() lists them (the quantiser's
// simulated int8 forward, training/hairmatte_train/quantize.py, has the same nodes). Nothing is folded
// or fused across a quantisation point but the first decoder stage (int8_fold.h: its skip becomes a 3x3
// convolution summed with pw in int32, as the quantiser's simulation does it too): the nearest 2x
// upsampling is fused into the depthwise convolution or the skip add that reads it, which is exact in
// int8 (upsampling copies values), and the head writes the caller's probability map.
//
// Cache locality (like the fp32 plan's decoder bands, decoder_stage_bands.h): an upsampling depthwise node
// whose only reader is the next 1x1 node (and that 1x1's only reader the head, in the last stage) runs
// fused with them a band of output rows at a time, through per-thread band buffers that stay in L2: at
// 224 x 224 the last stage's two 3.2 MB intermediates are never written whole. Every output value is
// computed by the same kernel arithmetic as node by node, so the result is bit-identical.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "network/int8_fold.h"
#include "network/int8_layout.h"
#include "network/int8_quantization.h"
#include "network/model_file.h"
#include "runtime/arena.h"
#include "runtime/thread_pool.h"

namespace hm {

struct Int8PackedNode {
  QNode node;
  QS8Output output{0, -128, 127};
  int8_t input_zero_point = 0;
  QS8AddParams add{};             // kAdd
  std::vector<uint8_t> packed;    // kernel-ready weights (empty for kAdd)
};

class Int8Weights {
 public:
  // `contents` must be a validated quantised file (parse_model_file). fold_dec1: fold the first decoder
  // stage where int8_dec1_foldable (int8_fold.h; the engine always does, false is the plain graph the
  // tests compare the fold with).
  static Int8Weights pack(const ModelFileContents& contents, bool fold_dec1 = true);
  uint64_t bytes() const;
  bool folded() const { return fold.pw >= 0; }
  std::vector<Int8PackedNode> nodes;  // int8_graph order
  Int8Dec1Fold fold;                  // pw < 0: not folded
  std::vector<uint8_t> packed_fold;   // the fold's 3x3 weights, packed as a 1x1 over im2col rows
};

// One activation of the int8 plan: h x w x c int8 in arena buffer `buffer` (kNoBuffer: the head's output,
// or a tensor that only ever exists a band at a time).
constexpr size_t kNoBuffer = static_cast<size_t>(-1);
struct Int8Activation {
  uint32_t h = 0, w = 0, c = 0;
  size_t buffer = kNoBuffer;
};

class Int8Plan {
 public:
  // Plans `weights` for input_size x input_size inputs and `threads` threads (measures only). fuse_bands:
  // run the decoder stages that allow it in bands (the engine always does; false is the node-by-node
  // schedule the tests compare the bands with).
  Int8Plan(const Int8Weights& weights, uint32_t input_size, uint32_t threads, bool fuse_bands = true);
  uint64_t arena_bytes() const { return arena_bytes_; }
  // The architecture's multiply-adds (the fp32 plan's convention): with dec1 folded the plan runs fewer.
  double multiply_adds() const { return multiply_adds_; }
  size_t op_count() const { return weights_->nodes.size(); }
  // Nodes run inside the band of an earlier node do nothing in run_op and are labelled so.
  std::string op_label(size_t i) const;
  // Resolves buffers in `arena` (allocated with arena_bytes()).
  void bind(Arena* arena);
  void run_op(size_t i, ThreadPool& pool, const uint8_t* rgba, size_t row_stride, float* probability);
  // Node i's int8 output (h x w x c) once run_op(i) ran, until a later node reuses its buffer; null for
  // the head, a node that only lives in a band and the folded skip and add (the tests' window into the plan).
  const int8_t* output(size_t i) const { return data_.at(i); }
  const Int8Activation& activation(size_t i) const { return activations_.at(i); }

 private:
  const Int8Weights* weights_;
  uint32_t input_size_;
  // A band fusion starting at an upsampling depthwise node: the nodes it covers and their band buffers.
  struct Band {
    size_t first = 0;      // the up+dw node; first + 1 is the 1x1, first + 2 the head when `head`
    bool head = false;
    uint32_t rows = 0;     // output rows per band
    size_t scratch = 0;    // index into scratch_ of thread 0's dw rows; then 1x1 rows (head) per thread
  };
  void find_bands();
  std::string node_label(size_t i) const;
  void run_band(const Band& band, ThreadPool& pool, float* probability);
  void run_folded_pw(ThreadPool& pool);
  bool is_folded_away(size_t i) const;  // the folded skip and skip add: not run
  void plan_fold(size_t i, int step);

  // The folded dec1 (weights_->folded()): scratch ids of the im2col rows and the two int32 accumulator
  // tensors.
  size_t fold_rows_ = 0, fold_acc_ = 0, pw_acc_ = 0;

  std::vector<Int8Activation> activations_;  // one per node (the head's unused)
  std::vector<int> band_of_;                 // per node: the Band it belongs to, or -1
  std::vector<Band> bands_;
  std::vector<size_t> scratch_;              // conv0's per-thread im2col rows, then the bands' buffers
  std::vector<int8_t*> data_;
  std::vector<int8_t*> scratch_data_;
  ArenaPlanner planner_;
  uint64_t arena_bytes_ = 0;
  double multiply_adds_ = 0;
};

}  // namespace hm
