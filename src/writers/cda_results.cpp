// Results section: one Result Organizer per tumor holding grade, Ki-67, mitotic count,
// differentiation and tumor markers, and one for the patient's cause of death: the facts the
// FHIR Observations carry, with the same ids.
#include "core/ids.hpp"
#include "writers/cda_builders.hpp"

namespace netconv::cda {
namespace {

struct Result {
  const model::Concept* code;
  const model::Concept* value = nullptr;
  const model::Quantity* quantity = nullptr;
  std::string id;
  std::optional<model::PartialDate> time;
  std::string note;
  const model::Concept* method = nullptr;  // methodCode (the grading system of a WHO grade)
};

struct Group {
  std::string id;
  std::string label;  // organizer originalText and the narrative's "About" column
  std::vector<Result> results;
};

std::vector<Group> collect(const Context& c, const model::PatientCases& pc) {
  std::vector<Group> out;
  for (const auto& nc : pc.cases) {
    const auto& tu = nc.tumor;
    Group g{hash_id({"cda:ResultOrganizer", tu.key}), tumor_label(tu), {}};
    // pathology facts are dated by the diagnosis, as in the FHIR output
    const auto& dx = tu.diagnosis_date;
    if (tu.grade_value) {
      std::string note = tu.grade_source == "derived"      ? "derived by netconv from Ki-67 / mitotic count"
                         : tu.grade_source == "definition" ? "high grade by definition (neuroendocrine carcinoma)"
                                                           : "";
      if (!tu.grade_conflict.empty()) note += (note.empty() ? "" : "; ") + tu.grade_conflict;
      g.results.push_back({&c.grade_code, &*tu.grade_value, nullptr, tu.grade_observation_id, dx, note,
                           tu.grade_method ? &*tu.grade_method : nullptr});
    }
    for (const auto& o : tu.observations)
      g.results.push_back({&o.code, o.value ? &*o.value : nullptr, o.quantity ? &*o.quantity : nullptr, o.resource_id, dx, ""});
    for (const auto& l : tu.labs) g.results.push_back({&l.code, nullptr, &l.quantity, l.resource_id, l.date, "tumor marker"});
    if (!g.results.empty()) out.push_back(std::move(g));
  }
  const auto& p = pc.patient;
  if (p.cause_of_death && !p.cause_of_death_id.empty())
    out.push_back({hash_id({"cda:ResultOrganizer", p.resource_id, "follow-up"}), "Follow-up",
                   {{&c.cause_of_death_code, &*p.cause_of_death, nullptr, p.cause_of_death_id, p.death_date, "underlying cause (WHO ICD-10)"}}});
  return out;
}

std::string quantity_text(const model::Quantity& q) {
  return (q.comparator.empty() ? "" : q.comparator + " ") + q.value.text + " " + (q.unit_display.empty() ? q.unit : q.unit_display);
}

void quantity_value(XmlOut& x, const model::Quantity& q) {
  x.start("value");
  if (q.comparator.empty()) {
    x.attr("xsi:type", "PQ").attr("value", q.value.text).attr("unit", q.unit);
  } else {
    bool upper = q.comparator[0] == '<';
    bool inclusive = q.comparator.size() == 2;
    x.attr("xsi:type", "IVL_PQ").start(upper ? "high" : "low").attr("value", q.value.text).attr("unit", q.unit)
        .attr("inclusive", inclusive ? "true" : "false").end();
  }
  x.end();
}

void result_entry(XmlOut& x, const Context& c, const Group& g, const std::vector<std::string>& rows) {
  x.start("entry").attr("typeCode", "DRIV").start("organizer").attr("classCode", "CLUSTER").attr("moodCode", "EVN");
  template_id(x, c.result_organizer);
  instance_id(x, c, g.id);
  // no code names "the pathology of this tumor"; the narrative does
  x.start("code").attr("nullFlavor", "NI").element("originalText", g.label).end();
  x.start("statusCode").attr("code", "completed").end();
  for (std::size_t i = 0; i < g.results.size(); ++i) {
    const auto& r = g.results[i];
    x.start("component").start("observation").attr("classCode", "OBS").attr("moodCode", "EVN");
    template_id(x, c.result_obs);
    instance_id(x, c, r.id);
    concept_cd(x, c, "code", *r.code, {false, "", c.result_code_oid, true});
    x.start("text").start("reference").attr("value", "#" + rows[i]).end().end();
    x.start("statusCode").attr("code", "completed").end();
    ts(x, "effectiveTime", r.time);
    if (r.quantity) quantity_value(x, *r.quantity);
    else if (r.value) concept_cd(x, c, "value", *r.value, {true, "#" + rows[i] + "-value", ""});
    else x.start("value").attr("xsi:type", "CD").attr("nullFlavor", "NI").end();
    if (r.method) concept_cd(x, c, "methodCode", *r.method, {false, "", ""});
    x.end().end();
  }
  x.end().end();
}

}  // namespace

SectionBody results_body(const Context& c, const model::PatientCases& pc) {
  SectionBody b;
  b.def = &c.results;
  b.headers = {"Test", "Result", "Date", "About", "Note", "Codes"};
  auto groups = collect(c, pc);
  std::vector<std::vector<std::string>> row_ids;
  int n = 0;
  for (const auto& g : groups) {
    row_ids.emplace_back();
    for (const auto& r : g.results) {
      std::string row = "result-" + std::to_string(++n);
      row_ids.back().push_back(row);
      std::string value = r.quantity ? quantity_text(*r.quantity) : r.value ? r.value->text : "no value";
      std::string codes = codes_text(c, *r.code) + (r.value ? " = " + codes_text(c, *r.value) : "");
      b.rows.push_back({row, {{r.code->text, ""}, {value, row + "-value"}, {date_text(r.time), ""}, {g.label, ""},
                              {r.note, ""}, {codes, ""}}});
    }
  }
  b.has_entries = !groups.empty();
  b.empty_text = "No information: the registry record holds no grade, Ki-67, mitotic count, differentiation or tumor marker.";
  b.entries = [&c, groups = std::move(groups), row_ids = std::move(row_ids)](XmlOut& x) {
    for (std::size_t i = 0; i < groups.size(); ++i) result_entry(x, c, groups[i], row_ids[i]);
  };
  return b;
}

}  // namespace netconv::cda
