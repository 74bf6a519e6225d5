// The CDA writer's render context: everything it needs besides the patient (constants from
// cda-templates.tsv / profiles.tsv, the header configuration, concepts and code-system names),
// resolved from the tables once per run when the writer is made, before the first record.
// Read-only afterwards and shared by rendering threads: rendering reads fields of it, it never
// looks a table up.
#pragma once
#include <string>
#include <unordered_map>

#include "model/net_case.hpp"
#include "writers/cda_config.hpp"

namespace netconv {
class MappingSet;
}

namespace netconv::cda {

struct TemplateId {
  std::string root, extension;
};
struct FixedCode {
  std::string code, system, display;
};

struct SectionDef {
  std::string name;  // file-name part in the entries layout: problems, results, ...
  TemplateId templ;
  FixedCode code;
  std::string title;
  bool required = true;  // required by the CCD: sent with nullFlavor="NI" when empty
};

struct Context {
  // Throws ConfigError when a constant is missing or malformed.
  Context(const MappingSet& tables, Config config);

  Config config;
  TemplateId type_id, us_realm_header, ccd, concern_act, problem_obs, result_organizer, result_obs, procedure,
      medication_activity, medication_information, indication;
  FixedCode document_code, confidentiality, concern, problem_type, problem_type_translation, histology_behavior;
  std::string realm, language;
  std::string instance_root;      // id/@root of documents, entries and the author device
  std::string local_system_oid;   // codeSystem for registry keys without a verified code
  std::string identifier_arc;     // roots for identifier systems given as URIs
  std::string problem_value_oid;  // preferred code system of problem values and body sites
  std::string result_code_oid;    // the code system a Result Observation code must come from
  SectionDef problems, results, medications, procedures, allergies, social_history, vital_signs;
  model::Concept grade_code;      // observation code of the histologic grade
  model::Concept diagnostic_category, cause_of_death_code;
  TemplateId birth_sex_obs;    // Birth Sex Observation (Social History)
  FixedCode birth_sex_code;    // its code, LOINC 76689-9
  std::string birth_sex_oid;   // the code system a known birth sex is coded in (its value set)
  FixedCode laterality_name;   // targetSiteCode qualifier name (SNOMED CT Laterality)

  // Name of a code system for the narrative ("SNOMED CT"), from the coding's URI.
  std::string system_name(const model::Coding& c) const;
  // The concept with the codings of its "cda" slot (concepts.tsv) where it has one: C-CDA may
  // want another code system than FHIR for the same fact.
  const model::Concept& cda_concept(const model::Concept& c) const;

 private:
  std::unordered_map<std::string, std::string> system_names_;        // by code-system URI
  std::unordered_map<std::string, model::Concept> cda_concepts_;     // by concept key
};

TemplateId parse_template(const std::string& key, const std::string& value);
FixedCode parse_code(const std::string& key, const std::string& value);

}  // namespace netconv::cda
