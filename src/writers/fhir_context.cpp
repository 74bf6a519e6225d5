#include "writers/fhir_context.hpp"

#include "core/errors.hpp"
#include "core/json_writer.hpp"
#include "mapping/mapping_set.hpp"
#include "writers/fhir_render.hpp"

namespace netconv {

FhirContext::FhirContext(const MappingSet& t) {
  for (const auto& [key_slot, rows] : t.concept_rows()) {
    auto c = t.lookup(key_slot.first, key_slot.second);
    std::string json;
    JsonWriter w(json);
    fhir_render::render_codeable(w, c);
    concept_json[c.key].emplace_back(std::move(c), std::move(json));
  }
  profile = {t.constant("fhir.profile.cancer_patient"),      t.constant("fhir.profile.primary_condition"),
             t.constant("fhir.profile.secondary_condition"), t.constant("fhir.profile.histologic_grade"),
             t.constant("fhir.profile.tumor_marker_test"),   t.constant("fhir.profile.surgical_procedure"),
             t.constant("fhir.profile.medication_administration"), t.constant("fhir.profile.us_core_condition"),
             t.constant("fhir.profile.us_core_procedure")};
  extension = {t.constant("fhir.extension.histology_morphology_behavior"), t.constant("fhir.extension.related_condition"),
               t.constant("fhir.extension.condition_related"),            t.constant("fhir.extension.laterality_qualifier"),
               t.constant("fhir.extension.data_absent_reason"),           t.constant("fhir.extension.us_core_birthsex")};
  tag_system = t.constant("fhir.system.tag");
  input_sha256_system = t.constant("fhir.system.input_sha256");
  provenance_assembler = t.lookup("provenance.assembler");
  category_problem = t.lookup("category.problem_list_item");
  category_lab = t.lookup("category.laboratory");
  category_diagnostic = t.lookup("category.diagnostic_procedure");
  confirmed = t.lookup("status.confirmed");
  grade_code = t.lookup("observation.histologic_grade");
  cause_of_death_code = t.lookup("observation.cause_of_death");
  // every constant may name a profile: the table rows that do are checked by check-mappings
  profiles_by_key_ = t.constants();
}

const std::string& FhirContext::profile_by_key(const std::string& key) const {
  auto it = profiles_by_key_.find(key);
  if (it == profiles_by_key_.end()) throw ConfigError("mapping constant '" + key + "' is missing from profiles.tsv");
  return it->second;
}

}  // namespace netconv
