// check-mappings round trip: one synthetic SourceRecord per table row that shapes output (site x
// tumor class, converted morphology, contract value, agent x kind, grade code), mapped and
// rendered by the real Mapper and the writer of every registered output format. A record that
// does not convert, a unit that does not read, a coded value its format's type rules reject (a
// coding, a profile), a unit of measure that is not UCUM, and every problem the validator reports,
// is a finding located at the table row that caused it (the coding's or constant's own row when
// it can be told, else the row the record was built from). What a unit carries is the format's
// business (OutputFormat::coded_values); tracing it back to the tables is done here.
#include <algorithm>
#include <cstdio>
#include <map>

#include "commands/check_internal.hpp"
#include "core/text.hpp"
#include "formats/format.hpp"
#include "mapping/mapper.hpp"
#include "mapping/ucum.hpp"
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

Attribution attribution(const TableCheck& c, const FormatRegistry& formats) {
  Attribution a;
  const auto& cs = c.raw["code-systems.tsv"];
  std::map<std::string, std::string> key_uri;
  for (const auto& r : cs.rows) {
    key_uri[cs.cell(r, "system")] = cs.cell(r, "uri");
    a.uri.emplace(cs.cell(r, "uri"), cs.where(r, "uri"));
  }
  const auto& ct = c.raw["concepts.tsv"];
  for (const auto& r : ct.rows) a.code.emplace(std::make_pair(key_uri[ct.cell(r, "system")], ct.cell(r, "code")), ct.where(r, "code"));
  for (const auto& f : formats.outputs()) {  // the tables of the formats' constants
    if (f.constants_table.empty()) continue;
    const auto& t = c.raw[f.constants_table];
    for (const auto& r : t.rows) a.constant.emplace(t.cell(r, "value"), t.where(r, "value"));
  }
  return a;
}

// The findings about one unit's coded values, each located at the row the value came from.
struct CodedValueCheck {
  TableCheck& c;
  const Attribution& at;
  const Synthetic& s;
  std::string label;
  std::string suffix() const { return " (synthetic record for " + s.what + ", " + label + ")"; }
  Location where(const std::map<std::string, Location>& m, const std::string& key) const {
    auto it = m.find(key);
    return it == m.end() ? s.origin : it->second;
  }
  void operator()(const CodedValue& v) const {
    using K = CodedValue::Kind;
    if (v.kind == K::ucum_unit) {
      if (auto why = ucum_problem(v.value); !why.empty())
        c.error("NC-MAP-027", s.origin, v.path + ": UCUM unit '" + v.value + "': " + why + suffix());
      return;
    }
    if (v.invalid.empty()) return;
    if (v.kind == K::uri) {  // a constant's URI: its row shows it
      c.error("NC-MAP-071", where(at.constant, v.value), v.path + ": " + v.invalid + suffix());
      return;
    }
    Location loc = s.origin;
    if (v.kind == K::system) loc = where(at.uri, v.value);
    else if (v.kind == K::canonical) loc = where(at.constant, v.value);
    else if (auto k = at.code.find({v.system, v.value}); k != at.code.end()) loc = k->second;
    c.error("NC-MAP-071", loc, v.path + " '" + v.value + "': " + v.invalid + suffix());
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

// An output format's writer as the round trip uses it.
struct RoundTripWriter {
  const OutputFormat* format;
  std::unique_ptr<OutputWriter> writer;
  std::size_t* units;  // the report's count for the format
};

// The writer of every registered output format; one that cannot start is a finding at the table
// holding its constants, and the round trip goes on with the others. False when none starts.
bool start_writers(TableCheck& c, CheckReport& rep, const FormatRegistry& formats, std::vector<RoundTripWriter>& writers) {
  WriterOptions wo;
  for (const auto& f : formats.outputs()) {
    std::size_t* count = nullptr;
    for (auto& o : rep.outputs)
      if (o.name == f.name) count = &o.units;
    try {
      writers.push_back({&f, f.writer(wo, c.m), count});
    } catch (const std::exception& e) {
      c.error("NC-MAP-050", c.file_loc(f.constants_table), "the " + f.title + " writer cannot start: " + e.what());
    }
  }
  return !writers.empty();
}

// Renders one converted synthetic record with every writer and checks each unit that comes out.
class RoundTripCheck {
 public:
  RoundTripCheck(TableCheck& c, const FormatRegistry& formats, const std::vector<RoundTripWriter>& writers)
      : c_(c), writers_(writers), at_(attribution(c, formats)), validator_(c.opt.validator) {}

  void check(const Synthetic& s, const model::PatientCases& pc) {
    for (const auto& w : writers_) {
      RenderedPatient out;
      try {
        w.writer->render(pc, out);
      } catch (const std::exception& e) {
        c_.error("NC-MAP-071", s.origin, "the " + w.writer->name() + " writer failed on the synthetic record for " + s.what + ": " + e.what());
        continue;
      }
      for (const auto& chunk : out.chunks)
        for (const auto& unit : w.format->units(chunk)) check_unit(s, w, unit);
    }
  }

 private:
  void check_unit(const Synthetic& s, const RoundTripWriter& w, const OutputUnit& unit) {
    if (w.units) ++*w.units;
    UnitCodes codes;
    if (w.format->coded_values) w.format->coded_values(unit, codes);
    if (!codes.unreadable.empty()) {
      c_.error("NC-MAP-071", s.origin, w.format->title + " output " + (unit.label.empty() ? "" : unit.label + " ") + codes.unreadable +
                                           " (synthetic record for " + s.what + ")");
      return;
    }
    CodedValueCheck check{c_, at_, s, unit.label};
    for (const auto& v : codes.values) check(v);
    if (!validator_) return;
    std::vector<std::string> problems;
    validator_(w.format->name, unit.label, std::string(unit.bytes), problems);
    for (const auto& p : problems) c_.error("NC-MAP-071", s.origin, unit.label + ": " + p + " (synthetic record for " + s.what + ")");
  }

  TableCheck& c_;
  const std::vector<RoundTripWriter>& writers_;
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
  std::vector<RoundTripWriter> writers;
  const FormatRegistry& formats = c.opt.formats ? *c.opt.formats : builtin_formats();
  if (!start_writers(c, rep, formats, writers)) return;
  RoundTripCheck check(c, formats, writers);
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
