// FHIR R4 JSON writer: renders the resources of one patient (mCODE STU4 shapes) as compact JSON
// strings in a fixed order. Rendering is a pure function of the NetCase and the render context
// (fhir_context.hpp, resolved from the tables when the writer is made), so it can run on any
// thread; framing (bulk NDJSON or a Bundle per patient) is done by the caller. One file per
// resource family (fhir_patient, fhir_conditions, fhir_observations, fhir_procedures).
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "model/net_case.hpp"
#include "writers/fhir_context.hpp"
#include "writers/writer.hpp"

namespace netconv {

struct FhirResource {
  std::string type;
  std::string id;
  std::string json;  // one line, no trailing newline
  // Which input record it came from: a view of that NetCase's record_key in the PatientCases
  // rendered, valid while they are ("" for the Patient).
  std::string_view record_key;
};

// A resource as render_each() hands it over: the views are valid during the call only.
struct FhirResourceView {
  std::string_view type, id, json, record_key;
};

class FhirJsonWriter {
 public:
  // Resolves the render context; throws ConfigError when a constant it needs is missing or an
  // option (bundle type, base URL) is not one the writer can use. The options' lineage gives
  // every resource its meta.source.
  explicit FhirJsonWriter(const MappingSet& tables, const WriterOptions& options = {});
  // Patient first, then per tumor: primary Condition, Observations, secondary Conditions,
  // other Conditions, Procedures, MedicationAdministrations. Duplicate ids are written once.
  std::vector<FhirResource> render(const model::PatientCases& pc) const;
  // The same resources in the same order, each passed to `sink` as soon as it is rendered,
  // without a string per resource (the bulk writer appends them to its chunks).
  void render_each(const model::PatientCases& pc, const std::function<void(const FhirResourceView&)>& sink) const;
  // A transaction (or batch) Bundle of the resources, every entry with its fullUrl
  // (core/lineage.hpp) and a PUT to its own id. `offsets`, when given, receives where each
  // resource's JSON starts inside the Bundle text.
  std::string bundle(const model::PatientCases& pc, const std::vector<FhirResource>& resources,
                     std::vector<std::size_t>* offsets = nullptr) const;
  // The patient's Provenance (fhir_provenance.cpp): `targets` are "Type/id" references of the
  // resources rendered for it, in order. Its id is a hash of the patient's id and the run id.
  FhirResource provenance(const model::PatientCases& pc, const std::vector<std::string>& targets) const;

 private:
  FhirContext ctx_;
  std::string bundle_type_, base_url_;
  RunLineage lineage_;
};

}  // namespace netconv
