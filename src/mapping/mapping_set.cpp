#include "mapping/mapping_set.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "core/errors.hpp"
#include "core/text.hpp"
#include "mapping/code_checks.hpp"
#include "mapping/icd10cm_dates.hpp"
#include "core/tsv_table.hpp"
#include "mapping/naaccr_tables.hpp"

namespace netconv {

const std::vector<std::pair<std::string, std::vector<std::string>>>& contract_enumerations() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> e = {
      {"sex", {"F", "M", "O", "U", "female", "male", "other", "unknown"}},
      {"differentiation", {"well", "moderate", "poor", "poor_small_cell", "poor_large_cell", "unknown"}},
      {"metastatic_sites", {"liver", "bone", "lung", "peritoneum", "lymph_node_regional", "lymph_node_distant", "other"}},
      {"syndromes", {"MEN1", "MEN2", "MEN2A", "MEN2B", "VHL", "NF1", "TSC"}},
      {"carcinoid_syndrome", {"Y", "N", "U"}},
      {"symptoms", {"flushing", "diarrhea", "steatorrhea", "edema", "wheezing", "jaundice", "carcinoid_heart_disease",
                    "sexual_dysfunction"}},
      {"diagnostics", {"biopsy", "core_needle_biopsy", "endoscopic_ultrasonography", "urinalysis", "ct", "mri", "pet",
                       "ga68_dotatate_pet", "somatostatin_receptor_scintigraphy", "endoscopy"}},
      {"vital_status", {"alive", "dead", "unknown"}},
      {"treatment_kind", {"surgery", "ssa", "targeted", "chemo", "prrt", "liver_directed", "other"}},
  };
  return e;
}

const std::vector<std::string>& required_constants() {
  static const std::vector<std::string> c = {
      "fhir.profile.cancer_patient", "fhir.profile.primary_condition", "fhir.profile.secondary_condition",
      "fhir.profile.histologic_grade", "fhir.profile.tumor_marker_test", "fhir.profile.surgical_procedure",
      "fhir.profile.medication_administration", "fhir.profile.us_core_condition",
      "fhir.extension.histology_morphology_behavior", "fhir.extension.related_condition", "fhir.extension.condition_related", "fhir.extension.laterality_qualifier",
      "fhir.extension.data_absent_reason", "fhir.extension.us_core_birthsex", "fhir.system.patient_id_default",
      "fhir.system.tag"};
  return c;
}

namespace {

bool matches(const std::string& pattern, const std::string& value) { return pattern == "*" || pattern == value; }

}  // namespace

// Every verified ICD-10-CM coding has a validity range, and the codes of one concept slot tile
// the fiscal years of the table without gap or overlap: a diagnosis date always finds one code.
void MappingSet::check_icd10cm_ranges(const MappingSet& m, const std::string& path, std::vector<Diagnostic>& problems) {
  const auto& v = *m.icd10cm_;
  for (const auto& [ks, rows] : m.concepts_) {
    std::vector<std::pair<std::string, FyRange>> codes;
    std::uint64_t line = 0;
    for (const auto& c : rows) {
      if (c.system != "icd10cm" || c.verified != "yes") continue;
      line = c.line;
      if (const auto* r = v.range(c.code)) codes.emplace_back(c.code, *r);
      else problems.push_back({Severity::error, "NC-MAP-038", {path, c.line, 0, "code"},
                               "ICD-10-CM code '" + c.code + "' has no validity range in icd10cm-validity.tsv", ""});
    }
    if (auto why = icd10cm_range_problem(codes, v.oldest_fy(), v.newest_fy()); !why.empty())
      problems.push_back({Severity::error, "NC-MAP-039", {path, line, 0, "code"},
                          "concept '" + ks.first + "' slot '" + ks.second + "': ICD-10-CM validity " + why, ""});
  }
}

const Icd10cmValidity& MappingSet::icd10cm_validity() const {
  static const Icd10cmValidity none;  // a set that was never loaded dates nothing
  return icd10cm_ ? *icd10cm_ : none;
}

const CodeSystemRow* MappingSet::system(const std::string& key) const {
  for (const auto& s : systems_)
    if (s.key == key) return &s;
  return nullptr;
}
const CodeSystemRow* MappingSet::system_by_uri(const std::string& uri) const {
  for (const auto& s : systems_)
    if (s.uri == uri) return &s;
  return nullptr;
}
bool MappingSet::has_concept(const std::string& key) const { return concept_keys_.count(key) > 0; }
const model::Concept* MappingSet::resolved(std::string_view key, std::string_view slot) const {
  char buf[160];
  std::string long_key;
  std::string_view joined;
  if (key.size() + slot.size() + 1 <= sizeof buf) {
    std::copy(key.begin(), key.end(), buf);
    buf[key.size()] = '\x1f';
    std::copy(slot.begin(), slot.end(), buf + key.size() + 1);
    joined = std::string_view(buf, key.size() + slot.size() + 1);
  } else {
    long_key.append(key).append(1, '\x1f').append(slot);
    joined = long_key;
  }
  auto it = resolved_.find(joined);
  return it == resolved_.end() ? nullptr : &it->second;
}

bool MappingSet::has_slot(std::string_view key, std::string_view slot) const { return resolved(key, slot) != nullptr; }

model::Concept MappingSet::lookup(std::string_view key, std::string_view slot) const {
  if (const auto* c = resolved(key, slot)) return *c;
  model::Concept c;  // a concept without rows for this slot: unverified by definition
  c.key = std::string(key);
  c.text = std::string(key);
  if (const auto* local = system("netconv")) c.local = {local->uri, local->oid, std::string(key), std::string(key)};
  return c;
}

std::string MappingSet::topography_display(const std::string& dotted) const {
  auto it = topography_.find(dotted);
  return it == topography_.end() ? "" : it->second;
}
std::string MappingSet::morphology_display(const std::string& code) const {
  auto it = morphologies_.find(code);
  return it == morphologies_.end() ? "" : it->second;
}

const std::string* MappingSet::morphology_term(const std::string& code, const std::string& site_family, const std::string& grade) const {
  for (const auto& r : morphology_terms_)
    if (r.code == code && matches(r.site_family, site_family) && matches(r.grade, grade)) return &r.display;
  return nullptr;
}

const SiteRow* MappingSet::site(const std::string& topography) const {
  auto it = sites_.find(topography);
  if (it == sites_.end()) it = sites_.find(topography.substr(0, 3));
  return it == sites_.end() ? nullptr : &it->second;
}

const ScopeRow* MappingSet::scope(const std::string& histology, const std::string& behavior) const {
  const ScopeRow* wildcard = nullptr;
  for (const auto& s : scope_) {
    if (s.morphology != histology) continue;
    if (s.behavior == behavior) return &s;
    if (s.behavior == "*") wildcard = &s;
  }
  return wildcard;
}

const DiagnosisRow* MappingSet::diagnosis(const std::string& topography, const std::string& site_group,
                                          const std::string& tumor_class) const {
  for (const auto& d : diagnoses_) {
    bool topo = d.topography == "*" || d.topography == topography ||
                (d.topography.size() == 3 && topography.rfind(d.topography, 0) == 0);
    if (topo && matches(d.site_group, site_group) && matches(d.tumor_class, tumor_class)) return &d;
  }
  return nullptr;
}

std::string MappingSet::grade_schema(const std::string& site_group, const std::string& tumor_class) const {
  for (const auto& [k, schema] : grade_schemas_)
    if (matches(k.first, site_group) && matches(k.second, tumor_class)) return schema;
  return "";
}

const GradeCodeRow* MappingSet::grade_code(const std::string& schema, const std::string& code) const {
  for (const auto& g : grade_codes_)
    if (g.schema == schema && g.code == code) return &g;
  return nullptr;
}

const std::string* MappingSet::value_concept(std::string_view field, std::string_view value) const {
  char buf[64];  // contract values are short words; a longer value is lowercased into a string
  std::string long_value;
  std::string_view lower;
  if (value.size() <= sizeof buf) {
    for (std::size_t i = 0; i < value.size(); ++i)  // ASCII only, as to_lower()
      buf[i] = value[i] >= 'A' && value[i] <= 'Z' ? static_cast<char>(value[i] - 'A' + 'a') : value[i];
    lower = std::string_view(buf, value.size());
  } else {
    long_value = to_lower(value);
    lower = long_value;
  }
  auto it = values_.find(std::pair<std::string_view, std::string_view>(field, lower));
  return it == values_.end() ? nullptr : &it->second;
}

const AgentRow* MappingSet::agent(const std::string& key) const {
  auto it = agents_.find(key);
  return it == agents_.end() ? nullptr : &it->second;
}
const std::string* MappingSet::lab_concept(const std::string& test, const std::string& unit) const {
  auto it = lab_tests_.find({test, unit});
  return it == lab_tests_.end() ? nullptr : &it->second;
}
bool MappingSet::has_lab_test(const std::string& test) const {
  auto it = lab_tests_.lower_bound({test, ""});
  return it != lab_tests_.end() && it->first.first == test;
}

const KindRow* MappingSet::kind(const std::string& key) const {
  auto it = kinds_.find(key);
  return it == kinds_.end() ? nullptr : &it->second;
}

const std::vector<std::string>& MappingSet::indications(const std::string& agent) const {
  static const std::vector<std::string> none;
  auto it = indications_.find(agent);
  return it == indications_.end() ? none : it->second;
}

const std::string& MappingSet::constant(const std::string& key) const {
  auto it = constants_.find(key);
  if (it == constants_.end()) throw ConfigError("mapping constant '" + key + "' is missing from profiles.tsv");
  return it->second;
}
std::string MappingSet::constant_or(const std::string& key, const std::string& fallback) const {
  auto it = constants_.find(key);
  return it == constants_.end() ? fallback : it->second;
}
std::string MappingSet::local_system_uri() const {
  const auto* s = system("netconv");
  return s ? s->uri : "";
}

const naaccr::Tables& MappingSet::naaccr_tables() const {
  if (!naaccr_) throw ConfigError("the NAACCR tables (naaccr-items.tsv, naaccr-values.tsv, naaccr-treatments.tsv) are not in " + dir_);
  return *naaccr_;
}

}  // namespace netconv
