// FHIR R4 JSON writer: renders the resources of one patient (mCODE STU4 shapes) as compact JSON
// strings in a fixed order. Rendering is a pure function of the NetCase and the tables, so it
// can run on any thread; framing (bulk NDJSON or a Bundle per patient) is done by the caller.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mapping/mapping_set.hpp"
#include "model/net_case.hpp"

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

// Pre-rendered CodeableConcept JSON of the table concepts, by concept key.
using ConceptJsonCache = std::unordered_map<std::string, std::vector<std::pair<model::Concept, std::string>>>;

class FhirJsonWriter {
 public:
  explicit FhirJsonWriter(const MappingSet& tables);
  // Patient first, then per tumor: primary Condition, Observations, secondary Conditions,
  // other Conditions, Procedures, MedicationAdministrations. Duplicate ids are written once.
  std::vector<FhirResource> render(const model::PatientCases& pc) const;
  // The same resources in the same order, each passed to `sink` as soon as it is rendered,
  // without a string per resource (the bulk writer appends them to its chunks).
  void render_each(const model::PatientCases& pc, const std::function<void(const FhirResourceView&)>& sink) const;
  // A transaction Bundle of the resources, every entry a PUT to its own id.
  // `offsets`, when given, receives where each resource's JSON starts inside the Bundle text.
  std::string bundle(const model::PatientCases& pc, const std::vector<FhirResource>& resources,
                     std::vector<std::size_t>* offsets = nullptr) const;

 private:
  const MappingSet& t_;
  ConceptJsonCache cache_;
  std::string p_patient_, p_uscore_procedure_, p_primary_, p_secondary_, p_grade_, p_marker_, p_surgery_, p_med_, p_uscore_cond_;
  std::string x_hmb_, x_related_, x_condition_related_, x_laterality_, x_dar_, x_birthsex_, tag_system_;
  model::Concept cat_problem_, cat_lab_, cat_diagnostic_, ver_confirmed_, obs_grade_;
};

}  // namespace netconv
