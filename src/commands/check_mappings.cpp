#include "commands/check_mappings.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include "commands/check_internal.hpp"
#include "mapping/ucum.hpp"
#include "core/errors.hpp"
#include "core/text.hpp"
#include "mapping/code_checks.hpp"
#include "formats/format.hpp"

namespace netconv {
namespace fs = std::filesystem;
using check_detail::AllowEntry;
using check_detail::TableCheck;

const std::vector<MappingRule>& mapping_rules() {
  static const std::vector<MappingRule> r = {
      {"NC-MAP-001", "structure", "error", "table file missing or unreadable"},
      {"NC-MAP-002", "structure", "error", "line problem: CRLF line end or line longer than 65536 bytes"},
      {"NC-MAP-003", "structure", "error", "line is not valid UTF-8 or holds a NUL byte"},
      {"NC-MAP-004", "structure", "error", "duplicate column in the header"},
      {"NC-MAP-005", "structure", "error", "unknown column"},
      {"NC-MAP-006", "structure", "error", "required column missing (or no header row)"},
      {"NC-MAP-007", "structure", "error", "row has another number of fields than the header"},
      {"NC-MAP-008", "structure", "warning", "file in the mappings directory that no part of netconv reads"},
      {"NC-MAP-010", "structure", "error", "duplicate key (same source key twice)"},
      {"NC-MAP-011", "structure", "error", "concept or slot missing in a concepts.tsv row"},
      {"NC-MAP-012", "structure", "error", "one key mapped to conflicting targets"},
      {"NC-MAP-013", "structure", "error", "cell outside its allowed values"},
      {"NC-MAP-020", "systems", "error", "unknown code system key"},
      {"NC-MAP-021", "codes", "error", "code does not match its system's format (ICD-O-3, ICD-10-CM, SNOMED CT length, RxNorm, ...)"},
      {"NC-MAP-022", "codes", "error", "SNOMED CT identifier with a wrong Verhoeff check digit"},
      {"NC-MAP-023", "codes", "error", "LOINC code with a wrong mod-10 check digit"},
      {"NC-MAP-024", "codes", "error", "not an ICD-O-3 code (topography, category or histology/behavior)"},
      {"NC-MAP-025", "systems", "error", "code system URI missing or not absolute"},
      {"NC-MAP-026", "systems", "error", "code system used in a C-CDA element has no OID"},
      {"NC-MAP-027", "codes", "error", "UCUM unit does not parse"},
      {"NC-MAP-028", "systems", "error", "two code systems share a URI or an OID"},
      {"NC-MAP-029", "systems", "error", "OID is malformed"},
      {"NC-MAP-030", "structure", "error", "reference to a concept, kind or table key that is not defined"},
      {"NC-MAP-031", "coverage", "error", "contract value, tumor class or grade schema not covered"},
      {"NC-MAP-032", "coverage", "error", "value explicitly unmapped without a reason (note)"},
      {"NC-MAP-033", "coverage", "error", "ICD-O-3 code in the NET range without a scope decision"},
      {"NC-MAP-034", "coverage", "error", "NET site x tumor class without an ICD-10-CM diagnosis code"},
      {"NC-MAP-035", "coverage", "error", "converted morphology without a grade rule at some site group"},
      {"NC-MAP-036", "coverage", "error", "treatment kind or agent the contract cannot express"},
      {"NC-MAP-037", "coverage", "error", "NAACCR code translated to a value the contract does not accept"},
      {"NC-MAP-038", "coverage", "error", "ICD-10-CM code without a validity range, or a malformed range (icd10cm-validity.tsv)"},
      {"NC-MAP-039", "coverage", "error", "a concept's ICD-10-CM validity ranges leave a fiscal year without a code or give it two"},
      {"NC-MAP-040", "provenance", "error", "row names no source"},
      {"NC-MAP-041", "provenance", "error", "verified is not yes or no"},
      {"NC-MAP-042", "provenance", "warning", "unverified row (error with --strict unless allow-listed)"},
      {"NC-MAP-043", "provenance", "note", "unverified row accepted by the allow-list"},
      {"NC-MAP-044", "provenance", "error", "allow-list entry without a reason, or malformed"},
      {"NC-MAP-045", "provenance", "warning", "allow-list entry that matches no unverified row"},
      {"NC-MAP-046", "provenance", "error", "stand-in coding without the registry term it stands for (stand-ins.tsv text)"},
      {"NC-MAP-050", "structure", "error", "required format constant missing"},
      {"NC-MAP-060", "systems", "error", "code system not allowed for the element the slot feeds"},
      {"NC-MAP-061", "systems", "error", "concept namespace/slot not declared in slot-systems.tsv"},
      {"NC-MAP-062", "systems", "error", "concept referenced for an element its namespace does not feed"},
      {"NC-MAP-070", "round-trip", "error", "synthetic record built from a row is not converted"},
      {"NC-MAP-071", "round-trip", "error", "output of a synthetic record is not valid"},
  };
  return r;
}

namespace {

// One error a checker found in a unit, as a problem line: where in the unit, what, the rule.
std::string problem_text(const Diagnostic& d) {
  return (d.location.field.empty() ? "" : d.location.field + ": ") + d.message + " [" + d.code + "]";
}

}  // namespace

RoundTripValidator load_round_trip_validator(const FormatRegistry& formats, const CheckerOptions& options, std::string& note) {
  note.clear();
  auto checkers = std::make_shared<std::map<std::string, std::shared_ptr<const OutputChecker>>>();
  for (const auto& f : formats.outputs()) {
    if (!f.checker) continue;
    try {
      checkers->emplace(f.name, f.checker(options));
    } catch (const ConfigError& e) {
      note += (note.empty() ? "" : "; ") + f.title + " output not validated: " + e.what();
    }
  }
  // the checkers' session lives as long as the validator: it must not outlive them
  auto session = std::make_shared<CheckSession>();
  return [checkers, session](const std::string& format, const std::string& label, const std::string& bytes,
                             std::vector<std::string>& problems) {
    auto it = checkers->find(format);
    if (it == checkers->end()) return;
    it->second->check_file(*session, label, bytes, [&](CheckedUnit u) {
      for (const auto& d : u.issues)
        if (d.severity == Severity::error) problems.push_back(problem_text(d));
    });
  };
}

RoundTripValidator load_round_trip_validator(const std::string& fhir_packages, const std::string& cda_schema, std::string& note) {
  CheckerOptions co;
  co.fhir_packages = fhir_packages;
  co.cda_schema = cda_schema;
  co.own_output_only = true;  // only what the writers emit is checked: fewer definitions to load
  return load_round_trip_validator(builtin_formats(), co, note);
}

namespace check_detail {

AllowEntry* TableCheck::allowed(const std::string& table, const std::string& key) {
  for (auto& a : allow)
    if (a.table == table && a.key == key && !a.reason.empty()) {
      a.used = true;
      return &a;
    }
  return nullptr;
}

}  // namespace check_detail

namespace {

bool valid_oid(const std::string& s) {
  static const std::regex re("[0-2](\\.(0|[1-9][0-9]*))+");
  return std::regex_match(s, re);
}

bool contains(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

// Tables this command reads beside MappingSet, with their columns (structure checked here).
struct ExtraTable {
  const char* name;
  std::vector<std::string> required, optional;
};
const std::vector<ExtraTable>& extra_tables() {
  static const std::vector<ExtraTable> t = {
      {"slot-systems.tsv", {"namespace", "slot", "systems", "fhir", "cda", "source"}, {"note"}},
      {"naaccr-items.tsv", {"naaccr_id", "naaccr_num", "field", "transform", "priority", "dictionary_versions", "source"}, {"template", "skip_values", "note"}},
      {"naaccr-values.tsv", {"naaccr_id", "code", "field", "value", "concept", "source"}, {"note"}},
      {"naaccr-treatments.tsv",
       {"family", "item", "codes", "outcome", "concept", "kind", "profile", "status_reason", "date_items", "local_system", "code_display", "count_as", "source"},
       {"note"}},
      {"naaccr-dictionary.tsv",
       {"naaccr_id", "naaccr_num", "length", "data_type", "padding", "parent_xml_element", "allow_unlimited_text", "dictionary_versions", "source"},
       {}},
  };
  return t;
}

struct Run : TableCheck {
  using TableCheck::TableCheck;

  // ---- structure of the tables MappingSet does not load
  void extra_structure() {
    for (const auto& x : extra_tables()) {
      std::error_code ec;
      bool optional_file = std::string(x.name).rfind("naaccr-", 0) == 0;
      if (optional_file && !fs::exists(raw.path(x.name), ec)) continue;  // NAACCR input is optional
      load_tsv(raw.path(x.name), x.required, x.optional, out);
    }
    std::set<std::string> known(known_table_files().begin(), known_table_files().end());
    std::error_code ec;
    std::vector<std::string> unknown;
    for (const auto& e : fs::directory_iterator(raw.dir, ec))
      if (e.is_regular_file() && e.path().extension() == ".tsv" && !known.count(e.path().filename().string()))
        unknown.push_back(e.path().filename().string());
    std::sort(unknown.begin(), unknown.end());
    for (const auto& u : unknown)
      warning("NC-MAP-008", file_loc(u), "table file '" + u + "' is not read by netconv (misspelt name?)");
  }

  // ---- allow-list
  void load_allowlist() {
    std::error_code ec;
    if (opt.allow_file.empty() && !fs::exists(raw.path("unverified-allowlist.tsv"), ec)) return;
    allow_path = opt.allow_file.empty() ? raw.path("unverified-allowlist.tsv") : opt.allow_file;
    auto t = load_tsv(allow_path, {"table", "key", "reason"}, {}, out);
    for (const auto& r : t.rows) {
      AllowEntry a{t.cell(r, "table"), t.cell(r, "key"), t.cell(r, "reason"), r.line};
      if (a.table != "concepts.tsv" && a.table != "code-systems.tsv")
        error("NC-MAP-044", t.where(r, "table"), "allow-list table must be concepts.tsv or code-systems.tsv");
      else if (a.table == "concepts.tsv" && std::count(a.key.begin(), a.key.end(), ':') != 2)
        error("NC-MAP-044", t.where(r, "key"), "concepts.tsv allow-list key must be concept:slot:system");
      if (a.reason.empty()) error("NC-MAP-044", t.where(r, "reason"), "allow-list entry names no reason");
      allow.push_back(std::move(a));
    }
  }
  void finish_allowlist() {
    for (const auto& a : allow)
      if (!a.used && !a.reason.empty())
        warning("NC-MAP-045", {allow_path, a.line, 0, "key"}, "allow-list entry '" + a.key + "' matches no unverified row (remove it)");
  }

  // ---- code systems: OIDs, shared URIs/OIDs, provenance, OID needed for CDA
  void code_systems() {
    const auto& cs = raw["code-systems.tsv"];
    std::map<std::string, std::uint64_t> uris, oids;
    for (const auto& r : cs.rows) {
      const auto& key = cs.cell(r, "system");
      const auto& uri = cs.cell(r, "uri");
      const auto& oid = cs.cell(r, "oid");
      if (!oid.empty() && !valid_oid(oid)) error("NC-MAP-029", cs.where(r, "oid"), "OID '" + oid + "' is malformed");
      if (!uri.empty() && !uris.emplace(uri, r.line).second)
        error("NC-MAP-028", cs.where(r, "uri"), "URI of '" + key + "' is already used on line " + std::to_string(uris[uri]));
      if (!oid.empty() && !oids.emplace(oid, r.line).second)
        error("NC-MAP-028", cs.where(r, "oid"), "OID of '" + key + "' is already used on line " + std::to_string(oids[oid]));
      if (cs.cell(r, "verified") != "yes") {
        if (auto* a = allowed("code-systems.tsv", key))
          note("NC-MAP-043", cs.where(r, "verified"), "unverified code system accepted: " + a->reason);
        else
          warning("NC-MAP-042", cs.where(r, "verified"), "code system row is not verified");
      }
    }
    // OID for every system a CDA-bound slot uses
    std::set<std::string> need_oid;
    for (const auto& s : slots)
      if (!s.cda.empty())
        for (const auto& sys : s.systems) need_oid.insert(sys);
    for (const auto& r : cs.rows) {
      const auto& key = cs.cell(r, "system");
      if (need_oid.count(key) && cs.cell(r, "oid").empty())
        error("NC-MAP-026", cs.where(r, "oid"), "code system '" + key + "' codes a C-CDA element (slot-systems.tsv) but has no OID");
    }
    if (m.system("netconv") && m.system("netconv")->oid.empty() && m.constant_or("cda.oid.local_code_system", "").empty())
      error("NC-MAP-026", file_loc("code-systems.tsv", 0, "netconv"),
            "the local code system has no OID and cda-templates.tsv has no cda.oid.local_code_system");
  }

  // ---- slot-systems.tsv itself
  void slot_table() {
    const auto& st = raw["slot-systems.tsv"];
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& r : st.rows) {
      auto key = std::make_pair(st.cell(r, "namespace"), st.cell(r, "slot"));
      if (!seen.insert(key).second) error("NC-MAP-010", st.where(r, "namespace"), "namespace/slot declared twice");
      if (st.cell(r, "source").empty()) error("NC-MAP-040", st.where(r, "source"), "row names no source");
    }
    for (const auto& s : slots) {
      for (const auto& sys : s.systems)
        if (!m.system(sys)) error("NC-MAP-020", {raw.path("slot-systems.tsv"), s.line, 0, "systems"}, "unknown code system '" + sys + "'");
      if (s.systems.empty()) error("NC-MAP-013", {raw.path("slot-systems.tsv"), s.line, 0, "systems"}, "no system allowed");
      for (const auto& place : s.cda) {
        auto key = place.substr(0, place.find('/'));
        if (m.constant_or(key, "").empty())
          error("NC-MAP-050", {raw.path("slot-systems.tsv"), s.line, 0, "cda"}, "C-CDA placement names constant '" + key + "', which is not defined");
      }
    }
  }

  // ---- concepts: systems per element, UCUM, provenance with allow-list
  void concepts() {
    const auto& ct = raw["concepts.tsv"];
    std::set<std::pair<std::string, std::string>> reported_slot;
    for (const auto& r : ct.rows) {
      const auto& key = ct.cell(r, "concept");
      const auto& slot = ct.cell(r, "slot");
      const auto& sys = ct.cell(r, "system");
      const auto& code = ct.cell(r, "code");
      const auto& verified = ct.cell(r, "verified");
      if (key.empty() || slot.empty()) continue;  // NC-MAP-011 from the loader
      const auto* rule = find_slot_rule(slots, key, slot);
      if (!rule) {
        if (reported_slot.insert({concept_namespace(key), slot}).second)
          error("NC-MAP-061", ct.where(r, "slot"),
                "no slot-systems.tsv row for namespace '" + concept_namespace(key) + "' slot '" + slot + "': which element does it feed?");
      } else if (!sys.empty() && !contains(rule->systems, sys)) {
        std::string allowed_list;
        for (const auto& s : rule->systems) allowed_list += (allowed_list.empty() ? "" : ", ") + s;
        error("NC-MAP-060", ct.where(r, "system"),
              "system '" + sys + "' may not code " + concept_namespace(key) + "/" + slot + " (allowed: " + allowed_list + ")");
      }
      const auto* s = m.system(sys);
      if (s && s->format == "ucum" && !code.empty())
        if (auto why = ucum_problem(code); !why.empty()) error("NC-MAP-027", ct.where(r, "code"), "UCUM unit '" + code + "': " + why);
      if (verified == "no") {
        std::string akey = key + ":" + slot + ":" + sys;
        if (auto* a = allowed("concepts.tsv", akey))
          note("NC-MAP-043", ct.where(r, "verified"), "unverified coding of '" + key + "' accepted: " + a->reason);
        else
          warning("NC-MAP-042", ct.where(r, "verified"),
                  "unverified coding of '" + key + "' is not emitted; verify it or add '" + akey + "' with a reason to unverified-allowlist.tsv");
      }
    }
  }

  // ---- UCUM units the tables use outside concepts.tsv
  void units() {
    const auto& lt = raw["lab-tests.tsv"];
    for (const auto& r : lt.rows)
      if (auto why = ucum_problem(lt.cell(r, "unit")); !why.empty())
        error("NC-MAP-027", lt.where(r, "unit"), "UCUM unit '" + lt.cell(r, "unit") + "': " + why);
  }

  // ---- every reference feeds an element its concept namespace feeds
  bool feeds(const std::string& concept_key, const std::string& element_prefix) {
    const auto* rule = find_slot_rule(slots, concept_key, "code");
    if (!rule) return true;  // NC-MAP-061 already (or no code slot): not judged here
    for (const auto& e : rule->fhir)
      if (e.rfind(element_prefix, 0) == 0) return true;
    return false;
  }
  void expect_element(const char* file, const char* column, const std::string& element) {
    const auto& t = raw[file];
    for (const auto& r : t.rows) {
      const auto& k = t.cell(r, column);
      if (k.empty() || !m.has_concept(k)) continue;
      if (!feeds(k, element))
        error("NC-MAP-062", t.where(r, column),
              "concept '" + k + "' (namespace " + concept_namespace(k) + ") does not feed " + element + " (slot-systems.tsv)");
    }
  }
  void references() {
    expect_element("sites.tsv", "body_site", "Condition.bodySite");
    expect_element("diagnoses.tsv", "concept", "Condition.code");
    expect_element("morphology-scope.tsv", "morphology_concept", "Condition.extension:histologyMorphologyBehavior");
    expect_element("treatment-kinds.tsv", "category_concept", "Procedure.category");
    expect_element("lab-tests.tsv", "concept", "Observation.code");
    const auto& ag = raw["agents.tsv"];
    for (const auto& r : ag.rows) {
      const auto& k = ag.cell(r, "concept");
      const auto& res = ag.cell(r, "resource");
      if (k.empty() || !m.has_concept(k) || (res != "Procedure" && res != "MedicationAdministration")) continue;
      if (!feeds(k, res + "."))
        error("NC-MAP-062", ag.where(r, "concept"), "concept '" + k + "' does not code a " + res + " (slot-systems.tsv)");
    }
    static const std::map<std::string, std::string> field_element = {
        {"sex", "Patient.gender"},           {"differentiation", "Observation.valueCodeableConcept"},
        {"metastatic_sites", "Condition.code"}, {"syndromes", "Condition.code"},
        {"carcinoid_syndrome", "Condition.code"}, {"symptoms", "Condition.code"}};
    const auto& vt = raw["values.tsv"];
    for (const auto& r : vt.rows) {
      auto it = field_element.find(vt.cell(r, "field"));
      const auto& k = vt.cell(r, "concept");
      if (it == field_element.end() || k.empty() || !m.has_concept(k)) continue;
      if (!feeds(k, it->second))
        error("NC-MAP-062", vt.where(r, "concept"),
              "field '" + it->first + "' feeds " + it->second + "; concept '" + k + "' does not (slot-systems.tsv)");
    }
  }

  // ---- rule tables: key duplicates/conflicts, wildcard columns, provenance of rows the loader does not check
  void rule_tables() {
    std::set<std::string> groups{"*", "other"}, classes{"*"};
    for (const auto& r : raw["sites.tsv"].rows) groups.insert(raw["sites.tsv"].cell(r, "site_group"));
    for (const auto& r : raw["morphology-scope.tsv"].rows) classes.insert(raw["morphology-scope.tsv"].cell(r, "tumor_class"));

    const auto& dx = raw["diagnoses.tsv"];
    std::map<std::tuple<std::string, std::string, std::string>, std::pair<std::uint64_t, std::string>> dkeys;
    for (const auto& r : dx.rows) {
      const auto& topo = dx.cell(r, "topography");
      bool category = topo.size() == 3 && topo[0] == 'C' && std::isdigit(static_cast<unsigned char>(topo[1])) &&
                      std::isdigit(static_cast<unsigned char>(topo[2]));
      if (topo != "*" && !category && !m.valid_topography(topo))
        error("NC-MAP-024", dx.where(r, "topography"), "not an ICD-O-3 topography code, category or '*'");
      if (!groups.count(dx.cell(r, "site_group"))) error("NC-MAP-013", dx.where(r, "site_group"), "site group '" + dx.cell(r, "site_group") + "' is not used in sites.tsv");
      if (!classes.count(dx.cell(r, "tumor_class"))) error("NC-MAP-013", dx.where(r, "tumor_class"), "tumor class '" + dx.cell(r, "tumor_class") + "' is not in morphology-scope.tsv");
      auto key = std::make_tuple(topo, dx.cell(r, "site_group"), dx.cell(r, "tumor_class"));
      auto [it, fresh] = dkeys.emplace(key, std::make_pair(r.line, dx.cell(r, "concept")));
      if (!fresh) {
        bool same = it->second.second == dx.cell(r, "concept");
        error(same ? "NC-MAP-010" : "NC-MAP-012", dx.where(r, "topography"),
              std::string(same ? "duplicate diagnosis row" : "diagnosis key mapped to another concept") + " (first on line " +
                  std::to_string(it->second.first) + "; the first match wins, this row is never used)");
      }
    }

    const auto& gs = raw["grade-schemas.tsv"];
    std::set<std::string> schemas;
    for (const auto& r : raw["grade-codes.tsv"].rows) schemas.insert(raw["grade-codes.tsv"].cell(r, "schema"));
    std::map<std::pair<std::string, std::string>, std::pair<std::uint64_t, std::string>> gkeys;
    for (const auto& r : gs.rows) {
      if (!groups.count(gs.cell(r, "site_group"))) error("NC-MAP-013", gs.where(r, "site_group"), "site group '" + gs.cell(r, "site_group") + "' is not used in sites.tsv");
      if (!classes.count(gs.cell(r, "tumor_class"))) error("NC-MAP-013", gs.where(r, "tumor_class"), "tumor class '" + gs.cell(r, "tumor_class") + "' is not in morphology-scope.tsv");
      if (gs.cell(r, "source").empty()) error("NC-MAP-040", gs.where(r, "source"), "row names no source");
      auto [it, fresh] = gkeys.emplace(std::make_pair(gs.cell(r, "site_group"), gs.cell(r, "tumor_class")), std::make_pair(r.line, gs.cell(r, "schema")));
      if (!fresh)
        error(it->second.second == gs.cell(r, "schema") ? "NC-MAP-010" : "NC-MAP-012", gs.where(r, "site_group"),
              "grade schema key already on line " + std::to_string(it->second.first) + " (the first match wins)");
    }
    const auto& gc = raw["grade-codes.tsv"];
    static const std::set<std::string> diffs{"", "well", "moderate", "poor", "undifferentiated", "unknown"};
    for (const auto& r : gc.rows) {
      if (gc.cell(r, "source").empty()) error("NC-MAP-040", gc.where(r, "source"), "row names no source");
      if (!diffs.count(gc.cell(r, "differentiation")))
        error("NC-MAP-013", gc.where(r, "differentiation"), "differentiation must be well, moderate, poor, undifferentiated, unknown or empty");
      else if (!gc.cell(r, "differentiation").empty() && gc.cell(r, "differentiation") != "unknown" &&
               !m.has_concept("differentiation." + gc.cell(r, "differentiation")))
        error("NC-MAP-030", gc.where(r, "differentiation"), "concept 'differentiation." + gc.cell(r, "differentiation") + "' is not defined");
      if (!gc.cell(r, "grade").empty() && gc.cell(r, "grade") != "GX" && !m.has_concept("grade." + gc.cell(r, "grade")))
        error("NC-MAP-030", gc.where(r, "grade"), "concept 'grade." + gc.cell(r, "grade") + "' is not defined");
    }
    for (const char* f : {"sites.tsv", "icdo3-topography.tsv", "icdo3-morphology.tsv"}) {
      const auto& t = raw[f];
      for (const auto& r : t.rows)
        if (t.cell(r, "source").empty()) error("NC-MAP-040", t.where(r, "source"), "row names no source");
    }
  }

  // ---- values.tsv: conflicts, explicit unmapped values with reasons, treatment kinds usable
  void values() {
    const auto& vt = raw["values.tsv"];
    std::map<std::pair<std::string, std::string>, std::pair<std::uint64_t, std::string>> seen;
    for (const auto& r : vt.rows) {
      auto key = std::make_pair(vt.cell(r, "field"), to_lower(vt.cell(r, "value")));
      auto [it, fresh] = seen.emplace(key, std::make_pair(r.line, vt.cell(r, "concept")));
      if (!fresh && it->second.second != vt.cell(r, "concept"))
        error("NC-MAP-012", vt.where(r, "concept"),
              "value '" + vt.cell(r, "value") + "' of " + key.first + " maps to '" + it->second.second + "' on line " +
                  std::to_string(it->second.first) + " and to '" + vt.cell(r, "concept") + "' here");
      if (vt.cell(r, "concept").empty() && key.first != "treatment_kind" && vt.cell(r, "note").empty())
        error("NC-MAP-032", vt.where(r, "concept"),
              "value '" + vt.cell(r, "value") + "' of " + key.first + " is explicitly unmapped but the note gives no reason");
    }
    // treatment kinds: every contract kind has a kind row and an agent; every agent kind is a contract kind
    std::map<std::string, bool> kind_has_agent;
    for (const auto& r : vt.rows)
      if (vt.cell(r, "field") == "treatment_kind") kind_has_agent[to_lower(vt.cell(r, "value"))] = false;
    const auto& ag = raw["agents.tsv"];
    for (const auto& r : ag.rows)
      for (const auto& k : split(ag.cell(r, "kinds"), '|')) {
        if (kind_has_agent.count(k)) kind_has_agent[k] = true;
        else if (m.kind(k))
          error("NC-MAP-036", ag.where(r, "kinds"), "agent '" + ag.cell(r, "agent") + "' is given as kind '" + k +
                                                        "', which values.tsv does not accept as treatment_kind: input can never name it");
      }
    for (const auto& r : vt.rows) {
      if (vt.cell(r, "field") != "treatment_kind") continue;
      auto k = to_lower(vt.cell(r, "value"));
      if (!m.kind(k)) error("NC-MAP-036", vt.where(r, "value"), "treatment kind '" + k + "' has no treatment-kinds.tsv row");
      else if (!kind_has_agent[k]) error("NC-MAP-036", vt.where(r, "value"), "treatment kind '" + k + "' has no agent in agents.tsv");
    }
  }

  // ---- NAACCR tables: codes translate to contract values, references defined, sources named
  void naaccr() {
    const auto& nv = raw["naaccr-values.tsv"];
    std::map<std::pair<std::string, std::string>, std::uint64_t> seen;
    for (const auto& r : nv.rows) {
      const auto& field = nv.cell(r, "field");
      const auto& value = nv.cell(r, "value");
      const auto& k = nv.cell(r, "concept");
      auto [it, fresh] = seen.emplace(std::make_pair(nv.cell(r, "naaccr_id"), nv.cell(r, "code")), r.line);
      if (!fresh) error("NC-MAP-010", nv.where(r, "code"), "code already on line " + std::to_string(it->second));
      if (!field.empty() && !value.empty() && !m.value_concept(field, value))
        error("NC-MAP-037", nv.where(r, "value"),
              "NAACCR " + nv.cell(r, "naaccr_id") + " code " + nv.cell(r, "code") + " becomes " + field + "='" + value +
                  "', which values.tsv does not accept");
      if (!k.empty() && !m.has_concept(k)) error("NC-MAP-030", nv.where(r, "concept"), "concept '" + k + "' is not defined in concepts.tsv");
      if (value.empty() && k.empty() && nv.cell(r, "note").empty())
        error("NC-MAP-032", nv.where(r, "value"), "NAACCR code " + nv.cell(r, "code") + " is explicitly unmapped but the note gives no reason");
      if (nv.cell(r, "source").empty()) error("NC-MAP-040", nv.where(r, "source"), "row names no source");
    }
    const auto& nt = raw["naaccr-treatments.tsv"];
    for (const auto& r : nt.rows) {
      for (const char* col : {"concept", "status_reason"}) {
        const auto& k = nt.cell(r, col);
        if (!k.empty() && !m.has_concept(k)) error("NC-MAP-030", nt.where(r, col), "concept '" + k + "' is not defined in concepts.tsv");
      }
      const auto& p = nt.cell(r, "profile");
      if (!p.empty() && m.constant_or(p, "").empty()) error("NC-MAP-050", nt.where(r, "profile"), "constant '" + p + "' is not defined");
      if (nt.cell(r, "source").empty()) error("NC-MAP-040", nt.where(r, "source"), "row names no source");
      const auto& ls = nt.cell(r, "local_system");
      if (!ls.empty() && ls.find(':') == std::string::npos) error("NC-MAP-025", nt.where(r, "local_system"), "system URI is not absolute");
    }
    const auto& ni = raw["naaccr-items.tsv"];
    for (const auto& r : ni.rows)
      if (ni.cell(r, "source").empty()) error("NC-MAP-040", ni.where(r, "source"), "row names no source");
  }

  // ---- coverage: NET morphology range, site x class diagnoses, grade rules
  std::string representative(const std::string& site_topo) {
    if (!(site_topo.size() == 3)) return site_topo;
    // a category: the first subsite without its own sites.tsv row
    const auto& topo = raw["icdo3-topography.tsv"];
    for (const auto& r : topo.rows) {
      const auto& c = topo.cell(r, "code");
      if (c.rfind(site_topo, 0) == 0 && (!m.site(c) || m.site(c)->topography == site_topo)) return c;
    }
    return "";
  }
  std::vector<const ScopeRow*> converted_classes() {
    std::vector<const ScopeRow*> out;
    std::set<std::string> seen;
    const auto& sc = raw["morphology-scope.tsv"];
    for (const auto& r : sc.rows) {
      if (sc.cell(r, "decision") != "convert") continue;
      auto b = sc.cell(r, "behavior") == "*" ? "3" : sc.cell(r, "behavior");
      const auto* s = m.scope(sc.cell(r, "morphology"), b);
      if (s && seen.insert(s->tumor_class).second) out.push_back(s);
    }
    return out;
  }
  void coverage() {
    // every ICD-O-3 code of the NET range has a scope decision
    const auto& mo = raw["icdo3-morphology.tsv"];
    for (const auto& r : mo.rows) {
      const auto& code = mo.cell(r, "code");
      if (code.size() != 6 || code[4] != '/') continue;
      int h = std::atoi(code.substr(0, 4).c_str());
      if (in_net_histology_range(h) && !m.scope(code.substr(0, 4), code.substr(5)))
        error("NC-MAP-033", mo.where(r, "code"),
              "NET-range code " + code + " has no morphology-scope.tsv decision (convert or skip, with a note)");
    }
    // every NET site x converted class reaches a diagnosis with an ICD-10-CM code
    const auto classes = converted_classes();
    const auto& st = raw["sites.tsv"];
    const auto& dx = raw["diagnoses.tsv"];
    for (const auto& r : st.rows) {
      auto topo = representative(st.cell(r, "topography"));
      if (topo.empty()) continue;
      const auto& group = st.cell(r, "site_group");
      for (const auto* cls : classes) {
        const auto* d = m.diagnosis(topo, group, cls->tumor_class);
        if (!d) {
          error("NC-MAP-034", st.where(r, "topography"),
                "site " + topo + " with tumor class '" + cls->tumor_class + "' matches no diagnoses.tsv row (records would be rejected)");
          continue;
        }
        std::uint64_t dline = 0;
        for (const auto& dr : dx.rows)
          if (dx.cell(dr, "concept") == d->concept_key && dx.cell(dr, "topography") == d->topography &&
              dx.cell(dr, "tumor_class") == d->tumor_class && dx.cell(dr, "site_group") == d->site_group) {
            dline = dr.line;
            break;
          }
        bool has_icd = false;
        const auto& rows = m.concept_rows();
        if (auto it = rows.find({d->concept_key, "code"}); it != rows.end())
          for (const auto& c : it->second) has_icd = has_icd || (c.verified == "yes" && c.system == "icd10cm");
        if (has_icd) continue;
        bool accepted = false;
        if (auto it = rows.find({d->concept_key, "code"}); it != rows.end())
          for (const auto& c : it->second)
            if (c.verified != "yes" && allowed("concepts.tsv", d->concept_key + ":code:" + c.system)) accepted = true;
        std::string msg = "site " + topo + " with tumor class '" + cls->tumor_class + "' gets concept '" + d->concept_key +
                          "' (diagnoses.tsv:" + std::to_string(dline) + "), which has no verified ICD-10-CM code";
        if (accepted) note("NC-MAP-034", st.where(r, "topography"), msg + " (its unverified coding is allow-listed)");
        else error("NC-MAP-034", st.where(r, "topography"), msg);
      }
    }
    // every converted morphology has a grade rule at every site group
    std::set<std::string> groups;
    for (const auto& r : st.rows) groups.insert(st.cell(r, "site_group"));
    groups.insert("other");
    const auto& sc = raw["morphology-scope.tsv"];
    for (const auto& r : sc.rows) {
      if (sc.cell(r, "decision") != "convert") continue;
      for (const auto& g : groups) {
        auto schema = m.grade_schema(g, sc.cell(r, "tumor_class"));
        bool has_codes = false;
        for (const auto& gr : raw["grade-codes.tsv"].rows) has_codes = has_codes || raw["grade-codes.tsv"].cell(gr, "schema") == schema;
        if (schema.empty() || !has_codes) {
          error("NC-MAP-035", sc.where(r, "tumor_class"),
                "morphology " + sc.cell(r, "morphology") + "/" + sc.cell(r, "behavior") + " (class " + sc.cell(r, "tumor_class") +
                    ") has no grade rule at site group '" + g + "'" + (schema.empty() ? "" : " (schema '" + schema + "' has no codes)"));
          break;
        }
      }
    }
  }
};

bool severity_less(const Diagnostic& a, const Diagnostic& b) {
  return std::tie(a.location.file, a.location.line, a.location.column, a.code, a.message) <
         std::tie(b.location.file, b.location.line, b.location.column, b.code, b.message);
}

}  // namespace

CheckReport check_mappings(const CheckOptions& opt) {
  std::error_code ec;
  if (!fs::is_directory(opt.mappings_dir, ec)) throw IoError("mapping-table directory " + opt.mappings_dir + " cannot be read");
  if (!opt.allow_file.empty() && !fs::is_regular_file(opt.allow_file, ec)) throw IoError("allow-list " + opt.allow_file + " cannot be read");
  std::string dir = opt.mappings_dir;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();

  CheckReport rep;
  rep.mappings_dir = dir;
  rep.strict = opt.strict;
  std::vector<Diagnostic> loader;
  MappingSet m = MappingSet::load(dir, loader);
  bool loader_errors = false;
  for (auto& d : loader) {
    if (d.severity == Severity::error) loader_errors = true;
    // the loader's OID and unverified warnings are re-judged here (slot-systems.tsv, allow-list)
    if (d.severity == Severity::warning && (d.code == "NC-MAP-026" || d.code == "NC-MAP-042")) continue;
    rep.findings.push_back(std::move(d));
  }
  RawTables raw = read_raw_tables(dir);
  CheckOptions o = opt;  // the round trip's formats and validator are resolved once, here, and handed down
  if (!o.formats) o.formats = &builtin_formats();
  for (const auto& f : o.formats->outputs()) rep.outputs.push_back({f.name, f.title, f.unit_noun, 0});
  if (opt.round_trip && !loader_errors && !o.validator) {
    CheckerOptions co;
    co.fhir_packages = opt.fhir_packages;
    co.cda_schema = opt.cda_schema;
    co.own_output_only = true;
    o.validator = load_round_trip_validator(*o.formats, co, rep.round_trip_note);
  }
  Run c(o, m, raw, rep.findings);
  c.slots = slot_rules(raw);
  c.extra_structure();
  c.load_allowlist();
  c.slot_table();
  c.code_systems();
  c.concepts();
  check_detail::check_stand_ins(c);
  c.references();
  c.units();
  c.rule_tables();
  c.values();
  c.naaccr();
  c.coverage();
  if (!opt.round_trip) rep.round_trip_note = "round trip not run (disabled)";
  else if (loader_errors) rep.round_trip_note = "round trip not run: the tables do not load (fix the errors above first)";
  else check_detail::round_trip(c, rep);
  c.finish_allowlist();

  // one finding per rule and place
  std::sort(rep.findings.begin(), rep.findings.end(), severity_less);
  rep.findings.erase(std::unique(rep.findings.begin(), rep.findings.end(),
                                 [](const Diagnostic& a, const Diagnostic& b) {
                                   return a.code == b.code && a.location.file == b.location.file && a.location.line == b.location.line &&
                                          a.location.column == b.location.column && a.message == b.message;
                                 }),
                     rep.findings.end());
  for (auto& d : rep.findings) {
    if (opt.strict && d.severity == Severity::warning) {
      d.severity = Severity::error;
      d.message += " [--strict]";
    }
    if (d.severity == Severity::error) ++rep.errors;
    else if (d.severity == Severity::warning) ++rep.warnings;
    else ++rep.notes;
  }
  rep.exit_code = rep.errors ? kExitDataProblems : kExitOk;
  return rep;
}

}  // namespace netconv
