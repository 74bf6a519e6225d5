// Problem section: one Problem Concern Act per condition (a reader that keeps only the first
// Problem Observation of a concern would otherwise lose the others).
#include "core/ids.hpp"
#include "writers/cda_builders.hpp"
#include "writers/cda_ids.hpp"

namespace netconv::cda {
namespace {

struct Problem {
  const model::Tumor* tumor;
  std::string kind;
  const model::Concept* value;
  std::optional<model::Concept> site;
  std::optional<model::PartialDate> onset;
  std::string id;
  bool primary = false;
};

const char* kind_label(const std::string& kind) {
  if (kind == "syndrome") return "Syndrome";
  if (kind == "carcinoid_syndrome") return "Carcinoid syndrome";
  if (kind == "symptom") return "Symptom";
  return "Condition";
}

model::Concept primary_site(const model::Tumor& tu) {
  model::Concept site = tu.body_site ? *tu.body_site : model::Concept{};
  for (const auto& cd : tu.topography_concept.codings) site.codings.push_back(cd);
  if (site.text.empty()) site.text = tu.topography_concept.text;
  if (site.key.empty()) site.key = tu.topography_concept.key;
  return site;
}

std::vector<Problem> collect(const model::PatientCases& pc) {
  std::vector<Problem> out;
  for (const auto& nc : pc.cases) {
    const auto& tu = nc.tumor;
    out.push_back({&tu, "Primary tumor", &tu.diagnosis, primary_site(tu), tu.diagnosis_date, tu.condition_id, true});
    for (const auto& m : tu.metastases) out.push_back({&tu, "Metastasis", &m.code, m.body_site, std::nullopt, m.resource_id});
    for (const auto& sc : tu.conditions) out.push_back({&tu, kind_label(sc.kind), &sc.code, std::nullopt, std::nullopt, sc.resource_id});
  }
  return out;
}

void morphology(XmlOut& x, const Context& c, const model::Tumor& tu) {
  x.start("entryRelationship").attr("typeCode", "SPRT").start("observation").attr("classCode", "OBS").attr("moodCode", "EVN");
  instance_id(x, c, hash_id({"cda:Observation", tu.key, "morphology"}));
  fixed_code(x, "code", c.histology_behavior);
  x.start("statusCode").attr("code", "completed").end();
  concept_cd(x, c, "value", tu.morphology_concept, {true, "", ""});
  x.end().end();
}

void problem_entry(XmlOut& x, const Context& c, const Problem& p, const std::string& row) {
  x.start("entry").attr("typeCode", "DRIV").start("act").attr("classCode", "ACT").attr("moodCode", "EVN");
  template_id(x, c.concern_act);
  instance_id(x, c, hash_id({"cda:ProblemConcernAct", p.id}));
  fixed_code(x, "code", c.concern);
  // a registry tracks the tumor as an open concern; the record says nothing about resolution
  x.start("statusCode").attr("code", "active").end();
  x.start("effectiveTime");
  ts(x, "low", std::nullopt);
  x.end();
  x.start("entryRelationship").attr("typeCode", "SUBJ").start("observation").attr("classCode", "OBS").attr("moodCode", "EVN");
  template_id(x, c.problem_obs);
  instance_id(x, c, p.id);
  if (p.primary)  // registry tumor identifiers (NAACCR record numbers), as FHIR Condition.identifier
    for (const auto& id : p.tumor->identifiers)
      x.start("id").attr("root", id_root_for_system(id.system, c.identifier_arc)).attr("extension", id.value)
          .attr_if("assigningAuthorityName", id.label).end();
  x.start("code").attr("code", c.problem_type.code).attr("codeSystem", c.problem_type.system)
      .attr("displayName", c.problem_type.display);
  fixed_code(x, "translation", c.problem_type_translation);
  x.end();
  x.start("text").start("reference").attr("value", "#" + row).end().end();
  x.start("statusCode").attr("code", "completed").end();
  x.start("effectiveTime");
  ts(x, "low", p.onset);
  x.end();
  concept_cd(x, c, "value", *p.value, {true, "#" + row + "-name", c.problem_value_oid});
  if (p.site) {
    CdOptions site{false, "", c.problem_value_oid};
    if (p.primary && p.tumor->laterality) {  // the side of a paired organ (NAACCR laterality)
      site.qualifier_name = &c.laterality_name;
      site.qualifier_value = &*p.tumor->laterality;
    }
    concept_cd(x, c, "targetSiteCode", *p.site, site);
  }
  if (p.primary) morphology(x, c, *p.tumor);
  x.end().end();  // observation, entryRelationship
  x.end().end();  // act, entry
}

}  // namespace

std::string tumor_label(const model::Tumor& tu) {
  std::string label = tu.diagnosis.text.empty() ? tu.morphology_concept.text : tu.diagnosis.text;
  return label + " (" + tu.topography + ", " + tu.morphology + ")";
}

SectionBody problems_body(const Context& c, const model::PatientCases& pc) {
  SectionBody b;
  b.def = &c.problems;
  b.headers = {"Problem", "Kind", "Body site", "Onset", "Details", "Codes"};
  auto items = collect(pc);
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& p = items[i];
    std::string row = "problem-" + std::to_string(i + 1);
    std::string details;
    if (p.primary) {
      details = "Histology (ICD-O-3): " + p.tumor->morphology;
      if (!p.tumor->morphology_concept.text.empty()) details += " " + p.tumor->morphology_concept.text;
      details += "; topography " + p.tumor->topography;
    } else {
      details = "Tumor: " + tumor_label(*p.tumor);
    }
    std::string site_text = p.site ? p.site->text : "";
    if (p.primary && p.tumor->laterality) site_text += "; laterality: " + p.tumor->laterality->text;
    b.rows.push_back({row, {{p.value->text, row + "-name"}, {p.kind, ""}, {site_text, ""},
                            {date_text(p.onset), ""}, {details, ""}, {codes_text(c, *p.value), ""}}});
  }
  b.has_entries = !items.empty();
  b.empty_text = "No information: the registry record holds no problems.";
  b.entries = [&c, items = std::move(items)](XmlOut& x) {
    for (std::size_t i = 0; i < items.size(); ++i) problem_entry(x, c, items[i], "problem-" + std::to_string(i + 1));
  };
  return b;
}

void indication(XmlOut& x, const Context& c, const model::Tumor& tu) { indication(x, c, tu.condition_id, tu.diagnosis); }

void indication(XmlOut& x, const Context& c, const std::string& id, const model::Concept& value) {
  x.start("entryRelationship").attr("typeCode", "RSON").start("observation").attr("classCode", "OBS").attr("moodCode", "EVN");
  template_id(x, c.indication);
  instance_id(x, c, id);
  fixed_code(x, "code", c.problem_type);
  x.start("statusCode").attr("code", "completed").end();
  concept_cd(x, c, "value", value, {true, "", c.problem_value_oid});
  x.end().end();
}

}  // namespace netconv::cda
