// The NAACCR mapping unit (docs/naaccr.md): the fields only NAACCR records carry — sex assigned
// at birth, laterality, Ki-67 SSDI categories, tumor identifiers, the first-course treatment
// summaries and cause of death. Every registry code is read through
// mappings/naaccr-values.tsv and mappings/naaccr-treatments.tsv; nothing here knows a code.
#include "core/ids.hpp"
#include "mapping/naaccr_mapping.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "mapping/grade_facts.hpp"
#include "mapping/transforms.hpp"
#include "mapping/naaccr_tables.hpp"

namespace netconv {
namespace {

bool has_naaccr_fields(const SourceRecord& rec) {
  return std::any_of(rec.fields.begin(), rec.fields.end(), [](const RawField& f) { return f.name.rfind("naaccr.", 0) == 0; });
}

struct Out {
  const SourceRecord& rec;
  RecordOutcome& out;
  void reject(const RawField* f, const char* code, std::string msg) {
    Location l = f ? f->location : rec.location;
    out.reasons.push_back({Severity::error, code, l, std::move(msg), f ? f->value : ""});
  }
  void warn(const RawField* f, const char* code, std::string msg) {
    Location l = f ? f->location : rec.location;
    out.warnings.push_back({Severity::warning, code, l, std::move(msg), f ? f->value : ""});
  }
  std::string value(const std::string& name) const {
    const auto* f = rec.get(name);
    return f ? f->value : "";
  }
};

int grade_rank(const std::string& g) { return g == "G1" ? 1 : g == "G2" ? 2 : g == "G3" ? 3 : 0; }

void birth_sex(Out& o, const naaccr::Tables& nt, const MappingSet& tables, model::NetCase& nc) {
  for (const char* item : {"sexAssignedAtBirth", "sex"}) {
    const auto* f = o.rec.get(std::string("naaccr.") + item);
    if (!f || f->value.empty()) continue;
    const auto* row = nt.value(item, f->value);
    if (!row) {
      if (nt.has_value_rows(item)) o.reject(f, "NC-NAACCR-031", std::string(item) + ": code is not one of the item's codes (naaccr-values.tsv)");
      continue;
    }
    if (!row->concept_key.empty() && !nc.patient.birth_sex) nc.patient.birth_sex = tables.lookup(row->concept_key);
  }
}

// Laterality [410] of a paired organ: codes 1, 2, 4, 5 name a side (naaccr-values.tsv concept);
// 0 (not paired), 3 (side not stated) and 9 (unknown) say nothing that a qualifier could carry.
void laterality(Out& o, const naaccr::Tables& nt, const MappingSet& tables, model::NetCase& nc) {
  const auto* f = o.rec.get("naaccr.laterality");
  if (!f || f->value.empty() || !nt.has_value_rows("laterality")) return;
  const auto* row = nt.value("laterality", f->value);
  if (!row) return o.reject(f, "NC-NAACCR-031", "laterality: code is not one of the item's codes (naaccr-values.tsv)");
  if (!row->concept_key.empty()) nc.tumor.laterality = tables.lookup(row->concept_key);
}

void ki67(Out& o, const MappingSet& tables, model::NetCase& nc) {
  auto& tu = nc.tumor;
  const auto* num = o.rec.get("ki67_percent");
  const auto* cat = o.rec.get("naaccr.ki67");
  const RawField* any = cat ? cat : (num && num->location.field == "ki67" ? num : nullptr);
  if (!any) return;
  // the SSDI is defined for GI NETs diagnosed 2021+; a value outside that scope is kept, with a warning
  if (tu.site_family != "gep" || (tu.diagnosis_date && tu.diagnosis_date->year < 2021))
    o.warn(any, "NC-NAACCR-033", "Ki-67 SSDI [3863] applies to GI neuroendocrine tumors diagnosed 2021 or later; value kept");
  if (!cat) return;
  const std::string& v = cat->value;
  std::string category = v.size() == 5 && v.rfind("XXX.", 0) == 0 ? v.substr(4) : "";
  if (category.empty() || category.find_first_not_of("456789") != std::string::npos) {
    o.reject(cat, "NC-NAACCR-032", "Ki-67 [3863] is neither a percentage 0.0-100.0 nor a code XXX.4-XXX.9");
    return;
  }
  std::string grade;  // what the category decides on the Ki-67 side
  std::optional<model::Quantity> q;
  if (category == "4") {  // stated as less than 3 %
    q = model::Quantity{{"3", 3}, "<", "%", "%"};
    grade = "G1";
    o.out.counted.push_back("naaccr.ki67.stated_below_3_percent");
  } else if (category == "5") {  // 3-20 %: a range, no single value
    grade = "G2";
    o.out.counted.push_back("naaccr.ki67.stated_3_to_20_percent");
  } else if (category == "6") {  // greater than 20 %
    q = model::Quantity{{"20", 20}, ">", "%", "%"};
    grade = "G3";
    o.out.counted.push_back("naaccr.ki67.stated_above_20_percent");
  } else {
    o.out.counted.push_back(category == "7" ? "naaccr.ki67.done_percentage_not_stated"
                            : category == "8" ? "naaccr.ki67.not_applicable"
                                              : "naaccr.ki67.not_documented");
    return;
  }
  if (q) {
    auto f = fact_id(nc.patient.id_system, tu.stable_key, {"ki67"});
    tu.observations.push_back({"ki67", tables.lookup("observation.ki67"), q, std::nullopt, std::move(f.id), std::move(f.key)});
  }
  bool gep_net = tu.site_family == "gep" && tu.tumor_class == "net";
  if (!gep_net) return;
  if (tu.grade_source == "given" && grade_rank(tu.grade) > 0) {
    // the higher of Ki-67 and mitoses decides; a given grade below the Ki-67 grade contradicts it
    if (grade_rank(grade) > grade_rank(tu.grade)) {
      o.warn(cat, "NC-GRADE-001", "grade contradicts the Ki-67 category (" + grade + " by Ki-67); kept as given");
      tu.grade_conflict = grade_conflict_note(tu.grade, grade, "the Ki-67 category");
    }
    return;
  }
  if (tu.grade_source == "derived" && grade_rank(tu.grade) >= grade_rank(grade)) return;
  tu.grade = grade;
  tu.grade_source = "derived";
  set_grade_value(tu, nc.patient.id_system, tables, derived_grade_method(tables, grade));
}

void identifiers(Out& o, const naaccr::Tables& nt, model::NetCase& nc) {
  for (const auto& row : nt.items) {
    if (row.transform != "identifier") continue;
    auto v = o.value("naaccr." + row.naaccr_id);
    if (v.empty()) continue;
    nc.tumor.identifiers.push_back({row.templ, nc.patient.id_value + "-" + v,
                                    "NAACCR " + row.naaccr_id + " [" + std::to_string(row.naaccr_num) + "]"});
  }
}

// The registry code rides along in its local system. A row that covers one code names that
// code's meaning (its display); a row over a range (rxSummSurgPrimSite 20-80 "resection") does
// not: the site-specific meaning of e.g. 30 is in no table netconv has, so that coding has no
// display, the text says what is known and the resource is tagged unverified-terminology.
void keep_registry_code(const naaccr::TreatmentRow& row, const std::string& code, model::Treatment& tr) {
  bool own_meaning = row.code_ranges.size() == 1 && row.code_ranges[0].first == row.code_ranges[0].second;
  if (!tr.code.verified()) {
    tr.code.text += " (NAACCR " + row.item + " " + code + ")";
    return;
  }
  tr.code.codings.push_back({row.local_system, "", code, own_meaning ? row.code_display : ""});
  if (own_meaning) return;
  tr.code.text = tr.code.codings.front().display + "; NAACCR " + row.item + " " + code + ": " + row.code_display +
                 " (site-specific meaning not verified)";
  tr.code_unverified = true;
}

// One treatment family's rows that matched the record's codes (naaccr-treatments.tsv).
struct Family {
  std::string given_item;  // the first item with a given row decides (table order)
  std::vector<std::pair<const naaccr::TreatmentRow*, const RawField*>> given;
  const naaccr::TreatmentRow* not_done = nullptr;
  std::vector<std::string> counted, none;
};

// A treatment code that no row interprets is said and counted, never guessed.
void warn_uninterpreted_codes(Out& o, const naaccr::Tables& nt) {
  std::set<std::string> items;
  for (const auto& row : nt.treatments) items.insert(row.item);
  for (const auto& item : items) {
    const auto* f = o.rec.get("naaccr." + item);
    if (!f || f->value.empty()) continue;
    bool matched = std::any_of(nt.treatments.begin(), nt.treatments.end(),
                               [&](const naaccr::TreatmentRow& r) { return r.item == item && r.matches(f->value); });
    if (!matched) {
      o.warn(f, "NC-NAACCR-034", item + ": treatment code not in naaccr-treatments.tsv; not interpreted");
      o.out.counted.push_back("naaccr.treatment_code_not_interpreted");
    }
  }
}

// The rows matching the record's codes, by family; a not-done row with a reason beats one without.
std::map<std::string, Family> matched_families(Out& o, const naaccr::Tables& nt) {
  std::map<std::string, Family> families;
  for (const auto& row : nt.treatments) {
    const auto* f = o.rec.get("naaccr." + row.item);
    if (!f || f->value.empty() || !row.matches(f->value)) continue;
    auto& fam = families[row.family];
    if (row.outcome == "given") {
      if (fam.given_item.empty()) fam.given_item = row.item;
      if (fam.given_item == row.item) fam.given.emplace_back(&row, f);
    } else if (row.outcome == "not_done") {
      if (!fam.not_done || (fam.not_done->status_reason.empty() && !row.status_reason.empty())) fam.not_done = &row;
    } else if (row.outcome == "counted") {
      fam.counted.push_back(row.count_as);
    } else {
      fam.none.push_back(row.count_as);
    }
  }
  return families;
}

// The first of the row's date items that has a value; a bad or pre-birth date rejects.
std::optional<model::PartialDate> treatment_date(Out& o, const naaccr::TreatmentRow& row, const model::NetCase& nc) {
  for (const auto& d : row.date_items) {
    const auto* f = o.rec.get("naaccr." + d);
    if (!f || f->value.empty()) continue;
    auto pd = parse_partial_date(f->value);
    if (!pd) { o.reject(f, "NC-DATE-001", d + " is not a valid date"); return std::nullopt; }
    if (nc.patient.birth_date && pd->compare(*nc.patient.birth_date) < 0) {
      o.reject(f, "NC-DATE-002", d + " is before birth_date");
      return std::nullopt;
    }
    return pd;
  }
  return std::nullopt;
}

model::Treatment make_treatment(const naaccr::TreatmentRow& row, const MappingSet& tables) {
  model::Treatment tr;
  tr.kind = row.kind;
  tr.agent = "naaccr." + row.family;  // agent unknown: the family, never a drug
  tr.resource = "Procedure";
  tr.code = tables.lookup(row.concept_key);
  if (const auto* k = tables.kind(row.kind); k && !k->category_concept.empty()) tr.category = tables.lookup(k->category_concept);
  tr.profile_key = row.profile;
  return tr;
}

// A family yields its given treatments, else one not-done procedure, else a counted fact.
// Identity: the tumor and the summary's family (a second given row of one family, if a table
// ever has one, its place), never the code: a corrected code or date keeps the id, and a
// treatment recorded as not done that is later given stays the same resource.
void set_summary_id(const model::NetCase& nc, const std::string& family, std::size_t place, model::Treatment& tr) {
  auto f = place == 0 ? fact_id(nc.patient.id_system, nc.tumor.stable_key, {"naaccr", family})
                      : fact_id(nc.patient.id_system, nc.tumor.stable_key, {"naaccr", family, std::to_string(place + 1)});
  tr.resource_id = std::move(f.id);
  tr.stable_key = std::move(f.key);
}

void emit_family(Out& o, const MappingSet& tables, model::NetCase& nc, const std::string& name, const Family& fam) {
  auto& tu = nc.tumor;
  if (!fam.given.empty()) {
    for (std::size_t place = 0; place < fam.given.size(); ++place) {
      const auto& [row, f] = fam.given[place];
      auto tr = make_treatment(*row, tables);
      tr.start = treatment_date(o, *row, nc);
      if (!row->local_system.empty()) keep_registry_code(*row, f->value, tr);
      set_summary_id(nc, name, place, tr);
      tu.treatments.push_back(std::move(tr));
    }
    for (const auto& c : fam.counted) o.out.counted.push_back(c + ".beside_given");
  } else if (fam.not_done) {
    auto tr = make_treatment(*fam.not_done, tables);
    tr.status = "not-done";
    if (!fam.not_done->status_reason.empty()) tr.status_reason = tables.lookup(fam.not_done->status_reason);
    set_summary_id(nc, name, 0, tr);
    tu.treatments.push_back(std::move(tr));
  } else if (!fam.counted.empty()) {
    o.out.counted.push_back(fam.counted.front());
  } else if (!fam.none.empty()) {
    o.out.counted.push_back(fam.none.front());
  }
}

// First-course treatment summaries, family by family in table order.
void treatments(Out& o, const naaccr::Tables& nt, const MappingSet& tables, model::NetCase& nc) {
  std::vector<std::string> order;
  for (const auto& row : nt.treatments)
    if (std::find(order.begin(), order.end(), row.family) == order.end()) order.push_back(row.family);
  warn_uninterpreted_codes(o, nt);
  auto families = matched_families(o, nt);
  for (const auto& name : order)
    if (auto it = families.find(name); it != families.end()) emit_family(o, tables, nc, name, it->second);
  if (o.value("naaccr.rxSummTreatmentStatus") == "2") o.out.counted.push_back("naaccr.treatment_status.active_surveillance");
}

// Cause of death is coded in whatever ICD revision was in force (ICD-7 to ICD-10); only WHO
// ICD-10 codes become a coded Observation, written the WHO way with a dot ("C169" -> "C16.9").
// Older revisions and the special codes (0000 alive, 7777/7797 not available) are counted, never
// guessed into ICD-10; a letter-led value that is not WHO ICD-10 shaped is also said (warning).
void cause_of_death(Out& o, const MappingSet& tables, model::NetCase& nc) {
  const auto* f = o.rec.get("naaccr.causeOfDeath");
  std::string v = f ? f->value : "";
  if (v.empty()) return;
  auto code = who_icd10_dotted(v);
  const auto* sys = tables.system("icd10");
  if (!code || !sys) {
    if (!code && v[0] >= 'A' && v[0] <= 'Z')
      o.warn(f, "NC-NAACCR-036", "causeOfDeath: not a WHO ICD-10 code (letter, two digits, optional fourth digit); not coded");
    o.out.counted.push_back(v == "0000" ? "naaccr.cause_of_death.alive" : (v == "7777" || v == "7797")
                                              ? "naaccr.cause_of_death.not_available"
                                              : "naaccr.cause_of_death.not_icd10");
    return;
  }
  model::Concept c;
  c.key = "icd10." + *code;
  c.text = *code;
  c.codings.push_back({sys->uri, sys->oid, *code, ""});
  nc.patient.cause_of_death = c;
  std::string patient_key;
  append_key_part(patient_key, nc.patient.id_value);
  auto id = fact_id(nc.patient.id_system, patient_key, {"cause_of_death"});
  nc.patient.cause_of_death_id = std::move(id.id);
  nc.patient.cause_of_death_key = std::move(id.key);
}

}  // namespace

void map_naaccr_fields(const SourceRecord& rec, const MappingSet& tables, model::NetCase& nc, RecordOutcome& out) {
  if (!has_naaccr_fields(rec)) return;  // CSV/NDJSON records: nothing reader-specific
  const naaccr::Tables& nt = tables.naaccr_tables();
  Out o{rec, out};
  birth_sex(o, nt, tables, nc);
  laterality(o, nt, tables, nc);
  ki67(o, tables, nc);
  identifiers(o, nt, nc);
  treatments(o, nt, tables, nc);
  cause_of_death(o, tables, nc);
  if (rec.get("naaccr.tumor_key_collision"))
    o.warn(nullptr, "NC-NAACCR-035", "another tumor of this patient has the same site, histology and diagnosis date; the tumor record number keeps their ids apart");
}

}  // namespace netconv
