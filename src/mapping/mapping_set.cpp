#include "mapping/mapping_set.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "core/errors.hpp"
#include "core/text.hpp"
#include "mapping/code_checks.hpp"
#include "mapping/icd10cm_dates.hpp"
#include "mapping/tsv_table.hpp"
#include "readers/naaccr_tables.hpp"

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

struct Loader {
  std::string dir;
  std::vector<Diagnostic>& problems;

  TsvTable table(const char* name, const std::vector<std::string>& req, const std::vector<std::string>& opt = {}) {
    return load_tsv(dir + "/" + name, req, opt, problems);
  }
  void error(const char* code, Location loc, std::string msg) {
    problems.push_back({Severity::error, code, std::move(loc), std::move(msg), ""});
  }
  void warning(const char* code, Location loc, std::string msg) {
    problems.push_back({Severity::warning, code, std::move(loc), std::move(msg), ""});
  }
};

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

namespace {

}  // namespace

MappingSet MappingSet::load(const std::string& dir, std::vector<Diagnostic>& problems) {
  MappingSet m;
  m.dir_ = dir;
  Loader L{dir, problems};
  const std::vector<std::string> src = {"source"};

  // code systems
  auto cs = L.table("code-systems.tsv", {"system", "uri", "oid", "format", "source", "verified"}, {"note"});
  for (const auto& r : cs.rows) {
    CodeSystemRow row{cs.cell(r, "system"), cs.cell(r, "uri"), cs.cell(r, "oid"), cs.cell(r, "format")};
    if (m.system(row.key)) L.error("NC-MAP-010", cs.where(r, "system"), "duplicate code system '" + row.key + "'");
    if (!is_known_code_format(row.format)) L.error("NC-MAP-021", cs.where(r, "format"), "unknown code format '" + row.format + "'");
    if (row.uri.empty() || row.uri.find(':') == std::string::npos) L.error("NC-MAP-025", cs.where(r, "uri"), "system URI missing or not absolute");
    if (row.format != "local" && row.oid.empty()) L.warning("NC-MAP-026", cs.where(r, "oid"), "code system has no OID (needed for CDA)");
    if (cs.cell(r, "source").empty()) L.error("NC-MAP-040", cs.where(r, "source"), "row names no source");
    if (cs.cell(r, "verified") != "yes") L.warning("NC-MAP-042", cs.where(r, "verified"), "code system row is not verified");
    m.systems_.push_back(row);
  }

  // ICD-10-CM validity by fiscal year: read before the concepts, whose dated codes it allows
  const auto* icd10cm = m.system("icd10cm");
  m.icd10cm_ = std::make_shared<const Icd10cmValidity>(Icd10cmValidity::load(dir, icd10cm ? icd10cm->uri : "", problems));

  // concepts
  auto ct = L.table("concepts.tsv", {"concept", "slot", "system", "code", "display", "source", "verified"}, {"note"});
  std::set<std::tuple<std::string, std::string, std::string, std::string>> seen_codes;
  for (const auto& r : ct.rows) {
    ConceptCoding c{ct.cell(r, "system"), ct.cell(r, "code"), ct.cell(r, "display"), ct.cell(r, "source"),
                    ct.cell(r, "verified"), ct.cell(r, "note"), r.line};
    const auto& key = ct.cell(r, "concept");
    auto slot = ct.cell(r, "slot");
    if (key.empty() || slot.empty()) { L.error("NC-MAP-011", ct.where(r, "concept"), "concept and slot are required"); continue; }
    if (c.verified != "yes" && c.verified != "no") L.error("NC-MAP-041", ct.where(r, "verified"), "verified must be yes or no");
    if (!c.code.empty() || c.verified == "yes") {
      const auto* sys = m.system(c.system);
      if (!sys) L.error("NC-MAP-020", ct.where(r, "system"), "unknown code system '" + c.system + "'");
      else if (auto why = code_format_problem(sys->format, c.code); !why.empty())
        L.error(sys->format == "snomed" && why.find("Verhoeff") != std::string::npos ? "NC-MAP-022"
                : sys->format == "loinc" && why.find("mod-10") != std::string::npos ? "NC-MAP-023" : "NC-MAP-021",
                ct.where(r, "code"), why + ": '" + c.code + "'");
      if (c.source.empty()) L.error("NC-MAP-040", ct.where(r, "source"), "coding names no source");
      if (!seen_codes.insert({key, slot, c.system, c.code}).second)
        L.error("NC-MAP-010", ct.where(r, "code"), "duplicate coding for concept '" + key + "' slot '" + slot + "'");
    }
    if (c.verified == "no") L.warning("NC-MAP-042", ct.where(r, "verified"), "unverified coding of '" + key + "' is not emitted");
    m.concept_keys_.insert(key);
    m.concepts_[{key, slot}].push_back(std::move(c));
  }
  for (const auto& [ks, rows] : m.concepts_) {
    // a system may appear once per concept slot: two different codes of one system conflict
    std::map<std::string, std::string> by_system;
    for (const auto& c : rows) {
      if (c.verified != "yes") continue;
      auto [it, fresh] = by_system.emplace(c.system, c.code);
      // ICD-10-CM codes valid in different fiscal years are alternatives (check_icd10cm_ranges)
      bool dated = c.system == "icd10cm" && m.icd10cm_->range(c.code) && m.icd10cm_->range(it->second);
      if (!fresh && it->second != c.code && !dated)
        L.error("NC-MAP-012", {ct.path, c.line, 0, "code"},
                "concept '" + ks.first + "' slot '" + ks.second + "' maps to two " + c.system + " codes");
    }
  }
  check_icd10cm_ranges(m, ct.path, problems);

  // ICD-O-3 lists
  auto topo = L.table("icdo3-topography.tsv", {"code", "display", "source"});
  for (const auto& r : topo.rows) {
    const auto& code = topo.cell(r, "code");
    if (!code_format_problem("icdo3", code).empty() || code[0] != 'C') L.error("NC-MAP-021", topo.where(r, "code"), "not an ICD-O-3 topography code");
    if (!m.topography_.emplace(code, topo.cell(r, "display")).second) L.error("NC-MAP-010", topo.where(r, "code"), "duplicate topography code");
  }
  auto morph = L.table("icdo3-morphology.tsv", {"code", "display", "source"});
  for (const auto& r : morph.rows) {
    const auto& code = morph.cell(r, "code");
    if (code.size() != 6 || !code_format_problem("icdo3", code).empty() || code[0] == 'C') {
      L.error("NC-MAP-021", morph.where(r, "code"), "not an ICD-O-3 morphology code");
      continue;
    }
    if (!m.morphologies_.emplace(code, morph.cell(r, "display")).second) L.error("NC-MAP-010", morph.where(r, "code"), "duplicate morphology code");
    m.histologies_.insert(code.substr(0, 4));
  }

  auto terms = L.table("icdo3-morphology-terms.tsv", {"code", "site_family", "grade", "display", "source"}, {"note"});
  for (const auto& r : terms.rows) {
    MorphologyTermRow row{terms.cell(r, "code"), terms.cell(r, "site_family"), terms.cell(r, "grade"), terms.cell(r, "display")};
    if (!m.morphologies_.count(row.code)) L.error("NC-MAP-024", terms.where(r, "code"), "not an ICD-O-3 morphology code of icdo3-morphology.tsv");
    if (row.site_family != "*" && row.site_family != "gep" && row.site_family != "thoracic" && row.site_family != "other")
      L.error("NC-MAP-013", terms.where(r, "site_family"), "site_family must be gep, thoracic, other or *");
    if (row.grade != "*" && row.grade != "G1" && row.grade != "G2" && row.grade != "G3" && row.grade != "GX")
      L.error("NC-MAP-013", terms.where(r, "grade"), "grade must be G1, G2, G3, GX or *");
    if (row.display.empty()) L.error("NC-MAP-013", terms.where(r, "display"), "display is required");
    if (terms.cell(r, "source").empty()) L.error("NC-MAP-040", terms.where(r, "source"), "row names no source");
    m.morphology_terms_.push_back(std::move(row));
  }

  auto need_concept = [&](const TsvTable& t, const TableRow& r, const char* col, bool optional) {
    const auto& k = t.cell(r, col);
    if (k.empty()) {
      if (!optional) L.error("NC-MAP-030", t.where(r, col), std::string(col) + " is required");
      return;
    }
    if (!m.concept_keys_.count(k)) L.error("NC-MAP-030", t.where(r, col), "concept '" + k + "' is not defined in concepts.tsv");
  };

  auto sites = L.table("sites.tsv", {"topography", "site_group", "family", "body_site", "source"}, {"note"});
  for (const auto& r : sites.rows) {
    SiteRow s{sites.cell(r, "topography"), sites.cell(r, "site_group"), sites.cell(r, "family"), sites.cell(r, "body_site")};
    bool category = s.topography.size() == 3 && s.topography[0] == 'C';
    if (!category && !m.valid_topography(s.topography)) L.error("NC-MAP-024", sites.where(r, "topography"), "not an ICD-O-3 topography code or category");
    if (s.family != "gep" && s.family != "thoracic" && s.family != "other") L.error("NC-MAP-013", sites.where(r, "family"), "family must be gep, thoracic or other");
    need_concept(sites, r, "body_site", true);
    if (!m.sites_.emplace(s.topography, s).second) L.error("NC-MAP-010", sites.where(r, "topography"), "duplicate site row");
  }

  auto scope = L.table("morphology-scope.tsv", {"morphology", "behavior", "decision", "tumor_class", "source", "note"}, {"morphology_concept"});
  for (const auto& r : scope.rows) {
    ScopeRow s{scope.cell(r, "morphology"), scope.cell(r, "behavior"), scope.cell(r, "decision"), scope.cell(r, "tumor_class"),
               scope.cell(r, "morphology_concept")};
    if (!m.valid_histology(s.morphology)) L.error("NC-MAP-024", scope.where(r, "morphology"), "not an ICD-O-3 histology");
    if (s.behavior != "*" && (s.behavior.size() != 1 || std::string("012369").find(s.behavior[0]) == std::string::npos))
      L.error("NC-MAP-024", scope.where(r, "behavior"), "behavior must be one of 0 1 2 3 6 9 or *");
    if (s.decision != "convert" && s.decision != "skip") L.error("NC-MAP-013", scope.where(r, "decision"), "decision must be convert or skip");
    if (s.decision == "convert" && s.tumor_class.empty()) L.error("NC-MAP-013", scope.where(r, "tumor_class"), "a converted morphology needs a tumor class");
    if (scope.cell(r, "source").empty()) L.error("NC-MAP-040", scope.where(r, "source"), "row names no source");
    need_concept(scope, r, "morphology_concept", true);
    for (const auto& o : m.scope_)
      if (o.morphology == s.morphology && o.behavior == s.behavior) L.error("NC-MAP-010", scope.where(r, "morphology"), "duplicate scope row");
    m.scope_.push_back(s);
  }

  auto dx = L.table("diagnoses.tsv", {"topography", "site_group", "tumor_class", "concept", "source"}, {"note"});
  for (const auto& r : dx.rows) {
    DiagnosisRow d{dx.cell(r, "topography"), dx.cell(r, "site_group"), dx.cell(r, "tumor_class"), dx.cell(r, "concept")};
    need_concept(dx, r, "concept", false);
    if (dx.cell(r, "source").empty()) L.error("NC-MAP-040", dx.where(r, "source"), "row names no source");
    m.diagnoses_.push_back(d);
  }
  // every class the scope converts must reach a diagnosis at any site
  for (const auto& s : m.scope_)
    if (s.decision == "convert" && !m.diagnosis("C80.9", "other", s.tumor_class))
      L.error("NC-MAP-031", {dx.path, 0, 0, ""}, "no diagnoses.tsv row covers tumor class '" + s.tumor_class + "' at other sites");

  auto gs = L.table("grade-schemas.tsv", {"site_group", "tumor_class", "schema", "source"}, {"note"});
  for (const auto& r : gs.rows)
    m.grade_schemas_.push_back({{gs.cell(r, "site_group"), gs.cell(r, "tumor_class")}, gs.cell(r, "schema")});
  auto gc = L.table("grade-codes.tsv", {"schema", "code", "grade", "differentiation", "source"}, {"note", "method"});
  for (const auto& r : gc.rows) {
    GradeCodeRow g{gc.cell(r, "schema"), gc.cell(r, "code"), gc.cell(r, "grade"), gc.cell(r, "differentiation"), gc.cell(r, "method")};
    need_concept(gc, r, "method", true);
    if (!g.grade.empty() && g.grade != "G1" && g.grade != "G2" && g.grade != "G3" && g.grade != "GX")
      L.error("NC-MAP-013", gc.where(r, "grade"), "grade must be G1, G2, G3, GX or empty");
    if (m.grade_code(g.schema, g.code)) L.error("NC-MAP-010", gc.where(r, "code"), "duplicate grade code in schema");
    m.grade_codes_.push_back(g);
  }
  for (const auto& [k, schema] : m.grade_schemas_) {
    bool any = false;
    for (const auto& g : m.grade_codes_) any = any || g.schema == schema;
    if (!any) L.error("NC-MAP-031", {gc.path, 0, 0, ""}, "grade schema '" + schema + "' has no codes");
  }

  auto vals = L.table("values.tsv", {"field", "value", "concept"}, {"note"});
  for (const auto& r : vals.rows) {
    auto key = std::make_pair(vals.cell(r, "field"), to_lower(vals.cell(r, "value")));
    need_concept(vals, r, "concept", true);
    if (!m.values_.emplace(key, vals.cell(r, "concept")).second) L.error("NC-MAP-010", vals.where(r, "value"), "duplicate value");
  }
  for (const auto& [field, list] : contract_enumerations())
    for (const auto& v : list)
      if (!m.values_.count({field, to_lower(v)}))
        L.error("NC-MAP-031", {vals.path, 0, 0, field}, "contract value '" + v + "' of " + field + " has no row");

  auto kinds = L.table("treatment-kinds.tsv", {"kind", "category_concept"}, {"note", "timing"});
  for (const auto& r : kinds.rows) {
    KindRow k{kinds.cell(r, "kind"), kinds.cell(r, "category_concept")};
    if (!kinds.cell(r, "timing").empty()) k.timing = kinds.cell(r, "timing");
    if (k.timing != "event" && k.timing != "course") L.error("NC-MAP-013", kinds.where(r, "timing"), "timing must be event or course");
    need_concept(kinds, r, "category_concept", true);
    if (!m.kinds_.emplace(k.kind, k).second) L.error("NC-MAP-010", kinds.where(r, "kind"), "duplicate kind");
  }
  auto agents = L.table("agents.tsv", {"agent", "resource", "kinds", "concept"}, {"note"});
  for (const auto& r : agents.rows) {
    AgentRow a{agents.cell(r, "agent"), agents.cell(r, "resource"), agents.cell(r, "concept"), split(agents.cell(r, "kinds"), '|')};
    if (a.resource != "MedicationAdministration" && a.resource != "Procedure")
      L.error("NC-MAP-013", agents.where(r, "resource"), "resource must be MedicationAdministration or Procedure");
    for (const auto& k : a.kinds)
      if (!m.kinds_.count(k)) L.error("NC-MAP-030", agents.where(r, "kinds"), "unknown treatment kind '" + k + "'");
    need_concept(agents, r, "concept", false);
    if (!m.agents_.emplace(a.agent, a).second) L.error("NC-MAP-010", agents.where(r, "agent"), "duplicate agent");
  }

  auto ind = L.table("indications.tsv", {"agent", "condition", "source"}, {"note"});
  for (const auto& r : ind.rows) {
    if (!m.agents_.count(ind.cell(r, "agent"))) L.error("NC-MAP-030", ind.where(r, "agent"), "unknown treatment agent '" + ind.cell(r, "agent") + "'");
    need_concept(ind, r, "condition", false);
    if (ind.cell(r, "source").empty()) L.error("NC-MAP-030", ind.where(r, "source"), "source is required");
    auto& list = m.indications_[ind.cell(r, "agent")];
    if (std::find(list.begin(), list.end(), ind.cell(r, "condition")) != list.end())
      L.error("NC-MAP-010", ind.where(r, "condition"), "duplicate indication");
    else list.push_back(ind.cell(r, "condition"));
  }

  auto labs = L.table("lab-tests.tsv", {"test", "unit", "concept", "source"}, {"note"});
  for (const auto& r : labs.rows) {
    need_concept(labs, r, "concept", false);
    if (auto why = code_format_problem("ucum", labs.cell(r, "unit")); !why.empty()) L.error("NC-MAP-021", labs.where(r, "unit"), why);
    if (!m.lab_tests_.emplace(std::make_pair(labs.cell(r, "test"), labs.cell(r, "unit")), labs.cell(r, "concept")).second)
      L.error("NC-MAP-010", labs.where(r, "unit"), "duplicate test and unit");
  }
  for (const char* test : {"chromogranin_a", "5hiaa_24h_urine", "5hiaa_plasma", "serotonin", "gastrin", "insulin", "glucagon",
                           "vip", "somatostatin", "nse"})
    if (!m.has_lab_test(test)) L.error("NC-MAP-031", {labs.path, 0, 0, test}, std::string("contract lab test '") + test + "' has no row");

  // format constants: FHIR profiles/extensions, and the CDA template ids / section codes
  auto prof = L.table("profiles.tsv", {"key", "value", "source"}, {"note"});
  auto cda = L.table("cda-templates.tsv", {"key", "value", "source"}, {"note"});
  for (const auto* tab : {&prof, &cda})
    for (const auto& r : tab->rows) {
      if (!m.constants_.emplace(tab->cell(r, "key"), tab->cell(r, "value")).second) L.error("NC-MAP-010", tab->where(r, "key"), "duplicate key");
      if (tab->cell(r, "source").empty()) L.error("NC-MAP-040", tab->where(r, "source"), "row names no source");
    }
  for (const auto& k : required_constants())
    if (!m.constants_.count(k)) L.error("NC-MAP-050", {prof.path, 0, 0, k}, "required constant '" + k + "' is missing");
  if (!m.system("netconv")) L.error("NC-MAP-050", {cs.path, 0, 0, "netconv"}, "the local code system 'netconv' is missing");

  // stand-ins: a broader code sent for a registry term it does not name; the term goes to text
  std::map<std::pair<std::string, std::string>, std::string> stand_in_text;
  auto si = L.table("stand-ins.tsv", {"concept", "slot", "text", "source"}, {"note"});
  for (const auto& r : si.rows) {
    auto ks = std::make_pair(si.cell(r, "concept"), si.cell(r, "slot"));
    if (!m.concepts_.count(ks)) L.error("NC-MAP-030", si.where(r, "concept"), "no concepts.tsv row for '" + ks.first + "' slot '" + ks.second + "'");
    if (si.cell(r, "text").empty()) L.error("NC-MAP-046", si.where(r, "text"), "a stand-in needs the registry term it stands for");
    if (si.cell(r, "source").empty()) L.error("NC-MAP-040", si.where(r, "source"), "row names no source");
    if (!stand_in_text.emplace(ks, si.cell(r, "text")).second) L.error("NC-MAP-010", si.where(r, "concept"), "duplicate stand-in");
  }

  // pre-resolve every concept slot so the hot path only copies
  for (const auto& [ks, rows] : m.concepts_) {
    model::Concept c;
    c.key = ks.first;
    for (const auto& row : rows) {
      if (c.text.empty() && !row.display.empty()) c.text = row.display;
      if (row.verified != "yes") continue;
      const auto* sys = m.system(row.system);
      if (!sys) continue;
      c.codings.push_back({sys->uri, sys->oid, row.code, row.display});
    }
    if (auto st = stand_in_text.find(ks); st != stand_in_text.end() && !c.codings.empty()) c.text = st->second;
    if (c.text.empty()) {
      auto dot = c.key.rfind('.');
      c.text = dot == std::string::npos ? c.key : c.key.substr(dot + 1);
      for (auto& ch : c.text) if (ch == '_') ch = ' ';
    }
    // the local coding stands in for missing verified codes only (model/values.hpp); a verified
    // concept without it is four strings fewer to copy each time a record maps to it
    if (const auto* local = m.system("netconv"); local && c.codings.empty()) c.local = {local->uri, local->oid, c.key, c.text};
    m.resolved_[ks.first + '\x1f' + ks.second] = std::move(c);
  }
  return m;
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
  std::call_once(naaccr_->once, [this] { naaccr_->tables = naaccr::load_tables(dir_.empty() ? naaccr::default_mappings_dir() : dir_); });
  return *naaccr_->tables;
}

}  // namespace netconv
