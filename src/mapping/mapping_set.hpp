// The loaded, checked mapping tables (docs/mapping-tables.md). Immutable after load and shared
// read-only by all workers.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/diagnostics.hpp"
#include "model/values.hpp"

namespace netconv {

namespace naaccr {
struct Tables;
}
class Icd10cmValidity;

struct CodeSystemRow {
  std::string key, uri, oid, format;
};
struct SiteRow {
  std::string topography, site_group, family, body_site;
};
struct ScopeRow {
  std::string morphology, behavior, decision, tumor_class, morphology_concept;
};
struct DiagnosisRow {
  std::string topography, site_group, tumor_class, concept_key;
};
struct GradeCodeRow {
  std::string schema, code, grade, differentiation;
  std::string method;  // concept key of the grading system (HistologicGrade.method), "" = not WHO-graded
};
struct AgentRow {
  std::string agent, resource, concept_key;
  std::vector<std::string> kinds;
};
struct KindRow {
  std::string kind, category_concept;
  // "event" (done on one day: its date is the day it was done) or "course" (given over time: its
  // date is when it started). Kinds without a row (NAACCR hormone, radiation...) are courses.
  std::string timing = "course";
};

class MappingSet {
 public:
  // Loads every table from `dir`. Problems (errors and warnings) are appended; the set is usable
  // only when none of them is an error.
  static MappingSet load(const std::string& dir, std::vector<Diagnostic>& problems);

  const std::string& dir() const { return dir_; }
  const CodeSystemRow* system(const std::string& key) const;
  const CodeSystemRow* system_by_uri(const std::string& uri) const;
  bool has_concept(const std::string& key) const;
  // Resolved concept for a slot: verified codings only; unverified → text + local coding.
  model::Concept lookup(std::string_view key, std::string_view slot = "code") const;
  bool has_slot(std::string_view key, std::string_view slot) const;

  bool valid_topography(const std::string& dotted) const { return topography_.count(dotted) > 0; }
  std::string topography_display(const std::string& dotted) const;
  bool valid_histology(const std::string& four_digits) const { return histologies_.count(four_digits) > 0; }
  std::string morphology_display(const std::string& code) const;  // nnnn/b, "" when unlisted
  // The ICD-O-3.2 term that fits the case when the code's preferred term names another tumor the
  // code covers (icdo3-morphology-terms.tsv, first match); nullptr = keep morphology_display.
  const std::string* morphology_term(const std::string& code, const std::string& site_family, const std::string& grade) const;

  const SiteRow* site(const std::string& topography) const;
  const ScopeRow* scope(const std::string& histology, const std::string& behavior) const;
  const DiagnosisRow* diagnosis(const std::string& topography, const std::string& site_group,
                                const std::string& tumor_class) const;
  std::string grade_schema(const std::string& site_group, const std::string& tumor_class) const;
  const GradeCodeRow* grade_code(const std::string& schema, const std::string& code) const;
  // Allowed value of an enumerated input field (case-insensitive); nullptr when not allowed.
  const std::string* value_concept(std::string_view field, std::string_view value) const;
  const AgentRow* agent(const std::string& key) const;
  // Concept key of a lab test measured in `unit` (exact UCUM code); nullptr when the test is
  // unknown or does not take that unit.
  const std::vector<CodeSystemRow>& systems() const { return systems_; }  // code-systems.tsv, in row order
  const std::string* lab_concept(const std::string& test, const std::string& unit) const;
  bool has_lab_test(const std::string& test) const;
  const KindRow* kind(const std::string& key) const;
  // indications.tsv: concept keys of the conditions an agent is given for, in row order (empty
  // when the agent treats the tumor itself).
  const std::vector<std::string>& indications(const std::string& agent) const;
  // Format constant (profile URL, extension URL, template id); throws ConfigError when missing.
  const std::string& constant(const std::string& key) const;
  std::string constant_or(const std::string& key, const std::string& fallback) const;
  const std::unordered_map<std::string, std::string>& constants() const { return constants_; }  // every one, by key
  std::string local_system_uri() const;
  // The NAACCR item, value and treatment tables of the same directory, loaded and checked by
  // load() with the others (their problems are load()'s). A directory may have none (NAACCR input
  // is optional): then naaccr_tables() throws ConfigError and naaccr_tables_shared() is null.
  const naaccr::Tables& naaccr_tables() const;
  std::shared_ptr<const naaccr::Tables> naaccr_tables_shared() const { return naaccr_; }
  // ICD-10-CM validity ranges by fiscal year (icd10cm-validity.tsv).
  const Icd10cmValidity& icd10cm_validity() const;

  struct ConceptCoding {
    std::string system, code, display, source, verified, note;
    std::uint64_t line = 0;
  };
  const std::map<std::pair<std::string, std::string>, std::vector<ConceptCoding>>& concept_rows() const {
    return concepts_;
  }

 private:
  std::string dir_;
  std::vector<CodeSystemRow> systems_;
  std::map<std::pair<std::string, std::string>, std::vector<ConceptCoding>> concepts_;  // (concept, slot)
  std::unordered_set<std::string> concept_keys_;
  std::unordered_map<std::string, std::string> topography_;
  std::unordered_map<std::string, std::string> morphologies_;
  std::unordered_set<std::string> histologies_;
  struct MorphologyTermRow {
    std::string code, site_family, grade, display;
  };
  std::vector<MorphologyTermRow> morphology_terms_;
  std::unordered_map<std::string, SiteRow> sites_;
  std::vector<ScopeRow> scope_;
  std::vector<DiagnosisRow> diagnoses_;
  std::vector<std::pair<std::pair<std::string, std::string>, std::string>> grade_schemas_;
  std::vector<GradeCodeRow> grade_codes_;
  // (field, lowercase value) -> concept key; looked up by views on the hot path
  struct PairLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return std::string_view(a.first) != std::string_view(b.first) ? std::string_view(a.first) < std::string_view(b.first)
                                                                    : std::string_view(a.second) < std::string_view(b.second);
    }
  };
  std::map<std::pair<std::string, std::string>, std::string, PairLess> values_;
  std::unordered_map<std::string, AgentRow> agents_;
  std::unordered_map<std::string, KindRow> kinds_;
  std::unordered_map<std::string, std::vector<std::string>> indications_;  // agent -> condition concept keys
  std::map<std::pair<std::string, std::string>, std::string> lab_tests_;  // (test, unit) -> concept
  std::unordered_map<std::string, std::string> constants_;
  struct ViewHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // key + '\x1f' + slot; found without building that string (a lookup per coded value)
  std::unordered_map<std::string, model::Concept, ViewHash, std::equal_to<>> resolved_;
  const model::Concept* resolved(std::string_view key, std::string_view slot) const;
  std::shared_ptr<const naaccr::Tables> naaccr_;
  std::shared_ptr<const Icd10cmValidity> icd10cm_;
  static void check_icd10cm_ranges(const MappingSet& m, const std::string& path, std::vector<Diagnostic>& problems);
  friend class MappingSetLoader;  // load()'s steps, one function per table (mapping_set.cpp)
};

// Enumerated values the input contracts accept, by field: check-mappings and the loader
// demand that each one has a values.tsv row.
const std::vector<std::pair<std::string, std::vector<std::string>>>& contract_enumerations();
// Format constants the writers need.
const std::vector<std::string>& required_constants();

}  // namespace netconv
