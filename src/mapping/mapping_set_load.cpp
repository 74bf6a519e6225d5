// MappingSet::load: one step per table, in an order where each table's references (systems,
// concepts, ICD-O-3 codes, treatment kinds, agents) are loaded before the tables naming them.
// Problems keep that order: check-mappings and the loader report them as found.
#include <algorithm>
#include <map>
#include <set>

#include "core/text.hpp"
#include "core/tsv_table.hpp"
#include "mapping/code_checks.hpp"
#include "mapping/icd10cm_dates.hpp"
#include "mapping/mapping_set.hpp"
#include "mapping/naaccr_tables.hpp"

namespace netconv {

class MappingSetLoader {
 public:
  MappingSetLoader(MappingSet& m, const std::string& dir, std::vector<Diagnostic>& problems) : m(m), dir(dir), problems(problems) {}

  void run() {
    code_systems();
    icd10cm_validity();
    concepts();
    icdo3_lists();
    morphology_terms();
    sites();
    scope();
    diagnoses();
    grades();
    values();
    treatment_kinds_and_agents();
    indications();
    lab_tests();
    constants();
    resolve_concepts(stand_ins());
    naaccr();
  }

 private:
  MappingSet& m;
  const std::string& dir;
  std::vector<Diagnostic>& problems;
  std::string code_systems_path;

  TsvTable table(const char* name, const std::vector<std::string>& req, const std::vector<std::string>& opt = {}) {
    return load_tsv(dir + "/" + name, req, opt, problems);
  }
  void error(const char* code, Location loc, std::string msg) { problems.push_back({Severity::error, code, std::move(loc), std::move(msg), ""}); }
  void warning(const char* code, Location loc, std::string msg) {
    problems.push_back({Severity::warning, code, std::move(loc), std::move(msg), ""});
  }
  void need_source(const TsvTable& t, const TableRow& r) {
    if (t.cell(r, "source").empty()) error("NC-MAP-040", t.where(r, "source"), "row names no source");
  }
  // A cell naming a concept must name one of concepts.tsv (an empty optional cell is fine).
  void need_concept(const TsvTable& t, const TableRow& r, const char* col, bool optional) {
    const auto& k = t.cell(r, col);
    if (k.empty()) {
      if (!optional) error("NC-MAP-030", t.where(r, col), std::string(col) + " is required");
      return;
    }
    if (!m.concept_keys_.count(k)) error("NC-MAP-030", t.where(r, col), "concept '" + k + "' is not defined in concepts.tsv");
  }

  void code_systems() {
    auto cs = table("code-systems.tsv", {"system", "uri", "oid", "format", "source", "verified"}, {"note"});
    code_systems_path = cs.path;
    for (const auto& r : cs.rows) {
      CodeSystemRow row{cs.cell(r, "system"), cs.cell(r, "uri"), cs.cell(r, "oid"), cs.cell(r, "format")};
      if (m.system(row.key)) error("NC-MAP-010", cs.where(r, "system"), "duplicate code system '" + row.key + "'");
      if (!is_known_code_format(row.format)) error("NC-MAP-021", cs.where(r, "format"), "unknown code format '" + row.format + "'");
      if (row.uri.empty() || row.uri.find(':') == std::string::npos) error("NC-MAP-025", cs.where(r, "uri"), "system URI missing or not absolute");
      if (row.format != "local" && row.oid.empty()) warning("NC-MAP-026", cs.where(r, "oid"), "code system has no OID (needed for CDA)");
      need_source(cs, r);
      if (cs.cell(r, "verified") != "yes") warning("NC-MAP-042", cs.where(r, "verified"), "code system row is not verified");
      m.systems_.push_back(row);
    }
  }

  // ICD-10-CM validity by fiscal year: read before the concepts, whose dated codes it allows
  void icd10cm_validity() {
    const auto* icd10cm = m.system("icd10cm");
    m.icd10cm_ = std::make_shared<const Icd10cmValidity>(Icd10cmValidity::load(dir, icd10cm ? icd10cm->uri : "", problems));
  }

  void concept_row(const TsvTable& ct, const TableRow& r, std::set<std::tuple<std::string, std::string, std::string, std::string>>& seen_codes) {
    MappingSet::ConceptCoding c{ct.cell(r, "system"), ct.cell(r, "code"), ct.cell(r, "display"), ct.cell(r, "source"),
                                ct.cell(r, "verified"), ct.cell(r, "note"), r.line};
    const auto& key = ct.cell(r, "concept");
    auto slot = ct.cell(r, "slot");
    if (key.empty() || slot.empty()) { error("NC-MAP-011", ct.where(r, "concept"), "concept and slot are required"); return; }
    if (c.verified != "yes" && c.verified != "no") error("NC-MAP-041", ct.where(r, "verified"), "verified must be yes or no");
    if (!c.code.empty() || c.verified == "yes") {
      const auto* sys = m.system(c.system);
      if (!sys) error("NC-MAP-020", ct.where(r, "system"), "unknown code system '" + c.system + "'");
      else if (auto why = code_format_problem(sys->format, c.code); !why.empty())
        error(sys->format == "snomed" && why.find("Verhoeff") != std::string::npos ? "NC-MAP-022"
              : sys->format == "loinc" && why.find("mod-10") != std::string::npos ? "NC-MAP-023" : "NC-MAP-021",
              ct.where(r, "code"), why + ": '" + c.code + "'");
      if (c.source.empty()) error("NC-MAP-040", ct.where(r, "source"), "coding names no source");
      if (!seen_codes.insert({key, slot, c.system, c.code}).second)
        error("NC-MAP-010", ct.where(r, "code"), "duplicate coding for concept '" + key + "' slot '" + slot + "'");
    }
    if (c.verified == "no") warning("NC-MAP-042", ct.where(r, "verified"), "unverified coding of '" + key + "' is not emitted");
    m.concept_keys_.insert(key);
    m.concepts_[{key, slot}].push_back(std::move(c));
  }

  // A system may appear once per concept slot: two different codes of one system conflict.
  void check_one_code_per_system(const std::string& path) {
    for (const auto& [ks, rows] : m.concepts_) {
      std::map<std::string, std::string> by_system;
      for (const auto& c : rows) {
        if (c.verified != "yes") continue;
        auto [it, fresh] = by_system.emplace(c.system, c.code);
        // ICD-10-CM codes valid in different fiscal years are alternatives (check_icd10cm_ranges)
        bool dated = c.system == "icd10cm" && m.icd10cm_->range(c.code) && m.icd10cm_->range(it->second);
        if (!fresh && it->second != c.code && !dated)
          error("NC-MAP-012", {path, c.line, 0, "code"}, "concept '" + ks.first + "' slot '" + ks.second + "' maps to two " + c.system + " codes");
      }
    }
  }

  void concepts() {
    auto ct = table("concepts.tsv", {"concept", "slot", "system", "code", "display", "source", "verified"}, {"note"});
    std::set<std::tuple<std::string, std::string, std::string, std::string>> seen_codes;
    for (const auto& r : ct.rows) concept_row(ct, r, seen_codes);
    check_one_code_per_system(ct.path);
    MappingSet::check_icd10cm_ranges(m, ct.path, problems);
  }

  void icdo3_lists() {
    auto topo = table("icdo3-topography.tsv", {"code", "display", "source"});
    for (const auto& r : topo.rows) {
      const auto& code = topo.cell(r, "code");
      if (!code_format_problem("icdo3", code).empty() || code[0] != 'C') error("NC-MAP-021", topo.where(r, "code"), "not an ICD-O-3 topography code");
      if (!m.topography_.emplace(code, topo.cell(r, "display")).second) error("NC-MAP-010", topo.where(r, "code"), "duplicate topography code");
    }
    auto morph = table("icdo3-morphology.tsv", {"code", "display", "source"});
    for (const auto& r : morph.rows) {
      const auto& code = morph.cell(r, "code");
      if (code.size() != 6 || !code_format_problem("icdo3", code).empty() || code[0] == 'C') {
        error("NC-MAP-021", morph.where(r, "code"), "not an ICD-O-3 morphology code");
        continue;
      }
      if (!m.morphologies_.emplace(code, morph.cell(r, "display")).second) error("NC-MAP-010", morph.where(r, "code"), "duplicate morphology code");
      m.histologies_.insert(code.substr(0, 4));
    }
  }

  void morphology_terms() {
    auto terms = table("icdo3-morphology-terms.tsv", {"code", "site_family", "grade", "display", "source"}, {"note"});
    for (const auto& r : terms.rows) {
      MappingSet::MorphologyTermRow row{terms.cell(r, "code"), terms.cell(r, "site_family"), terms.cell(r, "grade"), terms.cell(r, "display")};
      if (!m.morphologies_.count(row.code)) error("NC-MAP-024", terms.where(r, "code"), "not an ICD-O-3 morphology code of icdo3-morphology.tsv");
      if (row.site_family != "*" && row.site_family != "gep" && row.site_family != "thoracic" && row.site_family != "other")
        error("NC-MAP-013", terms.where(r, "site_family"), "site_family must be gep, thoracic, other or *");
      if (row.grade != "*" && row.grade != "G1" && row.grade != "G2" && row.grade != "G3" && row.grade != "GX")
        error("NC-MAP-013", terms.where(r, "grade"), "grade must be G1, G2, G3, GX or *");
      if (row.display.empty()) error("NC-MAP-013", terms.where(r, "display"), "display is required");
      need_source(terms, r);
      m.morphology_terms_.push_back(std::move(row));
    }
  }

  void sites() {
    auto sites = table("sites.tsv", {"topography", "site_group", "family", "body_site", "source"}, {"note"});
    for (const auto& r : sites.rows) {
      SiteRow s{sites.cell(r, "topography"), sites.cell(r, "site_group"), sites.cell(r, "family"), sites.cell(r, "body_site")};
      bool category = s.topography.size() == 3 && s.topography[0] == 'C';
      if (!category && !m.valid_topography(s.topography)) error("NC-MAP-024", sites.where(r, "topography"), "not an ICD-O-3 topography code or category");
      if (s.family != "gep" && s.family != "thoracic" && s.family != "other") error("NC-MAP-013", sites.where(r, "family"), "family must be gep, thoracic or other");
      need_concept(sites, r, "body_site", true);
      if (!m.sites_.emplace(s.topography, s).second) error("NC-MAP-010", sites.where(r, "topography"), "duplicate site row");
    }
  }

  void scope() {
    auto scope = table("morphology-scope.tsv", {"morphology", "behavior", "decision", "tumor_class", "source", "note"}, {"morphology_concept"});
    for (const auto& r : scope.rows) {
      ScopeRow s{scope.cell(r, "morphology"), scope.cell(r, "behavior"), scope.cell(r, "decision"), scope.cell(r, "tumor_class"),
                 scope.cell(r, "morphology_concept")};
      if (!m.valid_histology(s.morphology)) error("NC-MAP-024", scope.where(r, "morphology"), "not an ICD-O-3 histology");
      if (s.behavior != "*" && (s.behavior.size() != 1 || std::string("012369").find(s.behavior[0]) == std::string::npos))
        error("NC-MAP-024", scope.where(r, "behavior"), "behavior must be one of 0 1 2 3 6 9 or *");
      if (s.decision != "convert" && s.decision != "skip") error("NC-MAP-013", scope.where(r, "decision"), "decision must be convert or skip");
      if (s.decision == "convert" && s.tumor_class.empty()) error("NC-MAP-013", scope.where(r, "tumor_class"), "a converted morphology needs a tumor class");
      need_source(scope, r);
      need_concept(scope, r, "morphology_concept", true);
      for (const auto& o : m.scope_)
        if (o.morphology == s.morphology && o.behavior == s.behavior) error("NC-MAP-010", scope.where(r, "morphology"), "duplicate scope row");
      m.scope_.push_back(s);
    }
  }

  void diagnoses() {
    auto dx = table("diagnoses.tsv", {"topography", "site_group", "tumor_class", "concept", "source"}, {"note"});
    for (const auto& r : dx.rows) {
      DiagnosisRow d{dx.cell(r, "topography"), dx.cell(r, "site_group"), dx.cell(r, "tumor_class"), dx.cell(r, "concept")};
      need_concept(dx, r, "concept", false);
      need_source(dx, r);
      m.diagnoses_.push_back(d);
    }
    // every class the scope converts must reach a diagnosis at any site
    for (const auto& s : m.scope_)
      if (s.decision == "convert" && !m.diagnosis("C80.9", "other", s.tumor_class))
        error("NC-MAP-031", {dx.path, 0, 0, ""}, "no diagnoses.tsv row covers tumor class '" + s.tumor_class + "' at other sites");
  }

  void grades() {
    auto gs = table("grade-schemas.tsv", {"site_group", "tumor_class", "schema", "source"}, {"note"});
    for (const auto& r : gs.rows) m.grade_schemas_.push_back({{gs.cell(r, "site_group"), gs.cell(r, "tumor_class")}, gs.cell(r, "schema")});
    auto gc = table("grade-codes.tsv", {"schema", "code", "grade", "differentiation", "source"}, {"note", "method"});
    for (const auto& r : gc.rows) {
      GradeCodeRow g{gc.cell(r, "schema"), gc.cell(r, "code"), gc.cell(r, "grade"), gc.cell(r, "differentiation"), gc.cell(r, "method")};
      need_concept(gc, r, "method", true);
      if (!g.grade.empty() && g.grade != "G1" && g.grade != "G2" && g.grade != "G3" && g.grade != "GX")
        error("NC-MAP-013", gc.where(r, "grade"), "grade must be G1, G2, G3, GX or empty");
      if (m.grade_code(g.schema, g.code)) error("NC-MAP-010", gc.where(r, "code"), "duplicate grade code in schema");
      m.grade_codes_.push_back(g);
    }
    for (const auto& [k, schema] : m.grade_schemas_) {
      bool any = false;
      for (const auto& g : m.grade_codes_) any = any || g.schema == schema;
      if (!any) error("NC-MAP-031", {gc.path, 0, 0, ""}, "grade schema '" + schema + "' has no codes");
    }
  }

  void values() {
    auto vals = table("values.tsv", {"field", "value", "concept"}, {"note"});
    for (const auto& r : vals.rows) {
      auto key = std::make_pair(vals.cell(r, "field"), to_lower(vals.cell(r, "value")));
      need_concept(vals, r, "concept", true);
      if (!m.values_.emplace(key, vals.cell(r, "concept")).second) error("NC-MAP-010", vals.where(r, "value"), "duplicate value");
    }
    for (const auto& [field, list] : contract_enumerations())
      for (const auto& v : list)
        if (!m.values_.count({field, to_lower(v)})) error("NC-MAP-031", {vals.path, 0, 0, field}, "contract value '" + v + "' of " + field + " has no row");
  }

  void treatment_kinds_and_agents() {
    auto kinds = table("treatment-kinds.tsv", {"kind", "category_concept"}, {"note", "timing"});
    for (const auto& r : kinds.rows) {
      KindRow k{kinds.cell(r, "kind"), kinds.cell(r, "category_concept")};
      if (!kinds.cell(r, "timing").empty()) k.timing = kinds.cell(r, "timing");
      if (k.timing != "event" && k.timing != "course") error("NC-MAP-013", kinds.where(r, "timing"), "timing must be event or course");
      need_concept(kinds, r, "category_concept", true);
      if (!m.kinds_.emplace(k.kind, k).second) error("NC-MAP-010", kinds.where(r, "kind"), "duplicate kind");
    }
    auto agents = table("agents.tsv", {"agent", "resource", "kinds", "concept"}, {"note"});
    for (const auto& r : agents.rows) {
      AgentRow a{agents.cell(r, "agent"), agents.cell(r, "resource"), agents.cell(r, "concept"), split(agents.cell(r, "kinds"), '|')};
      if (a.resource != "MedicationAdministration" && a.resource != "Procedure")
        error("NC-MAP-013", agents.where(r, "resource"), "resource must be MedicationAdministration or Procedure");
      for (const auto& k : a.kinds)
        if (!m.kinds_.count(k)) error("NC-MAP-030", agents.where(r, "kinds"), "unknown treatment kind '" + k + "'");
      need_concept(agents, r, "concept", false);
      if (!m.agents_.emplace(a.agent, a).second) error("NC-MAP-010", agents.where(r, "agent"), "duplicate agent");
    }
  }

  void indications() {
    auto ind = table("indications.tsv", {"agent", "condition", "source"}, {"note"});
    for (const auto& r : ind.rows) {
      if (!m.agents_.count(ind.cell(r, "agent"))) error("NC-MAP-030", ind.where(r, "agent"), "unknown treatment agent '" + ind.cell(r, "agent") + "'");
      need_concept(ind, r, "condition", false);
      if (ind.cell(r, "source").empty()) error("NC-MAP-030", ind.where(r, "source"), "source is required");
      auto& list = m.indications_[ind.cell(r, "agent")];
      if (std::find(list.begin(), list.end(), ind.cell(r, "condition")) != list.end()) error("NC-MAP-010", ind.where(r, "condition"), "duplicate indication");
      else list.push_back(ind.cell(r, "condition"));
    }
  }

  void lab_tests() {
    auto labs = table("lab-tests.tsv", {"test", "unit", "concept", "source"}, {"note"});
    for (const auto& r : labs.rows) {
      need_concept(labs, r, "concept", false);
      if (auto why = code_format_problem("ucum", labs.cell(r, "unit")); !why.empty()) error("NC-MAP-021", labs.where(r, "unit"), why);
      if (!m.lab_tests_.emplace(std::make_pair(labs.cell(r, "test"), labs.cell(r, "unit")), labs.cell(r, "concept")).second)
        error("NC-MAP-010", labs.where(r, "unit"), "duplicate test and unit");
    }
    for (const char* test : {"chromogranin_a", "5hiaa_24h_urine", "5hiaa_plasma", "serotonin", "gastrin", "insulin", "glucagon", "vip",
                             "somatostatin", "nse"})
      if (!m.has_lab_test(test)) error("NC-MAP-031", {labs.path, 0, 0, test}, std::string("contract lab test '") + test + "' has no row");
  }

  // format constants: FHIR profiles/extensions, and the CDA template ids / section codes
  void constants() {
    auto prof = table("profiles.tsv", {"key", "value", "source"}, {"note"});
    auto cda = table("cda-templates.tsv", {"key", "value", "source"}, {"note"});
    for (const auto* tab : {&prof, &cda})
      for (const auto& r : tab->rows) {
        if (!m.constants_.emplace(tab->cell(r, "key"), tab->cell(r, "value")).second) error("NC-MAP-010", tab->where(r, "key"), "duplicate key");
        need_source(*tab, r);
      }
    for (const auto& k : required_constants())
      if (!m.constants_.count(k)) error("NC-MAP-050", {prof.path, 0, 0, k}, "required constant '" + k + "' is missing");
    if (!m.system("netconv")) error("NC-MAP-050", {code_systems_path, 0, 0, "netconv"}, "the local code system 'netconv' is missing");
  }

  // stand-ins: a broader code sent for a registry term it does not name; the term goes to text
  std::map<std::pair<std::string, std::string>, std::string> stand_ins() {
    std::map<std::pair<std::string, std::string>, std::string> stand_in_text;
    auto si = table("stand-ins.tsv", {"concept", "slot", "text", "source"}, {"note"});
    for (const auto& r : si.rows) {
      auto ks = std::make_pair(si.cell(r, "concept"), si.cell(r, "slot"));
      if (!m.concepts_.count(ks)) error("NC-MAP-030", si.where(r, "concept"), "no concepts.tsv row for '" + ks.first + "' slot '" + ks.second + "'");
      if (si.cell(r, "text").empty()) error("NC-MAP-046", si.where(r, "text"), "a stand-in needs the registry term it stands for");
      need_source(si, r);
      if (!stand_in_text.emplace(ks, si.cell(r, "text")).second) error("NC-MAP-010", si.where(r, "concept"), "duplicate stand-in");
    }
    return stand_in_text;
  }

  model::Concept resolve(const std::pair<std::string, std::string>& ks, const std::vector<MappingSet::ConceptCoding>& rows,
                         const std::map<std::pair<std::string, std::string>, std::string>& stand_in_text) const {
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
      for (auto& ch : c.text)
        if (ch == '_') ch = ' ';
    }
    // the local coding stands in for missing verified codes only (model/values.hpp); a verified
    // concept without it is four strings fewer to copy each time a record maps to it
    if (const auto* local = m.system("netconv"); local && c.codings.empty()) c.local = {local->uri, local->oid, c.key, c.text};
    return c;
  }

  // pre-resolve every concept slot so the hot path only copies
  void resolve_concepts(const std::map<std::pair<std::string, std::string>, std::string>& stand_in_text) {
    for (const auto& [ks, rows] : m.concepts_) m.resolved_[ks.first + '\x1f' + ks.second] = resolve(ks, rows, stand_in_text);
  }

  // The NAACCR tables are checked here with the others, so a broken one stops the run before
  // the first record; a directory without them serves every input but NAACCR.
  void naaccr() {
    if (naaccr::tables_present(dir)) m.naaccr_ = naaccr::load_tables(dir, problems);
  }
};

MappingSet MappingSet::load(const std::string& dir, std::vector<Diagnostic>& problems) {
  MappingSet m;
  m.dir_ = dir;
  MappingSetLoader(m, dir, problems).run();
  return m;
}

}  // namespace netconv
