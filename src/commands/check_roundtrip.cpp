// check-mappings round trip: one synthetic SourceRecord per table row that shapes output (site x
// tumor class, converted morphology, contract value, agent x kind, grade code), mapped and
// rendered by the real Mapper and writers. A record that does not convert, an output that does
// not parse, a coding or profile that is not a valid FHIR code/uri, a Quantity unit that is not
// UCUM, and every problem the registered validator reports, is a finding located at the table
// row that caused it (the coding's or constant's own row when it can be told, else the row the
// record was built from).
#include <libxml/parser.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "commands/check_internal.hpp"
#include "mapping/ucum.hpp"
#include "core/errors.hpp"
#include "core/text.hpp"
#include "mapping/mapper.hpp"
#include "validation/fhir_primitives.hpp"
#include "writers/writer.hpp"

namespace netconv::check_detail {
namespace {

struct Synthetic {
  Location origin;  // the table row the record stands for
  std::string what;
  std::vector<std::pair<std::string, std::string>> fields;
};

SourceRecord make_record(std::size_t n, const Synthetic& s) {
  SourceRecord rec;
  rec.location = {"<round-trip>", n, 0, ""};
  auto add = [&](const std::string& name, const std::string& value) {
    RawField f;
    f.name = name;
    f.value = value;
    f.location = {"<round-trip>", n, 0, name};
    rec.fields.push_back(std::move(f));
  };
  char id[32];
  std::snprintf(id, sizeof id, "rt-%06zu", n);
  add("patient_id", id);
  add("birth_date", "1960-01-15");
  add("sex", "F");
  add("diagnosis_date", "2020-03-15");
  for (const auto& [k, v] : s.fields) {
    bool replaced = false;
    for (auto& f : rec.fields)
      if (f.name == k) { f.value = v; replaced = true; }
    if (!replaced) add(k, v);
  }
  return rec;
}

struct Attribution {
  std::map<std::string, Location> uri, constant;                 // system URI / constant value -> row
  std::map<std::pair<std::string, std::string>, Location> code;  // (system URI, code) -> concepts.tsv row
};

Attribution attribution(const TableCheck& c) {
  Attribution a;
  const auto& cs = c.raw["code-systems.tsv"];
  std::map<std::string, std::string> key_uri;
  for (const auto& r : cs.rows) {
    key_uri[cs.cell(r, "system")] = cs.cell(r, "uri");
    a.uri.emplace(cs.cell(r, "uri"), cs.where(r, "uri"));
  }
  const auto& ct = c.raw["concepts.tsv"];
  for (const auto& r : ct.rows) a.code.emplace(std::make_pair(key_uri[ct.cell(r, "system")], ct.cell(r, "code")), ct.where(r, "code"));
  for (const char* f : {"profiles.tsv", "cda-templates.tsv"}) {
    const auto& t = c.raw[f];
    for (const auto& r : t.rows) a.constant.emplace(t.cell(r, "value"), t.where(r, "value"));
  }
  return a;
}

struct FhirCheck {
  TableCheck& c;
  const Attribution& at;
  const Synthetic& s;
  std::string label;
  std::string suffix() const { return " (synthetic record for " + s.what + ", " + label + ")"; }
  Location where(const std::map<std::string, Location>& m, const std::string& key) const {
    auto it = m.find(key);
    return it == m.end() ? s.origin : it->second;
  }
  void walk(const nlohmann::json& j, const std::string& path) {
    if (j.is_array()) {
      for (std::size_t i = 0; i < j.size(); ++i) walk(j[i], path + "[" + std::to_string(i) + "]");
      return;
    }
    if (!j.is_object()) return;
    if (auto it = j.find("coding"); it != j.end() && it->is_array()) {
      for (const auto& cd : *it) {
        std::string sys = cd.value("system", ""), code = cd.value("code", "");
        if (const char* why = fhir::check_string_primitive(fhir::Prim::uri, sys))
          c.error("NC-MAP-071", where(at.uri, sys), path + ".coding.system '" + sys + "': " + why + suffix());
        if (const char* why = fhir::check_string_primitive(fhir::Prim::code, code)) {
          auto k = at.code.find({sys, code});
          c.error("NC-MAP-071", k == at.code.end() ? s.origin : k->second, path + ".coding.code '" + code + "': " + why + suffix());
        }
      }
    }
    if (auto it = j.find("profile"); it != j.end() && it->is_array() && path.size() >= 5 && path.substr(path.size() - 5) == ".meta")
      for (const auto& p : *it) {
        auto v = p.is_string() ? p.get<std::string>() : std::string();
        if (const char* why = fhir::check_string_primitive(fhir::Prim::canonical, v))
          c.error("NC-MAP-071", where(at.constant, v), path + ".profile '" + v + "': " + why + suffix());
      }
    if (auto it = j.find("url"); it != j.end() && it->is_string())
      if (const char* why = fhir::check_string_primitive(fhir::Prim::uri, it->get<std::string>()))
        c.error("NC-MAP-071", where(at.constant, it->get<std::string>()), path + ".url: " + why + suffix());
    if (j.value("system", "") == "http://unitsofmeasure.org" && j.contains("code") && j["code"].is_string())
      if (auto why = ucum_problem(j["code"].get<std::string>()); !why.empty())
        c.error("NC-MAP-027", s.origin, path + ".code: UCUM unit '" + j["code"].get<std::string>() + "': " + why + suffix());
    for (auto it = j.begin(); it != j.end(); ++it) walk(it.value(), path + "." + it.key());
  }
};

using Fields = std::vector<std::pair<std::string, std::string>>;

// The synthetic records: one per table row that shapes output, built around representative codes
// (a converted morphology per tumor class, a site the grade schemas read).
class CaseBuilder {
 public:
  CaseBuilder(const MappingSet& m, const RawTables& raw) : m_(m), raw_(raw) {}

  // False when morphology-scope.tsv converts no class 'net' morphology (nothing to build around).
  bool pick_representatives() {
    const auto& sc = raw_["morphology-scope.tsv"];
    for (const auto& r : sc.rows) {
      if (sc.cell(r, "decision") != "convert") continue;
      auto b = sc.cell(r, "behavior") == "*" ? "3" : sc.cell(r, "behavior");
      const auto* s = m_.scope(sc.cell(r, "morphology"), b);
      if (!s || s->decision != "convert") continue;
      if (class_morph_.emplace(s->tumor_class, sc.cell(r, "morphology") + "/" + b).second) class_order_.push_back(s->tumor_class);
    }
    if (!class_morph_.count("net")) return false;
    const auto& st = raw_["sites.tsv"];
    for (const auto& r : st.rows)
      if (st.cell(r, "family") == "gep" && !(base_site_ = representative(st.cell(r, "topography"))).empty()) break;
    if (base_site_.empty()) base_site_ = "C80.9";
    base_ = {{"primary_site", base_site_}, {"histology", class_morph_["net"]}};
    return true;
  }

  std::vector<Synthetic> build() {
    sites_by_class();
    morphologies();
    contract_values();
    agents();
    grades();
    return std::move(cases_);
  }

 private:
  std::string representative(const std::string& topo) const {
    if (topo.size() != 3) return m_.valid_topography(topo) ? topo : "";
    const auto& tt = raw_["icdo3-topography.tsv"];
    for (const auto& r : tt.rows) {
      const auto& code = tt.cell(r, "code");
      if (code.rfind(topo, 0) == 0 && m_.site(code) && m_.site(code)->topography == topo) return code;
    }
    return "";
  }

  Fields with(Fields extra) const {
    auto f = base_;
    for (auto& e : extra) f.push_back(std::move(e));
    return f;
  }

  // site x tumor class
  void sites_by_class() {
    const auto& st = raw_["sites.tsv"];
    for (const auto& r : st.rows) {
      auto topo = representative(st.cell(r, "topography"));
      if (topo.empty()) continue;
      for (const auto& cls : class_order_) {
        Fields f = {{"primary_site", topo}, {"histology", class_morph_[cls]}};
        if (cls == "net") {
          f.push_back({"ki67_percent", "5"});
          f.push_back({"mitotic_count", "1"});
        }
        cases_.push_back({st.where(r, "topography"), "site " + topo + " x class " + cls, f});
        site_group_class_.emplace_back(topo, st.cell(r, "site_group"), cls);
      }
    }
  }

  // every converted morphology at an unknown primary
  void morphologies() {
    const auto& sc = raw_["morphology-scope.tsv"];
    std::string unknown_site = m_.valid_topography("C80.9") ? "C80.9" : base_site_;
    for (const auto& r : sc.rows) {
      if (sc.cell(r, "decision") != "convert") continue;
      auto b = sc.cell(r, "behavior") == "*" ? "3" : sc.cell(r, "behavior");
      cases_.push_back({sc.where(r, "morphology"), "morphology " + sc.cell(r, "morphology") + "/" + b,
                        {{"primary_site", unknown_site}, {"histology", sc.cell(r, "morphology") + "/" + b}}});
    }
  }

  void contract_values() {
    const auto& vt = raw_["values.tsv"];
    for (const auto& r : vt.rows) {
      const auto& field = vt.cell(r, "field");
      const auto& value = vt.cell(r, "value");
      if (field != "treatment_kind") {
        cases_.push_back({vt.where(r, "value"), field + "=" + value, with({{field, value}})});
        continue;
      }
      const auto& agt = raw_["agents.tsv"];
      for (const auto& ar : agt.rows) {
        auto kinds = split(agt.cell(ar, "kinds"), '|');
        if (std::find(kinds.begin(), kinds.end(), to_lower(value)) == kinds.end()) continue;
        cases_.push_back({vt.where(r, "value"), "treatment kind " + value, with({{"treatments", value + ":" + agt.cell(ar, "agent")}})});
        break;
      }
    }
  }

  // agents x kinds
  void agents() {
    const auto& ag = raw_["agents.tsv"];
    for (const auto& r : ag.rows)
      for (const auto& k : split(ag.cell(r, "kinds"), '|'))
        cases_.push_back({ag.where(r, "agent"), "agent " + ag.cell(r, "agent") + " as " + k,
                          with({{"treatments", k + ":" + ag.cell(r, "agent") + "@2020-04-01/2020-06-30"}})});
  }

  // grade codes, at a site and class whose schema reads them
  void grades() {
    const auto& gc = raw_["grade-codes.tsv"];
    for (const auto& r : gc.rows) {
      const auto& schema = gc.cell(r, "schema");
      const auto& code = gc.cell(r, "code");
      Fields f;
      if (schema == "who") f = with({{"grade", code}});
      else
        for (const auto& [topo, group, cls] : site_group_class_)
          if (m_.grade_schema(group, cls) == schema) {
            f = {{"primary_site", topo}, {"histology", class_morph_[cls]}, {"grade", code}};
            break;
          }
      if (f.empty()) continue;  // a schema no site uses: nothing to convert
      cases_.push_back({gc.where(r, "code"), "grade " + schema + "/" + code, f});
    }
  }

  const MappingSet& m_;
  const RawTables& raw_;
  std::map<std::string, std::string> class_morph_;  // tumor class -> nnnn/b
  std::vector<std::string> class_order_;
  std::string base_site_;
  Fields base_;
  std::vector<std::tuple<std::string, std::string, std::string>> site_group_class_;  // topography, group, class
  std::vector<Synthetic> cases_;
};

// The FHIR writer (it must start) and the C-CDA writer (when its configuration is available).
bool start_writers(TableCheck& c, CheckReport& rep, std::vector<std::unique_ptr<OutputWriter>>& writers) {
  WriterOptions wo;
  try {
    writers = make_writers({"fhir"}, wo, c.m);
  } catch (const std::exception& e) {
    c.error("NC-MAP-071", c.file_loc("profiles.tsv"), std::string("the FHIR writer cannot start: ") + e.what());
    return false;
  }
  try {
    auto cda = make_writers({"cda"}, wo, c.m);
    for (auto& w : cda) writers.push_back(std::move(w));
  } catch (const ConfigError& e) {
    std::string why = e.what();
    if (why.find("not available") != std::string::npos) rep.round_trip_note = "C-CDA not rendered: " + why;
    else c.error("NC-MAP-050", c.file_loc("cda-templates.tsv"), "the C-CDA writer cannot start: " + why);
  }
  return true;
}

// Renders one converted synthetic record with every writer and checks what comes out.
class RoundTripCheck {
 public:
  RoundTripCheck(TableCheck& c, CheckReport& rep, const std::vector<std::unique_ptr<OutputWriter>>& writers)
      : c_(c), rep_(rep), writers_(writers), at_(attribution(c)),
        validator_(c.opt.validator) {}

  void check(const Synthetic& s, const model::PatientCases& pc) {
    for (const auto& w : writers_) {
      RenderedPatient out;
      try {
        w->render(pc, out);
      } catch (const std::exception& e) {
        c_.error("NC-MAP-071", s.origin, "the " + w->name() + " writer failed on the synthetic record for " + s.what + ": " + e.what());
        continue;
      }
      for (const auto& chunk : out.chunks) {
        if (w->name() == "fhir") fhir_chunk(s, chunk);
        else cda_chunk(s, chunk);
      }
    }
  }

 private:
  void fhir_chunk(const Synthetic& s, const OutputChunk& chunk) {
    for (const auto& line : split(chunk.bytes, '\n')) {
      if (line.empty()) continue;
      ++rep_.resources;
      nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.is_object()) {
        c_.error("NC-MAP-071", s.origin, "FHIR output is not a JSON object (synthetic record for " + s.what + ")");
        continue;
      }
      std::string label = j.value("resourceType", "?") + "/" + j.value("id", "?");
      FhirCheck{c_, at_, s, label}.walk(j, j.value("resourceType", "Resource"));
      if (!validator_) continue;
      std::vector<std::string> problems;
      validator_("fhir", label, line, problems);
      for (const auto& p : problems) c_.error("NC-MAP-071", s.origin, label + ": " + p + " (synthetic record for " + s.what + ")");
    }
  }

  void cda_chunk(const Synthetic& s, const OutputChunk& chunk) {
    ++rep_.cda_files;
    xmlDocPtr doc = xmlReadMemory(chunk.bytes.data(), static_cast<int>(chunk.bytes.size()), "cda.xml", nullptr,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) c_.error("NC-MAP-071", s.origin, "C-CDA output " + chunk.path + " is not well-formed XML (synthetic record for " + s.what + ")");
    else xmlFreeDoc(doc);
    if (!validator_) return;
    std::vector<std::string> problems;
    validator_("cda", chunk.path, chunk.bytes, problems);
    for (const auto& p : problems) c_.error("NC-MAP-071", s.origin, chunk.path + ": " + p + " (synthetic record for " + s.what + ")");
  }

  TableCheck& c_;
  CheckReport& rep_;
  const std::vector<std::unique_ptr<OutputWriter>>& writers_;
  Attribution at_;
  const RoundTripValidator& validator_;
};

}  // namespace

void round_trip(TableCheck& c, CheckReport& rep) {
  CaseBuilder builder(c.m, c.raw);
  if (!builder.pick_representatives()) {
    rep.round_trip_note = "round trip not run: morphology-scope.tsv converts no class 'net' morphology";
    return;
  }
  const auto cases = builder.build();
  Mapper mapper(c.m, MapperOptions{c.m.constant_or("fhir.system.patient_id_default", "urn:netconv:patient-id")});
  std::vector<std::unique_ptr<OutputWriter>> writers;
  if (!start_writers(c, rep, writers)) return;
  RoundTripCheck check(c, rep, writers);
  std::size_t n = 0;
  for (const auto& s : cases) {
    auto rec = make_record(++n, s);
    ++rep.records;
    auto o = mapper.map(rec);
    if (o.kind != RecordOutcome::Kind::converted) {
      std::string why = o.kind == RecordOutcome::Kind::skipped ? "skipped (" + o.skip_reason + ")" : "rejected:";
      for (const auto& d : o.reasons) why += " " + d.code + " " + d.message + ";";
      c.error("NC-MAP-070", s.origin, "synthetic record for " + s.what + " is " + why);
      continue;
    }
    ++rep.converted;
    check.check(s, model::PatientCases{o.net_case.patient, {o.net_case}});
  }
  rep.round_trip_ran = true;
}

}  // namespace netconv::check_detail
