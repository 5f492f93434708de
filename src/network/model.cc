// Model: a validated architecture plus its kernel-ready weights (engine.h).
#include <utility>

#include "network/architecture.h"
#include "network/engine.h"
#include "network/model_file.h"
#include "network/model_file_writer.h"
#include "network/model_weights.h"
#include "network/int8_network.h"

namespace hm {

struct Model::Impl {
  ArchSpec spec;
  std::string metadata_json;
  ModelPrecision precision = ModelPrecision::kFloat32;
  ModelWeights weights;
  std::unique_ptr<Int8Weights> int8;
};

Model::Model() : impl_(new Impl) {}
Model::~Model() = default;

const ArchSpec& Model::spec() const { return impl_->spec; }
const std::string& Model::metadata_json() const { return impl_->metadata_json; }
const ModelWeights& Model::weights() const { return impl_->weights; }
const char* Model::precision() const { return precision_name(impl_->precision); }
const Int8Weights* Model::int8_weights() const { return impl_->int8.get(); }

std::shared_ptr<const Model> Model::load(const uint8_t* bytes, size_t size, Status* status) {
  Status local;
  Status& st = status ? *status : local;
  ModelFileContents contents;
  st = parse_model_file(bytes, size, &contents);
  if (!st.ok) return nullptr;
  std::shared_ptr<Model> model(new Model);
  model->impl_->spec = contents.spec;
  model->impl_->metadata_json = std::move(contents.metadata_json);
  model->impl_->precision = contents.precision;
  if (contents.precision == ModelPrecision::kInt8) {
    model->impl_->int8.reset(new Int8Weights(Int8Weights::pack(contents)));
  } else {
    model->impl_->weights = ModelWeights::pack(contents);
  }
  return model;
}

std::shared_ptr<const Model> Model::random(const ArchSpec& spec, uint32_t seed, Status* status) {
  Status local;
  Status& st = status ? *status : local;
  st = validate_arch_spec(spec);
  if (!st.ok) return nullptr;
  const ModelFileContents contents = random_model_contents(spec, seed);
  std::shared_ptr<Model> model(new Model);
  model->impl_->spec = spec;
  model->impl_->metadata_json = "{}";
  model->impl_->weights = ModelWeights::pack(contents);
  return model;
}

}  // namespace hm
