#include "commands/export_terminology.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "commands/table_files.hpp"
#include "core/errors.hpp"
#include "core/text.hpp"
#include "mapping/icd10cm_dates.hpp"
#include "mapping/mapping_set.hpp"

namespace netconv {
namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

// FHIR id: [A-Za-z0-9\-\.]{1,64}
std::string fhir_id(const std::string& s) {
  std::string out;
  for (char c : s) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '-';
  if (out.size() > 64) out.resize(64);
  return out;
}
// FHIR name (inv-0): [A-Z]([A-Za-z0-9_]){0,254}
std::string fhir_name(const std::string& id) {
  std::string out;
  bool up = true;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c))) { up = true; continue; }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return out.empty() ? "Netconv" : out;
}

struct Exporter {
  const MappingSet& m;
  const RawTables& raw;
  std::string base;  // urn:netconv:fhir: (derived from the local code system URI)
  std::map<std::string, Json> out;  // file name -> resource

  std::string url(const std::string& type, const std::string& id) const { return base + type + ":" + id; }

  Json header(const std::string& type, const std::string& id, const std::string& title, const std::string& description) {
    Json j;
    j["resourceType"] = type;
    j["id"] = fhir_id(id);
    j["url"] = type == "CodeSystem" && id == "netconv-registry-key" ? m.local_system_uri() : url(type, id);
    j["version"] = NETCONV_VERSION;
    j["name"] = fhir_name(id);
    j["title"] = title;
    j["status"] = "active";
    j["experimental"] = false;
    j["publisher"] = "netconv";
    j["description"] = description;
    return j;
  }
  void put(Json j) {
    std::string file = j["resourceType"].get<std::string>() + "-" + j["id"].get<std::string>() + ".json";
    out[file] = std::move(j);
  }

  std::string system_uri(const std::string& key) const {
    const auto* s = m.system(key);
    return s ? s->uri : "";
  }
  std::string concept_text(const std::string& key) const { return m.lookup(key).text; }

  // ---- CodeSystems of project-local codes
  void code_systems() {
    {  // registry keys
      auto j = header("CodeSystem", "netconv-registry-key", "netconv registry keys",
                      "Concept keys of netconv's mapping tables. Sent as the code of a concept that has no verified code in a "
                      "standard system (the resource is then tagged unverified-terminology).");
      j["caseSensitive"] = true;
      j["content"] = "complete";
      std::set<std::string> keys;
      for (const auto& [ks, rows] : m.concept_rows()) keys.insert(ks.first);
      j["count"] = keys.size();
      auto arr = Json::array();
      for (const auto& k : keys) arr.push_back({{"code", k}, {"display", concept_text(k)}});
      j["concept"] = std::move(arr);
      put(std::move(j));
    }
    const auto& vt = raw["values.tsv"];
    std::map<std::string, std::vector<const TableRow*>> by_field;
    for (const auto& r : vt.rows) by_field[vt.cell(r, "field")].push_back(&r);
    for (const auto& [field, rows] : by_field) {
      auto id = "netconv-contract-" + field;
      auto j = header("CodeSystem", id, "netconv input contract values: " + field,
                      "Values the NET registry input contract accepts in field '" + field + "' (mappings/values.tsv; case-insensitive on input).");
      j["caseSensitive"] = false;
      j["content"] = "complete";
      j["count"] = rows.size();
      auto arr = Json::array();
      for (const auto* r : rows) {
        Json c{{"code", vt.cell(*r, "value")}};
        const auto& k = vt.cell(*r, "concept");
        c["display"] = !k.empty() ? concept_text(k) : !vt.cell(*r, "note").empty() ? vt.cell(*r, "note") : vt.cell(*r, "value");
        arr.push_back(std::move(c));
      }
      j["concept"] = std::move(arr);
      put(std::move(j));
    }
    {
      const auto& ag = raw["agents.tsv"];
      auto j = header("CodeSystem", "netconv-agent", "netconv treatment agent keys",
                      "Treatment agent keys of the input contract (KIND:AGENT items; mappings/agents.tsv).");
      j["caseSensitive"] = false;
      j["content"] = "complete";
      j["count"] = ag.rows.size();
      auto arr = Json::array();
      for (const auto& r : ag.rows) arr.push_back({{"code", ag.cell(r, "agent")}, {"display", concept_text(ag.cell(r, "concept"))}});
      j["concept"] = std::move(arr);
      put(std::move(j));
    }
  }

  // element list grouped by target system; unmapped sources go to a group without target
  struct Target {
    std::string system, code, display, equivalence, comment;
  };
  struct Group {
    std::map<std::string, std::vector<Json>> by_target;  // target system -> elements
  };
  static void add_element(std::map<std::string, std::map<std::string, Json>>& groups, const std::string& source_code,
                          const std::string& source_display, const Target& t) {
    auto& el = groups[t.system][source_code];
    if (el.is_null()) {
      el["code"] = source_code;
      if (!source_display.empty()) el["display"] = source_display;
      el["target"] = Json::array();
    }
    Json tj;
    if (!t.code.empty()) tj["code"] = t.code;
    if (!t.display.empty()) tj["display"] = t.display;
    tj["equivalence"] = t.equivalence;
    if (!t.comment.empty()) tj["comment"] = t.comment;
    el["target"].push_back(std::move(tj));
  }
  Json groups_json(const std::string& source_system, const std::map<std::string, std::map<std::string, Json>>& groups) {
    auto arr = Json::array();
    for (const auto& [target, elements] : groups) {
      Json g;
      g["source"] = source_system;
      if (!target.empty()) g["target"] = target;
      auto els = Json::array();
      for (const auto& [code, el] : elements) els.push_back(el);
      g["element"] = std::move(els);
      arr.push_back(std::move(g));
    }
    return arr;
  }
  // targets of a concept (verified codings of one slot), or one unmatched target
  void concept_targets(std::map<std::string, std::map<std::string, Json>>& groups, const std::string& source_code,
                       const std::string& source_display, const std::string& key, const std::string& slot, const std::string& why_empty) {
    if (key.empty()) {
      add_element(groups, source_code, source_display, {"", "", "", "unmatched", why_empty.empty() ? "explicitly unmapped" : why_empty});
      return;
    }
    auto c = m.lookup(key, slot);
    if (!c.verified()) {
      add_element(groups, source_code, source_display,
                  {"", "", "", "unmatched", "no verified code for '" + key + "': sent as text with the registry key (unverified-terminology)"});
      return;
    }
    for (const auto& cd : c.codings) {
      std::string comment = slot == "code" ? "" : "slot " + slot;
      if (auto when = dated(cd); !when.empty()) comment += (comment.empty() ? "" : "; ") + when;
      add_element(groups, source_code, source_display, {cd.system_uri, cd.code, cd.display, "equivalent", comment});
    }
  }

  // An ICD-10-CM code valid only in some fiscal years is sent only for diagnoses dated in them.
  std::string dated(const model::Coding& cd) const {
    const auto& v = m.icd10cm_validity();
    const auto* r = cd.system_uri == v.system_uri() ? v.range(cd.code) : nullptr;
    if (!r || (r->from <= v.oldest_fy() && r->to >= v.newest_fy())) return "";
    return "sent for diagnoses dated FY" + std::to_string(r->from) + "-FY" + std::to_string(r->to) + " (icd10cm-validity.tsv)";
  }

  void concept_maps() {
    const auto& vt = raw["values.tsv"];
    std::map<std::string, std::vector<const TableRow*>> by_field;
    for (const auto& r : vt.rows) by_field[vt.cell(r, "field")].push_back(&r);
    for (const auto& [field, rows] : by_field) {
      if (field == "treatment_kind") continue;  // kinds carry no code of their own
      auto id = "netconv-values-" + field;
      auto j = header("ConceptMap", id, "netconv input values -> codes: " + field,
                      "How netconv codes each accepted value of input field '" + field + "' (mappings/values.tsv, concepts.tsv).");
      auto source = url("CodeSystem", "netconv-contract-" + field);
      j["sourceUri"] = url("ValueSet", "netconv-contract-" + field);
      std::map<std::string, std::map<std::string, Json>> groups;
      for (const auto* r : rows) {
        std::string slot = field == "sex" ? "code" : "code";
        concept_targets(groups, vt.cell(*r, "value"), "", vt.cell(*r, "concept"), slot, vt.cell(*r, "note"));
        if (field == "sex" && !vt.cell(*r, "concept").empty() && m.has_slot(vt.cell(*r, "concept"), "cda"))
          concept_targets(groups, vt.cell(*r, "value"), "", vt.cell(*r, "concept"), "cda", "");
        if (field == "metastatic_sites" && !vt.cell(*r, "concept").empty())
          for (const char* s : {"icd10cm.net", "icd10cm.nec", "bodySite"})
            if (m.has_slot(vt.cell(*r, "concept"), s)) concept_targets(groups, vt.cell(*r, "value"), "", vt.cell(*r, "concept"), s, "");
      }
      j["group"] = groups_json(source, groups);
      put(std::move(j));
    }
    {  // agents
      const auto& ag = raw["agents.tsv"];
      auto j = header("ConceptMap", "netconv-agents", "netconv treatment agents -> codes",
                      "Drug (RxNorm) and procedure (SNOMED CT) codes of the treatment agent keys (mappings/agents.tsv, concepts.tsv).");
      j["sourceUri"] = url("ValueSet", "netconv-agent");
      std::map<std::string, std::map<std::string, Json>> groups;
      for (const auto& r : ag.rows) concept_targets(groups, ag.cell(r, "agent"), "", ag.cell(r, "concept"), "code", "");
      j["group"] = groups_json(url("CodeSystem", "netconv-agent"), groups);
      put(std::move(j));
    }
    {  // every concept key and slot
      auto j = header("ConceptMap", "netconv-concepts", "netconv concept keys -> codes",
                      "Every concept of mappings/concepts.tsv with its verified codings, per slot (comment names slots other than 'code').");
      j["sourceUri"] = url("ValueSet", "netconv-registry-key");
      std::map<std::string, std::map<std::string, Json>> groups;
      for (const auto& [ks, rows] : m.concept_rows()) concept_targets(groups, ks.first, "", ks.first, ks.second, "");
      j["group"] = groups_json(m.local_system_uri(), groups);
      put(std::move(j));
    }
    diagnoses_map();
    morphology_map();
  }

  std::string icdo3_uri() const {
    for (const char* k : {"icdo3-topography", "icdo3"})
      if (m.system(k)) return m.system(k)->uri;
    return "";
  }

  void diagnoses_map() {
    const auto& st = raw["sites.tsv"];
    std::set<std::string> classes;
    std::vector<std::string> class_order;
    const auto& sc = raw["morphology-scope.tsv"];
    for (const auto& r : sc.rows)
      if (sc.cell(r, "decision") == "convert" && classes.insert(sc.cell(r, "tumor_class")).second) class_order.push_back(sc.cell(r, "tumor_class"));
    auto j = header("ConceptMap", "netconv-primary-diagnosis", "netconv ICD-O-3 site x tumor class -> primary diagnosis",
                    "Primary diagnosis codes (SNOMED CT disorder, ICD-10-CM) netconv gives a NET site (ICD-O-3 topography, "
                    "mappings/sites.tsv) for each tumor class (target.dependsOn tumor-class; mappings/diagnoses.tsv).");
    j["sourceUri"] = url("ValueSet", "netconv-net-sites");
    std::map<std::string, std::map<std::string, Json>> groups;
    const std::string property = base + "property:tumor-class";
    for (const auto& r : st.rows) {
      const auto& topo = st.cell(r, "topography");
      for (const auto& cls : class_order) {
        const auto* d = m.diagnosis(topo, st.cell(r, "site_group"), cls);
        if (!d) continue;
        auto c = m.lookup(d->concept_key);
        auto add = [&](Target t) {
          auto& el = groups[t.system][topo];
          if (el.is_null()) {
            el["code"] = topo;
            if (auto disp = m.topography_display(topo); !disp.empty()) el["display"] = disp;
            el["target"] = Json::array();
          }
          Json tj;
          if (!t.code.empty()) tj["code"] = t.code;
          if (!t.display.empty()) tj["display"] = t.display;
          tj["equivalence"] = t.equivalence;
          if (!t.comment.empty()) tj["comment"] = t.comment;
          tj["dependsOn"] = Json::array({Json{{"property", property}, {"value", cls}}});
          el["target"].push_back(std::move(tj));
        };
        if (!c.verified()) add({"", "", "", "unmatched", "no verified code for '" + d->concept_key + "' (sent as text)"});
        for (const auto& cd : c.codings) add({cd.system_uri, cd.code, cd.display, "equivalent", dated(cd)});
      }
    }
    j["group"] = groups_json(icdo3_uri(), groups);
    put(std::move(j));
  }

  void morphology_map() {
    const auto& sc = raw["morphology-scope.tsv"];
    auto j = header("ConceptMap", "netconv-morphology", "netconv ICD-O-3 morphology -> SNOMED CT morphology",
                    "Converted ICD-O-3 histology/behavior codes and the SNOMED CT morphology netconv adds to the "
                    "histology-morphology-behavior extension (mappings/morphology-scope.tsv).");
    j["sourceUri"] = url("ValueSet", "netconv-morphology-in-scope");
    std::map<std::string, std::map<std::string, Json>> groups;
    for (const auto& r : sc.rows) {
      if (sc.cell(r, "decision") != "convert" || sc.cell(r, "behavior") == "*") continue;
      auto code = sc.cell(r, "morphology") + "/" + sc.cell(r, "behavior");
      const auto& k = sc.cell(r, "morphology_concept");
      if (k.empty()) {
        add_element(groups, code, m.morphology_display(code), {"", "", "", "unmatched", "no SNOMED CT morphology; the ICD-O-3 code is sent"});
        continue;
      }
      concept_targets(groups, code, m.morphology_display(code), k, "code", "");
    }
    j["group"] = groups_json(icdo3_uri(), groups);
    put(std::move(j));
  }

  // ---- ValueSets
  Json include(const std::string& system, const std::vector<std::pair<std::string, std::string>>& concepts) {
    Json inc{{"system", system}};
    auto arr = Json::array();
    for (const auto& [c, d] : concepts) {
      Json x{{"code", c}};
      if (!d.empty()) x["display"] = d;
      arr.push_back(std::move(x));
    }
    inc["concept"] = std::move(arr);
    return inc;
  }
  void value_sets() {
    const auto& vt = raw["values.tsv"];
    std::set<std::string> fields;
    for (const auto& r : vt.rows) fields.insert(vt.cell(r, "field"));
    for (const auto& f : fields) {
      auto j = header("ValueSet", "netconv-contract-" + f, "netconv input contract values: " + f, "Every value input field '" + f + "' accepts.");
      j["compose"] = {{"include", Json::array({Json{{"system", url("CodeSystem", "netconv-contract-" + f)}}})}};
      put(std::move(j));
    }
    for (const auto& [id, cs] : std::vector<std::pair<std::string, std::string>>{
             {"netconv-agent", url("CodeSystem", "netconv-agent")}, {"netconv-registry-key", m.local_system_uri()}}) {
      auto j = header("ValueSet", id, "netconv " + id.substr(8) + " codes", "All codes of " + cs + ".");
      j["compose"] = {{"include", Json::array({Json{{"system", cs}}})}};
      put(std::move(j));
    }
    {  // sites and in-scope morphologies
      const auto& st = raw["sites.tsv"];
      std::vector<std::pair<std::string, std::string>> sites;
      for (const auto& r : st.rows) sites.emplace_back(st.cell(r, "topography"), m.topography_display(st.cell(r, "topography")));
      auto j = header("ValueSet", "netconv-net-sites", "netconv NET sites (ICD-O-3 topography)",
                      "ICD-O-3 topography codes and categories mappings/sites.tsv assigns a site group and grading family.");
      j["compose"] = {{"include", Json::array({include(icdo3_uri(), sites)})}};
      put(std::move(j));
      const auto& sc = raw["morphology-scope.tsv"];
      std::vector<std::pair<std::string, std::string>> morph;
      for (const auto& r : sc.rows)
        if (sc.cell(r, "decision") == "convert" && sc.cell(r, "behavior") != "*") {
          auto code = sc.cell(r, "morphology") + "/" + sc.cell(r, "behavior");
          morph.emplace_back(code, m.morphology_display(code));
        }
      auto k = header("ValueSet", "netconv-morphology-in-scope", "netconv converted ICD-O-3 morphologies",
                      "ICD-O-3 histology/behavior codes netconv converts (mappings/morphology-scope.tsv, decision convert).");
      k["compose"] = {{"include", Json::array({include(icdo3_uri(), morph)})}};
      put(std::move(k));
    }
    // verified target codes per namespace and slot: what each element can carry
    std::map<std::string, std::map<std::string, std::map<std::string, std::string>>> vs;  // ns.slot -> system -> code -> display
    for (const auto& [ks, rows] : m.concept_rows())
      for (const auto& c : rows)
        if (c.verified == "yes" && !c.code.empty()) {
          auto& disp = vs[concept_namespace(ks.first) + "-" + ks.second][system_uri(c.system)][c.code];
          if (disp.empty()) disp = c.display;
        }
    for (const auto& [name, systems] : vs) {
      auto j = header("ValueSet", "netconv-targets-" + name, "netconv target codes: " + name,
                      "Every verified code mappings/concepts.tsv gives concepts of namespace/slot " + name + ".");
      auto incs = Json::array();
      for (const auto& [sys, codes] : systems) {
        std::vector<std::pair<std::string, std::string>> list(codes.begin(), codes.end());
        incs.push_back(include(sys, list));
      }
      j["compose"] = {{"include", std::move(incs)}};
      put(std::move(j));
    }
  }
};

}  // namespace

ExportResult export_terminology(const ExportOptions& o) {
  std::vector<Diagnostic> problems;
  auto m = MappingSet::load(o.mappings_dir, problems);
  std::size_t errors = 0;
  std::string first;
  for (const auto& p : problems)
    if (p.severity == Severity::error && errors++ == 0) first = format_diagnostic(p, false);
  if (errors)
    throw ConfigError(std::to_string(errors) + " error(s) in the mapping tables (run netconv check-mappings), first: " + first);
  auto raw = read_raw_tables(o.mappings_dir);
  Exporter ex{m, raw, "", {}};
  auto local = m.local_system_uri();
  auto colon = local.rfind("CodeSystem:");
  ex.base = colon == std::string::npos ? "urn:netconv:fhir:" : local.substr(0, colon);
  ex.code_systems();
  ex.concept_maps();
  ex.value_sets();

  std::error_code ec;
  fs::create_directories(o.output_dir, ec);
  if (ec) throw IoError("cannot create " + o.output_dir + ": " + ec.message());
  // replace what an earlier export wrote, nothing else
  for (const auto& e : fs::directory_iterator(o.output_dir, ec)) {
    auto n = e.path().filename().string();
    if (e.is_regular_file() && e.path().extension() == ".json" &&
        (n.rfind("CodeSystem-netconv", 0) == 0 || n.rfind("ConceptMap-netconv", 0) == 0 || n.rfind("ValueSet-netconv", 0) == 0))
      fs::remove(e.path(), ec);
  }
  ExportResult r;
  for (const auto& [file, j] : ex.out) {
    auto path = (fs::path(o.output_dir) / file).string();
    std::ofstream f(path + ".part", std::ios::binary | std::ios::trunc);
    f << j.dump(2) << "\n";
    f.close();
    if (!f) throw IoError("cannot write " + path);
    fs::rename(path + ".part", path, ec);
    if (ec) throw IoError("cannot write " + path + ": " + ec.message());
    r.files.push_back(file);
  }
  return r;
}

}  // namespace netconv
