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
      out.chunks.push_back({"fhir/bundles.ndjson", json_.bundle(pc, resources) + "\n", false});
      return;
    }
    for (auto& r : resources) out.chunks.push_back({"fhir/" + r.type + ".ndjson", std::move(r.json) + "\n", false});
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
