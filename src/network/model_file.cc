#include "network/model_file.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <unordered_map>

#include "network/architecture.h"
#include "network/crc32.h"
#include "network/half_float.h"
#include "network/int8_quantization.h"

namespace hm {
namespace {

uint32_t read_u32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}
uint16_t read_u16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

// Where one tensor record sits in the file, found by walking the records before trusting any of them.
struct RecordView {
  std::string name;
  TensorDType dtype = TensorDType::kFloat32;
  std::vector<uint32_t> shape;
  size_t data_offset = 0;
  size_t element_count = 0;
};

std::string record_label(size_t index, const std::string& name) {
  std::string label = "tensor record " + std::to_string(index);
  if (!name.empty()) label += " ('" + name + "')";
  return label;
}

// A record that runs past the checksum: the file was cut short (or, when the checksum still matches,
// the header's tensor count is larger than the records written). The caller words the message.
struct OutOfBounds {
  bool hit = false;
  std::string where;  // "tensor record 3 ('enc.dw2.weight') needs its data to end at byte N"
};

Status truncated(size_t index, const std::string& name, const char* part, size_t needed_end,
                 size_t records_end, OutOfBounds* oob) {
  oob->hit = true;
  oob->where = record_label(index, name) + " needs its " + part + " to end at byte " +
               std::to_string(needed_end) + " but the tensor records end at byte " + std::to_string(records_end);
  return Status::error(oob->where);
}

size_t dtype_bytes(TensorDType dtype) {
  switch (dtype) {
    case TensorDType::kFloat32: return 4;
    case TensorDType::kFloat16: return 2;
    case TensorDType::kInt8: return 1;
    case TensorDType::kInt32: return 4;
    case TensorDType::kInt8Packed: return 0;  // not per element: see packed_data_bytes
  }
  return 4;
}

size_t packed_index_bytes(size_t elements) { return (elements + 1) / 2; }

// The data of a codebook-packed record: u32 level count, the levels, u32 index byte count, the indices.
// Both counts are checked here, naming the tensor, so that a wrong one is not mistaken for a cut file.
Status packed_data_bytes(const uint8_t* bytes, size_t offset, size_t end, size_t index, const RecordView& r,
                         size_t* data_bytes, OutOfBounds* oob) {
  if (end - offset < 4) return truncated(index, r.name, "codebook length", offset + 4, end, oob);
  const uint32_t levels = read_u32(bytes + offset);
  if (levels != kPackedLevels) {
    return Status::error(record_label(index, r.name) + ": packed int8 codebook length " + std::to_string(levels) +
                         ", the format's is " + std::to_string(kPackedLevels) + " (4-bit indices)");
  }
  const size_t head = 4 + kPackedLevels + 4;
  if (end - offset < head) return truncated(index, r.name, "codebook", offset + head, end, oob);
  const uint32_t stored = read_u32(bytes + offset + 4 + kPackedLevels);
  const size_t needed = packed_index_bytes(r.element_count);
  if (stored != needed) {
    return Status::error(record_label(index, r.name) + ": packed int8 index data is " + std::to_string(stored) +
                         " bytes but its " + std::to_string(r.element_count) + " weights " +
                         shape_to_string(r.shape) + " need " + std::to_string(needed) + " (two 4-bit indices a byte)");
  }
  *data_bytes = head + needed;
  return Status{};
}

// Walks `count` records from `offset` up to `end` (the checksum's offset), checking bounds and the
// structural fields needed to find the next record: name length, dtype, rank, padding. Version 1 files
// hold float tensors only; version 2 (quantised) adds int8 and int32; version 3 codebook-packed int8.
Status walk_records(const uint8_t* bytes, size_t offset, size_t end, uint32_t count, uint32_t version,
                    std::vector<RecordView>* records, OutOfBounds* oob) {
  for (uint32_t i = 0; i < count; ++i) {
    RecordView r;
    if (end - offset < 2) return truncated(i, "", "name length", offset + 2, end, oob);
    const size_t name_length = read_u16(bytes + offset);
    offset += 2;
    if (name_length < 1 || name_length > 255) {
      return Status::error(record_label(i, "") + ": name length " + std::to_string(name_length) +
                           " is outside 1..255");
    }
    if (end - offset < name_length) return truncated(i, "", "name", offset + name_length, end, oob);
    for (size_t k = 0; k < name_length; ++k) {
      const uint8_t ch = bytes[offset + k];
      if (ch < 0x21 || ch > 0x7E) {
        return Status::error(record_label(i, "") + ": name has a non-printable or non-ASCII byte " +
                             std::to_string(ch) + " at position " + std::to_string(k));
      }
    }
    r.name.assign(reinterpret_cast<const char*>(bytes + offset), name_length);
    offset += name_length;
    if (end - offset < 2) return truncated(i, r.name, "dtype and rank", offset + 2, end, oob);
    const uint8_t dtype = bytes[offset];
    const uint8_t rank = bytes[offset + 1];
    offset += 2;
    const uint8_t max_dtype = version >= kModelFileVersionPacked ? 5 : version >= kModelFileVersionInt8 ? 4 : 2;
    if (dtype == static_cast<uint8_t>(TensorDType::kInt8Packed) && version == kModelFileVersionInt8) {
      return Status::error(record_label(i, r.name) + ": dtype 5 (codebook-packed int8) needs a version 3 file, "
                           "this is version 2");
    }
    if (dtype < 1 || dtype > max_dtype) {
      return Status::error(record_label(i, r.name) + ": unknown dtype " + std::to_string(dtype) +
                           (max_dtype == 5   ? " (1 = float32, 2 = float16, 3 = int8, 4 = int32, 5 = packed int8)"
                            : max_dtype == 4 ? " (1 = float32, 2 = float16, 3 = int8, 4 = int32)"
                                             : " (version 1: 1 = float32, 2 = float16)"));
    }
    r.dtype = static_cast<TensorDType>(dtype);
    if (rank < 1 || rank > 4) {
      return Status::error(record_label(i, r.name) + ": rank " + std::to_string(rank) + " is outside 1..4");
    }
    if (end - offset < 4u * rank) return truncated(i, r.name, "dimensions", offset + 4u * rank, end, oob);
    uint64_t elements = 1;
    for (int d = 0; d < rank; ++d) {
      const uint32_t dim = read_u32(bytes + offset + 4 * d);
      r.shape.push_back(dim);
      elements *= dim;
      if (elements > end) {  // cannot fit whatever the dtype; also keeps the product from overflowing
        return truncated(i, r.name, "data", end + 1, end, oob);
      }
    }
    offset += 4u * rank;
    const size_t padding = (4 - offset % 4) % 4;
    if (end - offset < padding) return truncated(i, r.name, "alignment padding", offset + padding, end, oob);
    for (size_t k = 0; k < padding; ++k) {
      if (bytes[offset + k] != 0) {
        return Status::error(record_label(i, r.name) + ": alignment padding byte " +
                             std::to_string(offset + k) + " is not zero");
      }
    }
    offset += padding;
    r.element_count = static_cast<size_t>(elements);
    size_t data_bytes = r.element_count * dtype_bytes(r.dtype);
    if (r.dtype == TensorDType::kInt8Packed) {
      Status packed = packed_data_bytes(bytes, offset, end, i, r, &data_bytes, oob);
      if (!packed.ok) return packed;
    }
    if (end - offset < data_bytes) return truncated(i, r.name, "data", offset + data_bytes, end, oob);
    r.data_offset = offset;
    offset += data_bytes;
    records->push_back(std::move(r));
  }
  if (offset != end) {
    return Status::error("tensor count " + std::to_string(count) + " disagrees with the file: " +
                         std::to_string(end - offset) + " bytes follow the last record before the checksum");
  }
  return Status{};
}

// A codebook-packed record unpacked into the int8 tensor it stores (walk_records checked its counts).
Status unpack_codebook(const uint8_t* data, const RecordView& r, NamedTensor* t) {
  int8_t levels[kPackedLevels];
  for (uint32_t k = 0; k < kPackedLevels; ++k) {
    levels[k] = static_cast<int8_t>(data[4 + k]);
    if (levels[k] == -128) {  // unused entries too: every level must be a valid int8 weight
      return Status::error("tensor '" + r.name + "' has the codebook level -128 at entry " + std::to_string(k) +
                           ": int8 weights lie in -127..127");
    }
  }
  const uint8_t* indices = data + 4 + kPackedLevels + 4;
  if (r.element_count % 2 == 1 && (indices[r.element_count / 2] >> 4) != 0) {
    return Status::error("tensor '" + r.name + "' has an odd weight count " + std::to_string(r.element_count) +
                         " and a non-zero unused high nibble in its last index byte");
  }
  t->dtype = TensorDType::kInt8;  // what the int8 network reads: the packing is storage only
  t->ints.resize(r.element_count);
  for (size_t i = 0; i < r.element_count; ++i) {
    const uint8_t byte = indices[i / 2];
    t->ints[i] = levels[i % 2 == 0 ? byte & 0x0F : byte >> 4];
  }
  return Status{};
}

Status decode_values(const uint8_t* bytes, const RecordView& r, NamedTensor* t) {
  const uint8_t* data = bytes + r.data_offset;
  if (r.dtype == TensorDType::kInt8Packed) return unpack_codebook(data, r, t);
  t->dtype = r.dtype;
  if (r.dtype == TensorDType::kInt8 || r.dtype == TensorDType::kInt32) {
    t->ints.resize(r.element_count);
    for (size_t i = 0; i < r.element_count; ++i) {
      t->ints[i] = r.dtype == TensorDType::kInt8 ? static_cast<int8_t>(data[i])
                                                  : static_cast<int32_t>(read_u32(data + 4 * i));
    }
    return Status{};
  }
  std::vector<float>* values = &t->values;
  values->resize(r.element_count);
  for (size_t i = 0; i < r.element_count; ++i) {
    float v;
    if (r.dtype == TensorDType::kFloat32) {
      const uint32_t bits = read_u32(data + 4 * i);
      std::memcpy(&v, &bits, 4);
    } else {
      v = half_to_float(read_u16(data + 2 * i));
    }
    if (!std::isfinite(v)) {
      return Status::error("tensor '" + r.name + "' holds " + (std::isnan(v) ? "a NaN" : "an infinite") +
                           " value at element " + std::to_string(i));
    }
    (*values)[i] = v;
  }
  return Status{};
}

}  // namespace

const char* precision_name(ModelPrecision precision) {
  switch (precision) {
    case ModelPrecision::kFloat32: return "fp32";
    case ModelPrecision::kFloat16: return "fp16";
    case ModelPrecision::kInt8: return "int8";
  }
  return "?";
}

const NamedTensor* find_tensor(const ModelFileContents& contents, const std::string& name) {
  for (const NamedTensor& t : contents.tensors) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

Status parse_model_file(const uint8_t* bytes, size_t size, ModelFileContents* out) {
  if (size == 0) return Status::error("model file is empty (0 bytes)");
  if (bytes == nullptr) return Status::error("model bytes are null");
  const size_t magic_bytes = size < 8 ? size : 8;
  if (std::memcmp(bytes, kModelFileMagic, magic_bytes) != 0) {
    return Status::error("not a hairmatte model file: the magic (first 8 bytes) is not 'HAIRMATT'");
  }
  const size_t minimum = kModelFileHeaderBytes + kModelFileChecksumBytes;
  if (size < minimum) {
    return Status::error("file is truncated: " + std::to_string(size) + " bytes, shorter than the " +
                         std::to_string(minimum) + "-byte header and checksum");
  }
  const uint32_t version = read_u32(bytes + 8);
  if (version != kModelFileVersion && version != kModelFileVersionInt8 && version != kModelFileVersionPacked) {
    return Status::error("unsupported model file version " + std::to_string(version) +
                         " (this engine reads 1 = float, 2 = int8 and 3 = int8 with packed weights)");
  }
  const bool quantized = version == kModelFileVersionInt8 || version == kModelFileVersionPacked;
  ArchSpec spec;
  const uint32_t arch = read_u32(bytes + 12);
  spec.arch = static_cast<Arch>(arch);
  spec.decoder_depth = read_u32(bytes + 16);
  spec.width_permille = read_u32(bytes + 20);
  spec.input_size = read_u32(bytes + 24);
  Status header = validate_arch_spec(spec);
  if (!header.ok) return Status::error("bad header: " + header.message);
  const uint32_t tensor_count = read_u32(bytes + 28);
  const uint32_t metadata_length = read_u32(bytes + 32);

  const size_t records_end = size - kModelFileChecksumBytes;
  const uint32_t stored_crc = read_u32(bytes + records_end);
  const uint32_t actual_crc = crc32_ieee(bytes, records_end);
  const bool crc_ok = stored_crc == actual_crc;
  const char* crc_note = "; the checksum does not match either, so the file is truncated or corrupted";

  if (metadata_length > records_end - kModelFileHeaderBytes) {
    return Status::error("file is truncated: metadata length " + std::to_string(metadata_length) +
                         " runs past the end of the file (" + std::to_string(size) + " bytes)");
  }
  // A header whose tensor count is not the architecture's, in a file whose checksum fails, is a corrupted
  // header (a flipped byte), not a file cut short: say so before walking records the count cannot describe.
  // The tensors the header's architecture needs, in canonical order, with the dtype each must have
  // (float files: float32 or float16, checked by the walk).
  std::vector<QTensorSpec> required;
  if (quantized) {
    required = required_int8_tensors(spec);
  } else {
    for (TensorSpec& t : required_tensors(spec)) required.push_back({t.name, t.shape, TensorDType::kFloat32});
  }
  const size_t required_count = required.size();
  if (!crc_ok && tensor_count != required_count) {
    return Status::error("checksum mismatch, and the header's tensor count " + std::to_string(tensor_count) +
                         " is not the " + std::to_string(required_count) + " tensors of " + arch_name(spec.arch) +
                         ": the header is corrupted (stored CRC-32 " + hex32(stored_crc) + ", the bytes give " +
                         hex32(actual_crc) + ")");
  }
  std::vector<RecordView> records;
  OutOfBounds oob;
  Status walk = walk_records(bytes, kModelFileHeaderBytes + metadata_length, records_end, tensor_count,
                             version, &records, &oob);
  if (!walk.ok && oob.hit) {
    if (!crc_ok) return Status::error("file is truncated: " + oob.where);
    return Status::error("tensor count " + std::to_string(tensor_count) + " disagrees with the file: " +
                         oob.where + " (the checksum matches, so the header is wrong, not the file cut)");
  }
  if (!walk.ok) return crc_ok ? walk : Status::error(walk.message + crc_note);
  if (!crc_ok) {
    return Status::error("checksum mismatch: the file stores CRC-32 " + hex32(stored_crc) +
                         " but its bytes give " + hex32(actual_crc) + " (the file is corrupted)");
  }

  // Names and shapes against what the header's architecture needs.
  std::unordered_map<std::string, size_t> required_index;
  for (size_t i = 0; i < required.size(); ++i) required_index[required[i].name] = i;
  std::vector<const RecordView*> by_required(required.size(), nullptr);
  const std::string arch_label = std::string(arch_name(spec.arch)) + " (depth " +
                                 std::to_string(spec.decoder_depth) + ", width " +
                                 std::to_string(spec.width_permille) + (quantized ? ", int8" : "") + ")";
  for (const RecordView& r : records) {
    auto it = required_index.find(r.name);
    if (it == required_index.end()) {
      return Status::error("unknown tensor '" + r.name + "': " + arch_label + " has no tensor of that name");
    }
    if (by_required[it->second] != nullptr) return Status::error("tensor '" + r.name + "' appears twice");
    const std::vector<uint32_t>& expected = required[it->second].shape;
    if (r.shape != expected) {
      return Status::error("tensor '" + r.name + "' has shape " + shape_to_string(r.shape) + " but " +
                           arch_label + " needs " + shape_to_string(expected));
    }
    const TensorDType want = required[it->second].dtype;
    if (r.dtype == TensorDType::kInt8Packed && want != TensorDType::kInt8) {
      return Status::error("tensor '" + r.name + "' is stored codebook-packed (dtype 5), which only convolution "
                           "weights (int8) may be; " + arch_label + " stores it as dtype " +
                           std::to_string(static_cast<int>(want)));
    }
    const bool dtype_ok = quantized ? r.dtype == want || r.dtype == TensorDType::kInt8Packed
                                    : (r.dtype == TensorDType::kFloat32 || r.dtype == TensorDType::kFloat16);
    if (!dtype_ok) {
      return Status::error("tensor '" + r.name + "' has dtype " + std::to_string(static_cast<int>(r.dtype)) +
                           " but " + arch_label + " stores it as dtype " + std::to_string(static_cast<int>(want)) +
                           " (1 = float32, 3 = int8, 4 = int32)");
    }
    by_required[it->second] = &r;
  }
  for (size_t i = 0; i < required.size(); ++i) {
    if (by_required[i] == nullptr) {
      return Status::error("missing tensor '" + required[i].name + "' " + shape_to_string(required[i].shape) +
                           " needed by " + arch_label);
    }
  }

  ModelFileContents contents;
  contents.spec = spec;
  contents.metadata_json.assign(reinterpret_cast<const char*>(bytes + kModelFileHeaderBytes), metadata_length);
  contents.tensors.resize(required.size());
  for (size_t i = 0; i < required.size(); ++i) {
    NamedTensor& t = contents.tensors[i];
    t.name = required[i].name;
    t.shape = required[i].shape;
    Status values = decode_values(bytes, *by_required[i], &t);
    if (!values.ok) return values;
  }
  if (quantized) {
    contents.precision = ModelPrecision::kInt8;
    Status scales = validate_int8_contents(contents);
    if (!scales.ok) return scales;
  } else {
    contents.precision = by_required[0]->dtype == TensorDType::kFloat16 ? ModelPrecision::kFloat16
                                                                        : ModelPrecision::kFloat32;
  }
  *out = std::move(contents);
  return Status{};
}

}  // namespace hm
