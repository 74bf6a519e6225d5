#include "mapping/mapper.hpp"

#include <algorithm>
#include <set>

#include "core/sha256.hpp"
#include "core/text.hpp"
#include "mapping/grade_facts.hpp"
#include "mapping/icd10cm_dates.hpp"
#include "mapping/morphology_terms.hpp"
#include "mapping/reader_specific.hpp"
#include "mapping/treatment_rules.hpp"
#include "mapping/transforms.hpp"

namespace netconv {

void clear_unreportable_key(std::string& patient_id, std::string& tumor_id) {
  if (patient_id.size() > 64 || find_control_char(patient_id) != std::string::npos) patient_id.clear();
  if (tumor_id.size() > 16 || find_control_char(tumor_id) != std::string::npos) tumor_id.clear();
}

using model::Concept;

Mapper::Mapper(const MappingSet& tables, MapperOptions options) : t_(tables), opt_(std::move(options)) {
  // ICD-O-3 is one FHIR system; the tables may key its two axes separately for their formats
  auto pick = [&](const char* key, std::string& uri, std::string& oid) {
    const auto* s = t_.system(key);
    if (!s) s = t_.system("icdo3");
    if (s) { uri = s->uri; oid = s->oid; }
  };
  pick("icdo3-topography", topo_uri_, topo_oid_);
  pick("icdo3-morphology", morph_uri_, morph_oid_);
}

namespace {

struct Ctx {
  const SourceRecord& rec;
  RecordOutcome& out;
  Location loc(const RawField* f, std::string_view field) const {
    if (f) return f->location;
    Location l = rec.location;
    l.field = std::string(field);
    return l;
  }
  void reject(const RawField* f, std::string_view field, const char* code, std::string msg) {
    out.reasons.push_back({Severity::error, code, loc(f, field), std::move(msg), f ? f->value : ""});
  }
  void warn(const RawField* f, std::string_view field, const char* code, std::string msg) {
    out.warnings.push_back({Severity::warning, code, loc(f, field), std::move(msg), f ? f->value : ""});
  }
  const std::string& value(std::string_view name) const {
    static const std::string none;
    const auto* f = rec.get(name);
    return f ? f->value : none;
  }
  std::vector<std::string> items(std::string_view name) const {
    const auto* f = rec.get(name);
    std::vector<std::string> r;
    if (!f) return r;
    if (f->is_list) {
      for (const auto& i : f->items)
        if (!i.empty()) r.push_back(i);
      return r;
    }
    if (f->value.empty()) return r;
    for (auto& i : split(f->value, '|')) {
      auto s = std::string(trim(i));
      if (!s.empty()) r.push_back(s);
    }
    return r;
  }
};

// Control characters in any field (docs/security.md): FHIR ids and codes forbid them, XML drops or
// normalises them, so two different inputs could become one output. The record is rejected.
// A list field holds at most kMaxListItems items (docs/security.md "Limits"): a 1 MiB record of
// '|' would otherwise be a million items, each a resource.
constexpr std::size_t kMaxListItems = 1000;

bool check_control_chars(const SourceRecord& rec, Ctx& cx) {
  bool clean = true;
  for (const auto& f : rec.fields) {
    std::size_t items = f.is_list ? f.items.size()
                        : is_list_column(f.name) ? static_cast<std::size_t>(std::count(f.value.begin(), f.value.end(), '|')) + 1
                                                 : 0;
    if (items > kMaxListItems) {
      cx.reject(&f, f.name, "NC-VAL-005", "list has more than " + std::to_string(kMaxListItems) + " items");
      clean = false;
    }
    bool bad = find_control_char(f.value) != std::string::npos;
    for (const auto& item : f.items) bad = bad || find_control_char(item) != std::string::npos;
    if (!bad) continue;
    cx.reject(&f, f.name, "NC-VAL-004", "value contains a control character (U+0000-U+001F, U+007F-U+009F)");
    clean = false;
  }
  return clean;
}

void merge_codings(Concept& into, const Concept& from) {
  for (const auto& c : from.codings) into.codings.push_back(c);
}

}  // namespace

RecordOutcome Mapper::map(const SourceRecord& rec) const {
  RecordOutcome out;
  Ctx cx{rec, out};
  out.reasons = rec.problems;
  auto& nc = out.net_case;
  nc.location = rec.location;

  // a NAACCR Patient without a Tumor is read as one record: nothing to convert, but counted
  // (rejected with the patient's problems, else skipped), never lost
  if (rec.get("naaccr.no_tumor")) {
    out.patient_id = cx.value("patient_id");
    clear_unreportable_key(out.patient_id, out.tumor_id);
    if (rec.problems.empty()) {
      out.kind = RecordOutcome::Kind::skipped;
      out.skip_reason = "naaccr-patient-without-tumor";
    }
    return out;
  }

  // identity
  out.patient_id = cx.value("patient_id");
  out.tumor_id = cx.value("tumor_id");
  if (out.tumor_id.empty()) out.tumor_id = "1";
  if (out.patient_id.empty()) cx.reject(rec.get("patient_id"), "patient_id", "NC-REC-001", "patient_id is required");
  else if (out.patient_id.size() > 64) cx.reject(rec.get("patient_id"), "patient_id", "NC-REC-002", "patient_id longer than 64 characters");
  if (out.tumor_id.size() > 16 || !std::all_of(out.tumor_id.begin(), out.tumor_id.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_';
      }))
    cx.reject(rec.get("tumor_id"), "tumor_id", "NC-REC-003", "tumor_id must be 1-16 letters, digits, '-' or '_'");
  bool clean = check_control_chars(rec, cx);
  const bool has_patient_id = !out.patient_id.empty();
  clear_unreportable_key(out.patient_id, out.tumor_id);
  nc.record_key = out.patient_id + "/" + out.tumor_id;

  // tumor codes decide scope, so they are checked first
  auto& tu = nc.tumor;
  const auto* site_f = rec.get("primary_site");
  auto topo = normalize_topography(cx.value("primary_site"));
  if (cx.value("primary_site").empty()) cx.reject(site_f, "primary_site", "NC-REC-004", "primary_site is required");
  else if (!topo || !t_.valid_topography(*topo)) cx.reject(site_f, "primary_site", "NC-CODE-001", "primary_site is not an ICD-O-3 topography code");
  const auto* hist_f = rec.get("histology");
  std::string hist = cx.value("histology"), behavior = cx.value("behavior");
  if (hist.size() == 6 && hist[4] == '/') {
    std::string b = hist.substr(5);
    hist = hist.substr(0, 4);
    if (!behavior.empty() && behavior != b)
      cx.reject(rec.get("behavior"), "behavior", "NC-CODE-003", "behavior contradicts the behavior digit in histology");
    behavior = b;
  }
  if (behavior.empty()) behavior = "3";
  bool codes_ok = true;
  if (hist.empty()) { cx.reject(hist_f, "histology", "NC-REC-004", "histology is required"); codes_ok = false; }
  else if (!t_.valid_histology(hist)) { cx.reject(hist_f, "histology", "NC-CODE-002", "histology is not an ICD-O-3 morphology code"); codes_ok = false; }
  if (behavior.size() != 1 || std::string("012369").find(behavior[0]) == std::string::npos) {
    cx.reject(rec.get("behavior"), "behavior", "NC-CODE-004", "behavior is not an ICD-O-3 behavior digit");
    codes_ok = false;
  }
  if (!topo || !t_.valid_topography(*topo)) codes_ok = false;

  const ScopeRow* scope = codes_ok ? t_.scope(hist, behavior) : nullptr;
  if (codes_ok && (!scope || scope->decision != "convert") && rec.problems.empty() && has_patient_id && clean) {
    out.kind = RecordOutcome::Kind::skipped;
    out.skip_reason = scope ? "excluded-morphology:" + hist + "/" + behavior : "not-neuroendocrine";
    return out;
  }

  // patient
  auto& pt = nc.patient;
  // readers of registry exports name the identifier system per record (NAACCR registry id)
  pt.id_system = cx.value("patient_id_system").empty() ? opt_.patient_id_system : cx.value("patient_id_system");
  pt.id_value = out.patient_id;
  pt.resource_id = hash_id({"Patient", pt.id_system, pt.id_value});
  pt.file_key = hash_id({"file", pt.id_system, pt.id_value}).substr(0, 24);
  if (const auto& b = cx.value("birth_date"); !b.empty()) {
    pt.birth_date = parse_partial_date(b);
    if (!pt.birth_date) cx.reject(rec.get("birth_date"), "birth_date", "NC-DATE-001", "birth_date is not a valid date (YYYY, YYYY-MM, YYYY-MM-DD, YYYYMMDD)");
  }
  if (const auto& s = cx.value("sex"); !s.empty()) {
    const auto* key = t_.value_concept("sex", s);
    if (!key) cx.reject(rec.get("sex"), "sex", "NC-VAL-001", "sex is not one of the contract's values");
    else if (!key->empty()) pt.gender = t_.lookup(*key);
  }

  // tumor
  tu.tumor_id = out.tumor_id;
  // a reader may give a stabler tumor key than the sequence number (NAACCR: site, histology, date)
  tu.key = hash_id({"Tumor", pt.resource_id, cx.value("tumor_key").empty() ? tu.tumor_id : cx.value("tumor_key")});
  tu.condition_id = hash_id({"Condition", tu.key, "primary"});
  if (const auto& d = cx.value("diagnosis_date"); !d.empty()) {
    tu.diagnosis_date = parse_partial_date(d);
    if (!tu.diagnosis_date) cx.reject(rec.get("diagnosis_date"), "diagnosis_date", "NC-DATE-001", "diagnosis_date is not a valid date");
    else if (pt.birth_date && tu.diagnosis_date->compare(*pt.birth_date) < 0)
      cx.reject(rec.get("diagnosis_date"), "diagnosis_date", "NC-DATE-002", "diagnosis_date is before birth_date");
  }
  if (!scope || !topo) {
    out.kind = RecordOutcome::Kind::rejected;
    return out;
  }
  tu.topography = *topo;
  const SiteRow* site = t_.site(tu.topography);
  tu.site_group = site ? site->site_group : "other";
  tu.site_family = site ? site->family : "other";
  tu.topography_concept.key = "icdo3." + tu.topography;
  tu.topography_concept.text = t_.topography_display(tu.topography);
  tu.topography_concept.codings.push_back({topo_uri_, topo_oid_, tu.topography, tu.topography_concept.text});
  if (site && !site->body_site.empty()) tu.body_site = t_.lookup(site->body_site);
  tu.morphology = hist + "/" + behavior;
  tu.tumor_class = scope->tumor_class;
  tu.morphology_concept.key = "icdo3." + tu.morphology;
  tu.morphology_concept.text = t_.morphology_display(tu.morphology);
  tu.morphology_concept.codings.push_back({morph_uri_, morph_oid_, tu.morphology, tu.morphology_concept.text});
  if (!scope->morphology_concept.empty()) merge_codings(tu.morphology_concept, t_.lookup(scope->morphology_concept));
  if (const auto* dx = t_.diagnosis(tu.topography, tu.site_group, tu.tumor_class)) tu.diagnosis = t_.lookup(dx->concept_key);
  else cx.reject(site_f, "primary_site", "NC-MAP-031", "no diagnosis mapping for this site and tumor class");

  // measurements
  std::optional<model::Decimal> ki67, mitoses;
  if (const auto& v = cx.value("ki67_percent"); !v.empty()) {
    ki67 = parse_decimal(v);
    if (!ki67 || ki67->value < 0 || ki67->value > 100) {
      cx.reject(rec.get("ki67_percent"), "ki67_percent", "NC-VAL-002", "ki67_percent must be a decimal from 0 to 100");
      ki67.reset();
    }
  }
  if (const auto& v = cx.value("mitotic_count"); !v.empty()) {
    mitoses = parse_decimal(v);
    if (!mitoses || mitoses->value < 0) {
      cx.reject(rec.get("mitotic_count"), "mitotic_count", "NC-VAL-003", "mitotic_count must be a decimal of 0 or more");
      mitoses.reset();
    }
  }

  // grade: given codes are read through the site's grade schema
  std::string given_grade, grade_differentiation, given_method;
  if (const auto& g = cx.value("grade"); !g.empty()) {
    std::string schema = (g[0] == 'G' || g[0] == 'g') ? "who" : t_.grade_schema(tu.site_group, tu.tumor_class);
    std::string code = schema == "who" ? "G" + g.substr(1) : g;
    if (schema == "who") for (auto& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const auto* row = t_.grade_code(schema, code);
    if (!row) cx.reject(rec.get("grade"), "grade", "NC-GRADE-002", "grade code is not valid in grade schema '" + schema + "'");
    else {
      given_grade = row->grade;
      grade_differentiation = row->differentiation;
      given_method = row->method;
    }
  }
  bool gep_net = tu.site_family == "gep" && tu.tumor_class == "net";
  bool carcinoma = tu.tumor_class.rfind("nec", 0) == 0;
  std::string derived;
  if (gep_net) derived = derive_who_grade(ki67 ? std::optional(ki67->value) : std::nullopt,
                                          mitoses ? std::optional(mitoses->value) : std::nullopt);
  if (carcinoma) derived = "G3";
  if (!given_grade.empty() && given_grade != "GX") {
    tu.grade = given_grade;
    tu.grade_source = "given";
    if (!derived.empty() && derived != given_grade) {
      cx.warn(rec.get("grade"), "grade", "NC-GRADE-001",
              carcinoma ? "grade contradicts neuroendocrine carcinoma (high grade by definition); kept as given"
                        : "grade contradicts Ki-67 / mitotic count (derived " + derived + "); kept as given");
      tu.grade_conflict = grade_conflict_note(given_grade, derived, carcinoma ? "the histology (neuroendocrine carcinoma, high grade by definition)"
                                                                              : "Ki-67 / mitotic count");
    }
  } else if (!derived.empty()) {
    tu.grade = derived;
    tu.grade_source = carcinoma ? "definition" : "derived";
  } else if (given_grade == "GX") {
    tu.grade = "GX";
    tu.grade_source = "given";
  }
  set_grade_value(tu, t_, tu.grade_source == "given" ? given_method : derived_grade_method(t_, tu.grade));
  if (ki67) {
    model::Observation o{"ki67", t_.lookup("observation.ki67"), model::Quantity{*ki67, "", "%", "%"}, std::nullopt,
                         hash_id({"Observation", tu.key, "ki67"})};
    tu.observations.push_back(std::move(o));
  }
  if (mitoses) {
    model::Observation o{"mitotic_count", t_.lookup("observation.mitotic_count"),
                         model::Quantity{*mitoses, "", "/(2.mm2)", "mitoses per 2 mm2"}, std::nullopt,
                         hash_id({"Observation", tu.key, "mitotic_count"})};
    tu.observations.push_back(std::move(o));
  }
  std::string diff_key;
  if (const auto& d = cx.value("differentiation"); !d.empty()) {
    const auto* key = t_.value_concept("differentiation", d);
    if (!key) cx.reject(rec.get("differentiation"), "differentiation", "NC-VAL-001", "differentiation is not one of the contract's values");
    else diff_key = *key;
  }
  if (diff_key.empty() && !grade_differentiation.empty() && grade_differentiation != "unknown")
    diff_key = "differentiation." + grade_differentiation;
  if (!diff_key.empty()) {
    model::Observation o{"differentiation", t_.lookup("observation.differentiation"), std::nullopt, t_.lookup(diff_key),
                         hash_id({"Observation", tu.key, "differentiation"})};
    tu.observations.push_back(std::move(o));
  }

  // lists
  std::string icd_slot = tu.tumor_class == "net" ? "icd10cm.net" : "icd10cm.nec";
  // concept keys (table strings) already mapped; at most the table's keys, so a scan is enough
  std::vector<const std::string*> seen;
  auto first_time = [&](const std::string& key) {
    for (const auto* k : seen)
      if (*k == key) return false;
    seen.push_back(&key);
    return true;
  };
  for (const auto& item : cx.items("metastatic_sites")) {
    const auto* key = t_.value_concept("metastatic_sites", item);
    if (!key) { cx.reject(rec.get("metastatic_sites"), "metastatic_sites", "NC-VAL-001", "metastatic site is not one of the contract's values"); continue; }
    if (key->empty() || !first_time(*key)) continue;
    model::Metastasis m;
    m.key = to_lower(item);
    m.code = t_.lookup(*key);
    if (t_.has_slot(*key, icd_slot)) merge_codings(m.code, t_.lookup(*key, icd_slot));
    if (t_.has_slot(*key, "bodySite")) m.body_site = t_.lookup(*key, "bodySite");
    m.resource_id = hash_id({"Condition", tu.key, "metastasis", *key});
    tu.metastases.push_back(std::move(m));
  }
  auto add_conditions = [&](const char* field, const char* kind) {
    for (const auto& item : cx.items(field)) {
      const auto* key = t_.value_concept(field, item);
      if (!key) { cx.reject(rec.get(field), field, "NC-VAL-001", std::string(field) + ": value is not one of the contract's values"); continue; }
      if (key->empty() || !first_time(*key)) continue;
      tu.conditions.push_back({kind, to_lower(item), t_.lookup(*key), hash_id({"Condition", tu.key, kind, *key})});
    }
  };
  add_conditions("syndromes", "syndrome");
  if (const auto& cs = cx.value("carcinoid_syndrome"); !cs.empty()) {
    const auto* key = t_.value_concept("carcinoid_syndrome", cs);
    if (!key) cx.reject(rec.get("carcinoid_syndrome"), "carcinoid_syndrome", "NC-VAL-001", "carcinoid_syndrome must be Y, N or U");
    else if (!key->empty())
      tu.conditions.push_back({"carcinoid_syndrome", "carcinoid_syndrome", t_.lookup(*key), hash_id({"Condition", tu.key, "carcinoid_syndrome"})});
  }
  add_conditions("symptoms", "symptom");

  // treatments: KIND:AGENT[+AGENT...][@START[/END]]
  std::set<std::string> treatment_ids;
  for (const auto& item : cx.items("treatments")) {
    const auto* tf = rec.get("treatments");
    auto colon = item.find(':');
    if (colon == std::string::npos) { cx.reject(tf, "treatments", "NC-TRT-001", "treatment item is not KIND:AGENT[@START[/END]]"); continue; }
    std::string kind = to_lower(trim(item.substr(0, colon)));
    std::string rest = item.substr(colon + 1), dates;
    if (auto at = rest.find('@'); at != std::string::npos) { dates = rest.substr(at + 1); rest = rest.substr(0, at); }
    const auto* kind_row = t_.kind(kind);
    if (!t_.value_concept("treatment_kind", kind) || !kind_row) { cx.reject(tf, "treatments", "NC-TRT-002", "unknown treatment kind"); continue; }
    std::optional<model::PartialDate> start, end;
    if (!dates.empty()) {
      auto slash = dates.find('/');
      std::string s = std::string(trim(dates.substr(0, slash)));
      std::string e = slash == std::string::npos ? "" : std::string(trim(dates.substr(slash + 1)));
      if (!s.empty() && !(start = parse_partial_date(s))) { cx.reject(tf, "treatments", "NC-DATE-001", "treatment start is not a valid date"); continue; }
      if (!e.empty() && !(end = parse_partial_date(e))) { cx.reject(tf, "treatments", "NC-DATE-001", "treatment end is not a valid date"); continue; }
      if (start && end && end->compare(*start) < 0) { cx.reject(tf, "treatments", "NC-DATE-003", "treatment ends before it starts"); continue; }
      if (start && pt.birth_date && start->compare(*pt.birth_date) < 0) { cx.reject(tf, "treatments", "NC-DATE-002", "treatment starts before birth_date"); continue; }
    }
    auto agents = split(rest, '+');
    std::string regimen;
    for (auto& a : agents) { a = to_lower(trim(a)); regimen += (regimen.empty() ? "" : "+") + a; }
    for (const auto& a : agents) {
      const auto* ag = t_.agent(a);
      if (a.empty() || !ag) { cx.reject(tf, "treatments", "NC-TRT-003", "unknown treatment agent"); continue; }
      if (std::find(ag->kinds.begin(), ag->kinds.end(), kind) == ag->kinds.end()) {
        cx.reject(tf, "treatments", "NC-TRT-004", "agent is not given as treatment kind '" + kind + "'");
        continue;
      }
      model::Treatment tr;
      tr.kind = kind;
      tr.agent = a;
      tr.resource = ag->resource;
      tr.code = t_.lookup(ag->concept_key);
      if (!kind_row->category_concept.empty()) tr.category = t_.lookup(kind_row->category_concept);
      tr.start = start;
      tr.end = end;
      tr.regimen = agents.size() > 1 ? regimen : "";
      tr.resource_id = hash_id({tr.resource, tu.key, kind, a, start ? start->fhir() : "", end ? end->fhir() : ""});
      if (!treatment_ids.insert(tr.resource_id).second) continue;  // the same item twice says nothing new
      tu.treatments.push_back(std::move(tr));
    }
  }

  // diagnostics (contract 1.1): KIND[@DATE]
  for (const auto& item : cx.items("diagnostics")) {
    const auto* df = rec.get("diagnostics");
    auto at = item.find('@');
    std::string kind = to_lower(trim(item.substr(0, at)));
    std::optional<model::PartialDate> date;
    if (at != std::string::npos && !(date = parse_partial_date(trim(item.substr(at + 1))))) {
      cx.reject(df, "diagnostics", "NC-DATE-001", "diagnostic test date is not a valid date");
      continue;
    }
    const auto* key = t_.value_concept("diagnostics", kind);
    if (!key || key->empty()) { cx.reject(df, "diagnostics", "NC-VAL-001", "diagnostics: value is not one of the contract's values"); continue; }
    std::string id = hash_id({"Procedure", tu.key, "diagnostic", *key, date ? date->fhir() : ""});
    if (!treatment_ids.insert(id).second) continue;
    tu.diagnostics.push_back({kind, t_.lookup(*key), date, id});
  }
  // labs (contract 1.1): TEST=VALUE UNIT[@DATE]; the unit decides the LOINC code and is never
  // converted: a unit the test does not take rejects the record
  for (const auto& item : cx.items("labs")) {
    const auto* lf = rec.get("labs");
    auto eq = item.find('=');
    if (eq == std::string::npos) { cx.reject(lf, "labs", "NC-LAB-001", "lab item is not TEST=VALUE UNIT[@DATE]"); continue; }
    std::string test = to_lower(trim(item.substr(0, eq)));
    std::string rest = item.substr(eq + 1), date_text;
    if (auto at = rest.find('@'); at != std::string::npos) { date_text = std::string(trim(rest.substr(at + 1))); rest = rest.substr(0, at); }
    auto value_unit = std::string(trim(rest));
    auto space = value_unit.find(' ');
    if (space == std::string::npos) { cx.reject(lf, "labs", "NC-LAB-001", "lab item is not TEST=VALUE UNIT[@DATE]"); continue; }
    std::string value_text = value_unit.substr(0, space), unit = std::string(trim(value_unit.substr(space + 1)));
    std::string comparator;
    for (const char* c : {"<=", ">=", "<", ">"})
      if (value_text.rfind(c, 0) == 0) { comparator = c; value_text = value_text.substr(comparator.size()); break; }
    auto value = parse_decimal(value_text);
    if (!value || value->value < 0) { cx.reject(lf, "labs", "NC-LAB-002", "lab value must be a decimal of 0 or more"); continue; }
    if (!t_.has_lab_test(test)) { cx.reject(lf, "labs", "NC-LAB-003", "unknown lab test"); continue; }
    const auto* key = t_.lab_concept(test, unit);
    if (!key) { cx.reject(lf, "labs", "NC-LAB-004", "unit is not one the test is reported in (no conversion is made)"); continue; }
    std::optional<model::PartialDate> date;
    if (!date_text.empty() && !(date = parse_partial_date(date_text))) { cx.reject(lf, "labs", "NC-DATE-001", "lab date is not a valid date"); continue; }
    std::string id = hash_id({"Observation", tu.key, "lab", test, unit, date ? date->fhir() : "", value->text});
    if (!treatment_ids.insert(id).second) continue;
    tu.labs.push_back({test, t_.lookup(*key), model::Quantity{*value, comparator, unit, unit}, date, id});
  }
  // follow-up (contract 1.1)
  if (const auto& vs = cx.value("vital_status"); !vs.empty()) {
    if (!t_.value_concept("vital_status", vs)) cx.reject(rec.get("vital_status"), "vital_status", "NC-VAL-001", "vital_status must be alive, dead or unknown");
    else pt.vital_status = to_lower(vs) == "unknown" ? "" : to_lower(vs);
  }
  if (const auto& lc = cx.value("last_contact_date"); !lc.empty()) {
    auto d = parse_partial_date(lc);
    if (!d) cx.reject(rec.get("last_contact_date"), "last_contact_date", "NC-DATE-001", "last_contact_date is not a valid date");
    else if (pt.birth_date && d->compare(*pt.birth_date) < 0)
      cx.reject(rec.get("last_contact_date"), "last_contact_date", "NC-DATE-002", "last_contact_date is before birth_date");
    else if (tu.diagnosis_date && d->compare(*tu.diagnosis_date) < 0)
      cx.reject(rec.get("last_contact_date"), "last_contact_date", "NC-DATE-004", "last_contact_date is before diagnosis_date");
    else pt.last_contact = d;
  }
  if (pt.vital_status == "dead") pt.death_date = pt.last_contact;  // the contract: with dead, the date of death

  map_reader_specific_fields(rec, t_, nc, out);
  // ICD-10-CM codes change by fiscal year: the one valid on the diagnosis date (docs/mapping-decisions.md section 1)
  keep_icd10cm_valid_in(tu, t_.icd10cm_validity(),
                        opt_.icd10cm_current_edition || !tu.diagnosis_date ? 0 : fiscal_year(*tu.diagnosis_date));
  apply_case_morphology_term(tu, t_);  // the grade is final now
  apply_treatment_rules(t_, nc.tumor);

  out.kind = out.reasons.empty() ? RecordOutcome::Kind::converted : RecordOutcome::Kind::rejected;
  return out;
}

}  // namespace netconv
