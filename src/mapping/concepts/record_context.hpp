// What the per-concept mappers share while one record is mapped: the record, the outcome being
// built, the tables, and the few facts one concept decides and a later one reads (the checked
// tumor codes, the concepts and resource ids already emitted). Internal to src/mapping: the
// mapper runs the concept mappers in a fixed order (mapper.cpp), and that order is the order
// of the record's reasons and resources, so it is part of the output contract.
#pragma once
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "mapping/mapper.hpp"

namespace netconv::concepts {

// The tumor codes as checked before anything else: they decide scope.
struct TumorCodes {
  std::optional<std::string> topography;  // normalised; nullopt when not a topography shape
  std::string histology, behavior;        // behavior defaults to 3
  const ScopeRow* scope = nullptr;        // set only when every code is valid
};

struct RecordContext {
  const SourceRecord& rec;
  RecordOutcome& out;
  const MappingSet& t;
  bool has_patient_id = false;  // before an unreportable key was cleared
  bool clean = true;            // no control characters, no overlong list
  TumorCodes codes;
  // concept keys (table strings) already mapped as metastases or conditions; at most the
  // table's keys, so a scan is enough
  std::vector<const std::string*> seen_concepts;
  // How many facts of each ordinal key (e.g. "treatment/chemo/capecitabine") the record has
  // named so far: a fact without an explicit id is the n-th of its kind in source order, so two
  // identical items are two facts with two ids, and a corrected value keeps its place.
  std::vector<std::pair<std::string, int>> ordinals;
  // Explicit item ids (`#ID`, contract 1.2) already used by this tumor's lists.
  std::set<std::string> item_ids;

  RecordContext(const SourceRecord& r, RecordOutcome& o, const MappingSet& tables) : rec(r), out(o), t(tables) {}

  Location loc(const RawField* f, std::string_view field) const {
    if (f) return f->location;
    Location l = rec.location;
    l.field = std::string(field);
    return l;
  }
  void reject(const RawField* f, std::string_view field, const char* code, std::string msg) {
    out.reasons.push_back({Severity::error, code, loc(f, field), std::move(msg), f ? f->value : ""});
  }
  // A rejection naming the record's field `field` (its location, or the record's when absent).
  void reject(std::string_view field, const char* code, std::string msg) { reject(rec.get(field), field, code, std::move(msg)); }
  void warn(const RawField* f, std::string_view field, const char* code, std::string msg) {
    out.warnings.push_back({Severity::warning, code, loc(f, field), std::move(msg), f ? f->value : ""});
  }
  const std::string& value(std::string_view name) const {
    static const std::string none;
    const auto* f = rec.get(name);
    return f ? f->value : none;
  }
  // A list field's non-empty items: a real list as given, else '|'-separated text.
  std::vector<std::string> items(std::string_view name) const;
  // True the first time a concept key is seen in this record.
  bool first_time(const std::string& key);
  // The next 1-based ordinal of `key` in this record (see ordinals), as text.
  std::string next_ordinal(const std::string& key);
  // Splits an explicit id (`ITEM#ID`, contract 1.2) off the end of `item` into `id` ("" when
  // the item has none). False, with a reason on `field`, when the id is malformed (NC-ID-001) or
  // another item of this tumor has it (NC-ID-002).
  bool take_item_id(std::string& item, std::string& id, const char* field);
  // A fact of the tumor: its stable key (tumor key + parts) and id (core/ids.hpp).
  FactId tumor_fact(std::initializer_list<std::string_view> parts) const {
    return fact_id(out.net_case.patient.id_system, out.net_case.tumor.stable_key, parts);
  }
};

void merge_codings(model::Concept& into, const model::Concept& from);

// Identity (patient_id, tumor_id, record key) and the record-wide checks (control characters,
// list sizes). Fills out.patient_id / tumor_id and nc.record_key.
void map_identity(RecordContext& cx);
// The patient: identifier, ids, fact identifier system, birth date, sex.
void map_patient(RecordContext& cx, const MapperOptions& opt);
// Checks primary_site, histology and behavior and looks up scope (cx.codes).
void check_tumor_codes(RecordContext& cx);
// Tumor ids and diagnosis date: needed even by a record rejected for its codes.
void map_tumor_identity(RecordContext& cx);
// Topography, morphology, site and diagnosis concepts of an in-scope tumor.
void map_tumor_codes(RecordContext& cx, const IcdO3Systems& systems);
// Ki-67, mitotic count, the WHO grade (given or derived) and differentiation.
void map_grade(RecordContext& cx);
void map_metastases(RecordContext& cx);
void map_syndromes_and_symptoms(RecordContext& cx);
void map_treatments(RecordContext& cx);
void map_diagnostics(RecordContext& cx);
void map_labs(RecordContext& cx);
// Vital status, last contact and (with dead) the date of death.
void map_follow_up(RecordContext& cx);

}  // namespace netconv::concepts
