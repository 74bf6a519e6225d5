#include "writers/cda_context.hpp"

#include "core/errors.hpp"
#include "core/text.hpp"
#include "mapping/mapping_set.hpp"

namespace netconv::cda {

TemplateId parse_template(const std::string& key, const std::string& value) {
  auto parts = split(value, '^');
  if (parts.empty() || parts.size() > 2 || !valid_oid(parts[0]))
    throw ConfigError("mapping constant '" + key + "' must be OID or OID^extension, got '" + value + "'");
  return {parts[0], parts.size() == 2 ? parts[1] : ""};
}

FixedCode parse_code(const std::string& key, const std::string& value) {
  auto parts = split(value, '^');
  if (parts.size() != 3 || parts[0].empty() || !valid_oid(parts[1]))
    throw ConfigError("mapping constant '" + key + "' must be code^codeSystemOID^displayName, got '" + value + "'");
  return {parts[0], parts[1], parts[2]};
}

namespace {

std::string oid_constant(const MappingSet& t, const std::string& key) {
  const auto& v = t.constant(key);
  if (!valid_oid(v)) throw ConfigError("mapping constant '" + key + "' is not an OID: '" + v + "'");
  return v;
}

SectionDef section(const MappingSet& t, const std::string& name, const std::string& key, const std::string& code_system,
                   bool required) {
  SectionDef s;
  s.name = name;
  s.templ = parse_template("cda.template." + key + "_section", t.constant("cda.template." + key + "_section"));
  s.code = {t.constant("cda.section." + key + ".code"), code_system, ""};
  s.title = t.constant("cda.section." + key + ".title");
  s.required = required;
  return s;
}

// A constant naming a code-systems.tsv key, resolved to that system's OID.
std::string system_oid(const MappingSet& t, const std::string& key) {
  const auto& name = t.constant(key);
  const auto* s = t.system(name);
  if (!s || !valid_oid(s->oid))
    throw ConfigError("mapping constant '" + key + "' names no code system with an OID: '" + name + "'");
  return s->oid;
}

}  // namespace

Context::Context(const MappingSet& t, Config cfg) : config(std::move(cfg)) {
  auto tmpl = [&](const char* key) { return parse_template(key, t.constant(key)); };
  auto code = [&](const char* key) { return parse_code(key, t.constant(key)); };
  type_id = tmpl("cda.typeid");
  us_realm_header = tmpl("cda.template.us_realm_header");
  ccd = tmpl("cda.template.ccd");
  concern_act = tmpl("cda.template.problem_concern_act");
  problem_obs = tmpl("cda.template.problem_observation");
  result_organizer = tmpl("cda.template.result_organizer");
  result_obs = tmpl("cda.template.result_observation");
  procedure = tmpl("cda.template.procedure_activity_procedure");
  medication_activity = tmpl("cda.template.medication_activity");
  medication_information = tmpl("cda.template.medication_information");
  indication = tmpl("cda.template.indication");
  document_code = code("cda.code.document");
  confidentiality = code("cda.code.confidentiality");
  concern = code("cda.code.concern");
  problem_type = code("cda.code.problem_type");
  problem_type_translation = code("cda.code.problem_type.translation");
  histology_behavior = code("cda.code.histology_behavior");
  realm = t.constant("cda.realm");
  language = t.constant("cda.language");
  instance_root = oid_constant(t, "cda.oid.instance_id");
  identifier_arc = oid_constant(t, "cda.oid.identifier_system");
  local_system_oid = oid_constant(t, "cda.oid.local_code_system");
  if (const auto* local = t.system("netconv"); local && !local->oid.empty()) local_system_oid = local->oid;
  problem_value_oid = system_oid(t, "cda.problem.value_system");
  result_code_oid = system_oid(t, "cda.result.code_system");
  // section codes are LOINC: the document code names the system once
  const auto& loinc = document_code.system;
  problems = section(t, "problems", "problem", loinc, true);
  results = section(t, "results", "results", loinc, true);
  medications = section(t, "medications", "medications", loinc, true);
  procedures = section(t, "procedures", "procedures", loinc, false);
  allergies = section(t, "allergies", "allergies", loinc, true);
  social_history = section(t, "social-history", "social_history", loinc, true);
  vital_signs = section(t, "vital-signs", "vital_signs", loinc, true);
  // C-CDA wants a LOINC result code: the grade's CDA coding (33732-9) where FHIR has NCIt C18000
  grade_code = t.has_slot("observation.histologic_grade", "cda") ? t.lookup("observation.histologic_grade", "cda")
                                                                 : t.lookup("observation.histologic_grade");
  diagnostic_category = t.lookup("category.diagnostic_procedure");
  cause_of_death_code = t.lookup("observation.cause_of_death");
  birth_sex_obs = tmpl("cda.template.birth_sex_observation");
  birth_sex_code = code("cda.code.birth_sex");
  birth_sex_oid = system_oid(t, "cda.birth_sex.value_system");
  laterality_name = code("cda.code.laterality");
  if (config.software_name.empty()) config.software_name = std::string("netconv ") + NETCONV_VERSION;
  for (const auto& s : t.systems())  // the first row with a URI names it, as MappingSet::system_by_uri finds it
    system_names_.emplace(s.uri, t.constant_or("cda.system_name." + s.key, s.key));
  for (const auto& [key_slot, rows] : t.concept_rows())
    if (!cda_concepts_.count(key_slot.first)) cda_concepts_.emplace(key_slot.first, t.lookup(key_slot.first, "cda"));
}

std::string Context::system_name(const model::Coding& c) const {
  auto it = system_names_.find(c.system_uri);
  return it == system_names_.end() ? c.system_uri : it->second;
}

// A key without any concepts.tsv row resolves to the same unverified concept in every slot.
const model::Concept& Context::cda_concept(const model::Concept& c) const {
  auto it = cda_concepts_.find(c.key);
  return it == cda_concepts_.end() ? c : it->second;
}

}  // namespace netconv::cda
