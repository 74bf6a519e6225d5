// The FHIR output writer: bulk NDJSON per resource type, or a transaction Bundle per patient.
#include "core/errors.hpp"
#include "writers/fhir_json.hpp"
#include "writers/writer.hpp"

namespace netconv {
namespace {

class FhirOutputWriter : public OutputWriter {
 public:
  FhirOutputWriter(const MappingSet& t, std::string layout) : json_(t), layout_(std::move(layout)) {
    if (layout_ != "bulk" && layout_ != "bundle") throw ConfigError("--fhir-layout must be bulk or bundle");
  }
  std::string name() const override { return "fhir"; }
  std::string directory() const override { return "fhir"; }
  void render(const model::PatientCases& pc, RenderedPatient& out) const override {
    auto resources = json_.render(pc);
    for (const auto& r : resources) ++out.resource_counts["fhir:" + r.type];
    if (layout_ == "bundle") {
      std::vector<std::size_t> offsets;
      std::string line = json_.bundle(pc, resources, &offsets) + "\n";
      std::size_t chunk = out.chunks.size();
      for (std::size_t i = 0; i < resources.size(); ++i)
        out.targets.push_back({"fhir-json", resources[i].record_key, "fhir/bundles.ndjson " + resources[i].type + "/" + resources[i].id,
                               chunk, offsets[i], resources[i].json.size()});
      out.chunks.push_back({"fhir/bundles.ndjson", std::move(line), false});
      return;
    }
    // one chunk per resource type and patient: fewer, larger appends
    for (auto& r : resources) {
      auto path = "fhir/" + r.type + ".ndjson";
      std::size_t chunk = out.chunks.size();
      for (std::size_t i = 0; i < out.chunks.size(); ++i)
        if (out.chunks[i].path == path) chunk = i;
      if (chunk == out.chunks.size()) out.chunks.push_back({path, "", false});
      auto& bytes = out.chunks[chunk].bytes;
      out.targets.push_back({"fhir-json", r.record_key, path + " " + r.type + "/" + r.id, chunk, bytes.size(), r.json.size()});
      bytes += r.json;
      bytes += '\n';
    }
  }

 private:
  FhirJsonWriter json_;
  std::string layout_;
};

}  // namespace

std::unique_ptr<OutputWriter> make_fhir_writer(const WriterOptions& o, const MappingSet& t) {
  return std::make_unique<FhirOutputWriter>(t, o.fhir_layout);
}

}  // namespace netconv
