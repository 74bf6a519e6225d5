// Ki-67 and mitotic count, the WHO grade (given through the site's grade schema, or derived from
// the measurements or the tumor class) and differentiation.
#include <cctype>

#include "mapping/concepts/record_context.hpp"
#include "mapping/grade_facts.hpp"
#include "mapping/transforms.hpp"

namespace netconv::concepts {
namespace {

struct Measurements {
  std::optional<model::Decimal> ki67, mitoses;
};

struct GivenGrade {
  std::string grade, differentiation, method;
};

Measurements parse_measurements(RecordContext& cx) {
  Measurements m;
  if (const auto& v = cx.value("ki67_percent"); !v.empty()) {
    m.ki67 = parse_decimal(v);
    if (!m.ki67 || m.ki67->value < 0 || m.ki67->value > 100) {
      cx.reject("ki67_percent", "NC-VAL-002", "ki67_percent must be a decimal from 0 to 100");
      m.ki67.reset();
    }
  }
  if (const auto& v = cx.value("mitotic_count"); !v.empty()) {
    m.mitoses = parse_decimal(v);
    if (!m.mitoses || m.mitoses->value < 0) {
      cx.reject("mitotic_count", "NC-VAL-003", "mitotic_count must be a decimal of 0 or more");
      m.mitoses.reset();
    }
  }
  return m;
}

// A given code is read through the site's grade schema ("G..." is always WHO).
GivenGrade read_given_grade(RecordContext& cx) {
  GivenGrade given;
  const auto& g = cx.value("grade");
  if (g.empty()) return given;
  const auto& tu = cx.out.net_case.tumor;
  std::string schema = (g[0] == 'G' || g[0] == 'g') ? "who" : cx.t.grade_schema(tu.site_group, tu.tumor_class);
  std::string code = schema == "who" ? "G" + g.substr(1) : g;
  if (schema == "who")
    for (auto& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const auto* row = cx.t.grade_code(schema, code);
  if (!row) cx.reject("grade", "NC-GRADE-002", "grade code is not valid in grade schema '" + schema + "'");
  else given = {row->grade, row->differentiation, row->method};
  return given;
}

// The grade kept: a given grade wins (a contradiction is a warning); else the derived one.
void decide_grade(RecordContext& cx, const Measurements& m, const GivenGrade& given) {
  auto& tu = cx.out.net_case.tumor;
  bool gep_net = tu.site_family == "gep" && tu.tumor_class == "net";
  bool carcinoma = tu.tumor_class.rfind("nec", 0) == 0;
  std::string derived;
  if (gep_net)
    derived = derive_who_grade(m.ki67 ? std::optional(m.ki67->value) : std::nullopt, m.mitoses ? std::optional(m.mitoses->value) : std::nullopt);
  if (carcinoma) derived = "G3";
  if (!given.grade.empty() && given.grade != "GX") {
    tu.grade = given.grade;
    tu.grade_source = "given";
    if (!derived.empty() && derived != given.grade) {
      cx.warn(cx.rec.get("grade"), "grade", "NC-GRADE-001",
              carcinoma ? "grade contradicts neuroendocrine carcinoma (high grade by definition); kept as given"
                        : "grade contradicts Ki-67 / mitotic count (derived " + derived + "); kept as given");
      tu.grade_conflict = grade_conflict_note(given.grade, derived, carcinoma ? "the histology (neuroendocrine carcinoma, high grade by definition)"
                                                                              : "Ki-67 / mitotic count");
    }
  } else if (!derived.empty()) {
    tu.grade = derived;
    tu.grade_source = carcinoma ? "definition" : "derived";
  } else if (given.grade == "GX") {
    tu.grade = "GX";
    tu.grade_source = "given";
  }
  set_grade_value(tu, cx.out.net_case.patient.id_system, cx.t, tu.grade_source == "given" ? given.method : derived_grade_method(cx.t, tu.grade));
}

void add_measurement_observations(RecordContext& cx, const Measurements& m) {
  auto& tu = cx.out.net_case.tumor;
  if (m.ki67) {
    auto f = cx.tumor_fact({"ki67"});
    model::Observation o{"ki67", cx.t.lookup("observation.ki67"), model::Quantity{*m.ki67, "", "%", "%"}, std::nullopt, std::move(f.id),
                         std::move(f.key)};
    tu.observations.push_back(std::move(o));
  }
  if (m.mitoses) {
    auto f = cx.tumor_fact({"mitotic_count"});
    model::Observation o{"mitotic_count", cx.t.lookup("observation.mitotic_count"),
                         model::Quantity{*m.mitoses, "", "/(2.mm2)", "mitoses per 2 mm2"}, std::nullopt, std::move(f.id), std::move(f.key)};
    tu.observations.push_back(std::move(o));
  }
}

// Differentiation as given, else as the given grade code implies it.
void add_differentiation(RecordContext& cx, const GivenGrade& given) {
  auto& tu = cx.out.net_case.tumor;
  std::string diff_key;
  if (const auto& d = cx.value("differentiation"); !d.empty()) {
    const auto* key = cx.t.value_concept("differentiation", d);
    if (!key) cx.reject("differentiation", "NC-VAL-001", "differentiation is not one of the contract's values");
    else diff_key = *key;
  }
  if (diff_key.empty() && !given.differentiation.empty() && given.differentiation != "unknown")
    diff_key = "differentiation." + given.differentiation;
  if (diff_key.empty()) return;
  auto f = cx.tumor_fact({"differentiation"});
  model::Observation o{"differentiation", cx.t.lookup("observation.differentiation"), std::nullopt, cx.t.lookup(diff_key), std::move(f.id),
                       std::move(f.key)};
  tu.observations.push_back(std::move(o));
}

}  // namespace

void map_grade(RecordContext& cx) {
  auto m = parse_measurements(cx);
  auto given = read_given_grade(cx);
  decide_grade(cx, m, given);
  add_measurement_observations(cx, m);
  add_differentiation(cx, given);
}

}  // namespace netconv::concepts
