// The FHIR writer's render context: everything it needs from the mapping tables (profile and
// extension URLs, fixed concepts, the pre-rendered JSON of table concepts), resolved once per
// run when the writer is made, before the first record. Read-only afterwards and shared by the
// rendering threads: rendering reads fields of it, it never looks a table up.
#pragma once
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/net_case.hpp"

namespace netconv {

class MappingSet;

// Pre-rendered CodeableConcept JSON of the table concepts, by concept key.
using ConceptJsonCache = std::unordered_map<std::string, std::vector<std::pair<model::Concept, std::string>>>;

struct FhirContext {
  // Throws ConfigError when a constant the writer needs is missing from profiles.tsv.
  explicit FhirContext(const MappingSet& tables);

  struct Profiles {
    std::string patient, primary, secondary, grade, marker, surgery, medication, us_core_condition, us_core_procedure;
  } profile;
  struct Extensions {
    std::string histology_morphology_behavior, related_condition, condition_related, laterality, data_absent_reason,
        birth_sex;
  } extension;
  std::string tag_system;  // meta.tag system of the unverified-terminology tag
  // The run's meta.source as a JSON string, quoted and escaped once per run rather than for
  // every resource ("" = none; set by the writer from the run's lineage, not by the tables).
  std::string meta_source_json;
  std::string input_sha256_system;  // identifier system of an input file's SHA-256 (Provenance.entity)
  model::Concept provenance_assembler;  // Provenance.agent.type of netconv
  model::Concept category_problem, category_lab, category_diagnostic, confirmed, grade_code, cause_of_death_code;
  ConceptJsonCache concept_json;

  // The profile URL a format constant names (treatments whose table row names their profile).
  // Throws ConfigError, as the tables do, for a key profiles.tsv does not have.
  const std::string& profile_by_key(const std::string& key) const;

 private:
  std::unordered_map<std::string, std::string> profiles_by_key_;
};

}  // namespace netconv
