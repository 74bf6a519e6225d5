#include "writers/fhir_json.hpp"

#include "core/errors.hpp"
#include "core/ids.hpp"
#include "core/lineage.hpp"
#include "core/json_writer.hpp"
#include "writers/fhir_render.hpp"

namespace netconv {

FhirJsonWriter::FhirJsonWriter(const MappingSet& t, const WriterOptions& o)
    : ctx_(t), bundle_type_(o.fhir_bundle_type), base_url_(o.fhir_base_url), lineage_(o.lineage) {
  if (bundle_type_ != "transaction" && bundle_type_ != "batch")
    throw ConfigError("--bundle-type must be transaction or batch");
  if (!base_url_.empty())
    if (auto problem = fhir_base_url_problem(base_url_); !problem.empty())
      throw ConfigError("--fhir-base-url " + problem);
  if (!lineage_.meta_source.empty()) append_json_string(ctx_.meta_source_json, lineage_.meta_source);
}

std::vector<FhirResource> FhirJsonWriter::render(const model::PatientCases& pc) const {
  std::vector<FhirResource> out;
  render_each(pc, [&](const FhirResourceView& r) {
    out.push_back({std::string(r.type), std::string(r.id), std::string(r.json), r.record_key});
  });
  return out;
}

void FhirJsonWriter::render_each(const model::PatientCases& pc, const std::function<void(const FhirResourceView&)>& sink) const {
  fhir_render::Emitter e(ctx_, sink);
  fhir_render::patient(e, pc.patient);
  for (const auto& nc : pc.cases) {
    const fhir_render::TumorScope s{e, pc.patient, nc};
    fhir_render::primary_condition(s);
    fhir_render::grade_and_tumor_observations(s);
    fhir_render::secondary_and_other_conditions(s);
    fhir_render::treatments(s);
    fhir_render::diagnostic_procedures(s);
    fhir_render::lab_results(s);
  }
  fhir_render::cause_of_death(e, pc.patient);
}

std::string FhirJsonWriter::bundle(const model::PatientCases& pc, const std::vector<FhirResource>& resources,
                                   std::vector<std::size_t>* offsets) const {
  std::string out;
  out.reserve(256 + resources.size() * 512);
  JsonWriter w(out);
  w.begin_object().member("resourceType", "Bundle").member("id", hash_id({"Bundle", pc.patient.resource_id}))
      .member("type", bundle_type_).key("entry").begin_array();
  for (const auto& r : resources) {
    // R4 requires fullUrl on entries with a PUT; with a base URL it resolves the entries'
    // relative references (Patient/<id>) to the entries themselves
    w.begin_object().member("fullUrl", bundle_full_url(base_url_, r.type, r.id)).key("resource");
    if (offsets) offsets->push_back(out.size());
    w.raw_number(r.json);
    w.key("request").begin_object().member("method", "PUT").member("url", r.type + "/" + r.id).end_object();
    w.end_object();
  }
  w.end_array().end_object();
  return out;
}

}  // namespace netconv
