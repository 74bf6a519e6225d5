// The Provenance of one patient's resources (--provenance): who made them (netconv, with its
// version and mapping tables' digest), from what (the input files its records came from, by name
// and SHA-256: no patient data), and which resources. Rendered from the run's lineage only, so
// it is as deterministic as the resources it points at.
#include <algorithm>

#include "core/ids.hpp"
#include "core/json_writer.hpp"
#include "writers/fhir_json.hpp"
#include "writers/fhir_render.hpp"

namespace netconv {
namespace {

// R4 requires Provenance.recorded. A clock reading would make every re-run of the same export
// differ, and no date in registry data says when it was recorded, so netconv states a fixed
// instant that cannot be mistaken for one: the run that made the resources is named by
// meta.source, its time by report.json.
constexpr const char* kRecorded = "1970-01-01T00:00:00Z";

// The file name without its folders: output must not depend on where the export was stored.
std::string_view base_name(std::string_view path) {
  auto slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

FhirResource FhirJsonWriter::provenance(const model::PatientCases& pc, const std::vector<std::string>& targets) const {
  FhirResource out{"Provenance", hash_id({"Provenance", pc.patient.resource_id, lineage_.run_id}), "", ""};
  JsonWriter w(out.json);
  w.begin_object().member("resourceType", "Provenance").member("id", out.id);
  if (!ctx_.meta_source_json.empty()) {
    w.key("meta").begin_object();
    fhir_render::meta_source(w, ctx_.meta_source_json);
    w.end_object();
  }
  w.key("target").begin_array();
  for (const auto& t : targets) w.begin_object().member("reference", t).end_object();
  w.end_array().member("recorded", kRecorded);
  std::string who = std::string("netconv ") + NETCONV_VERSION;
  if (!lineage_.tables_sha256.empty()) who += " (mapping tables sha256 " + lineage_.tables_sha256 + ")";
  w.key("agent").begin_array().begin_object().key("type");
  bool unverified = false;
  fhir_render::codeable(ctx_.concept_json, w, ctx_.provenance_assembler, unverified);
  w.key("who").begin_object().member("display", who).end_object().end_object().end_array();
  // the input files this patient's records came from, in run order
  std::vector<const RunLineage::Input*> inputs;
  for (const auto& in : lineage_.inputs)
    if (std::any_of(pc.cases.begin(), pc.cases.end(), [&](const model::NetCase& nc) { return nc.location.file == in.name; }))
      inputs.push_back(&in);
  if (!inputs.empty()) {
    w.key("entity").begin_array();
    for (const auto* in : inputs) {
      w.begin_object().member("role", "source").key("what").begin_object();
      if (!in->sha256.empty())  // a pipe has no digest: it was read once, by the conversion
        w.key("identifier").begin_object().member("system", ctx_.input_sha256_system).member("value", in->sha256).end_object();
      w.member("display", base_name(in->name)).end_object().end_object();
    }
    w.end_array();
  }
  w.end_object();
  return out;
}

}  // namespace netconv
