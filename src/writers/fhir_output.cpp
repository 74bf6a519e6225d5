// The FHIR output writer: bulk NDJSON per resource type, or a transaction Bundle per patient.
#include <algorithm>

#include "core/errors.hpp"
#include "writers/fhir_json.hpp"
#include "writers/writer.hpp"

namespace netconv {
namespace {

class FhirOutputWriter : public OutputWriter {
 public:
  FhirOutputWriter(const MappingSet& t, const WriterOptions& o) : json_(t, o), layout_(o.fhir_layout), provenance_(o.provenance) {
    if (layout_ != "bulk" && layout_ != "bundle") throw ConfigError("--fhir-layout must be bulk or bundle");
  }
  std::string name() const override { return "fhir"; }
  std::string directory() const override { return "fhir"; }
  using OutputWriter::render;
  void render(const model::PatientCases& pc, RenderedPatient& out, RenderScratch& scratch) const override {
    if (layout_ == "bundle") {
      auto resources = json_.render(pc);
      if (provenance_) {
        std::vector<std::string> targets;
        targets.reserve(resources.size());
        for (const auto& r : resources) targets.push_back(r.type + "/" + r.id);
        resources.push_back(json_.provenance(pc, targets));
      }
      for (const auto& r : resources) ++out.resource_counts["fhir:" + r.type];
      std::vector<std::size_t> offsets;
      std::string line = json_.bundle(pc, resources, &offsets) + "\n";
      std::size_t chunk = out.chunks.size();
      for (std::size_t i = 0; i < resources.size(); ++i)
        out.targets.push_back({"fhir-json", resources[i].record_key, "", chunk, offsets[i], resources[i].json.size()});
      out.chunks.push_back({"fhir/bundles.ndjson", std::move(line), false});
      return;
    }
    // one chunk per resource type and patient: fewer, larger appends. Resources are staged in
    // the caller's scratch buffer, so that each chunk is allocated once at its final size
    // instead of growing (and being copied) a dozen times from empty.
    struct TypeChunk {
      std::string_view type;  // the writer's own literals: valid beyond the call
      std::size_t chunk;
      std::uint64_t count;
      std::size_t bytes;
    };
    auto& staged = scratch.text;
    auto& pieces = scratch.spans;  // tag: index in `types`; length includes the newline
    staged.clear();
    pieces.clear();
    std::vector<TypeChunk> types;
    types.reserve(8);  // the resource types the writer emits
    if (out.describe_targets) out.targets.reserve(16);  // a patient's usual resources, without regrowing
    std::vector<std::string> targets;  // "Type/id" of each resource, for the Provenance
    auto add = [&](const FhirResourceView& r) {
      auto it = std::find_if(types.begin(), types.end(), [&](const TypeChunk& t) { return t.type == r.type; });
      if (it == types.end()) {
        out.chunks.push_back({"fhir/" + std::string(r.type) + ".ndjson", "", false});
        it = types.insert(types.end(), {r.type, out.chunks.size() - 1, 0, 0});
      }
      if (out.describe_targets) out.targets.push_back({"fhir-json", r.record_key, "", it->chunk, it->bytes, r.json.size()});
      pieces.push_back({static_cast<std::size_t>(it - types.begin()), staged.size(), r.json.size() + 1});
      staged += r.json;
      staged += '\n';
      ++it->count;
      it->bytes += r.json.size() + 1;
      if (provenance_) targets.push_back(std::string(r.type) + "/" + std::string(r.id));
    };
    json_.render_each(pc, add);
    if (provenance_) {
      const auto p = json_.provenance(pc, targets);
      add({"Provenance", p.id, p.json, p.record_key});
    }
    for (const auto& t : types) out.chunks[t.chunk].bytes.reserve(t.bytes);
    for (const auto& p : pieces) out.chunks[types[p.tag].chunk].bytes.append(staged, p.offset, p.length);
    for (const auto& t : types) out.resource_counts["fhir:" + std::string(t.type)] += t.count;
    // a very large patient should not pin its staging memory to the caller for the whole run
    if (staged.capacity() > (std::size_t(1) << 20)) std::string().swap(staged);
  }

 private:
  FhirJsonWriter json_;
  std::string layout_;
  bool provenance_ = false;
};

}  // namespace

std::unique_ptr<OutputWriter> make_fhir_writer(const WriterOptions& o, const MappingSet& t) {
  return std::make_unique<FhirOutputWriter>(t, o);
}

}  // namespace netconv
