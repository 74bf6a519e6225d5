// Medications (Medication Activity + Medication Information) from drug treatments, Procedures
// (Procedure Activity Procedure) from surgical / liver-directed treatments and diagnostic tests.
#include "writers/cda_builders.hpp"

namespace netconv::cda {
namespace {

struct Act {
  const model::Tumor* tumor;
  const model::Concept* code;
  std::string kind;
  std::optional<model::PartialDate> start, end;
  bool not_done = false;
  const model::Concept* not_done_reason = nullptr;
  std::string regimen;
  std::string id;
  bool course = false;        // its one date is a start (an open interval), not the day it was done
  bool status_known = true;   // false: FHIR status unknown (a course without end date)
  const std::vector<std::string>* reasons = nullptr;  // Conditions it is given for; none = the tumor
};

std::string kind_text(const model::Treatment& tr) {
  if (tr.category && !tr.category->text.empty()) return tr.category->text;
  std::string k = tr.kind;
  for (auto& ch : k) if (ch == '_') ch = ' ';
  return k;
}

Act from_treatment(const model::Tumor& tu, const model::Treatment& tr) {
  return {&tu, &tr.code, kind_text(tr), tr.start, tr.end, tr.status == "not-done",
          tr.status_reason ? &*tr.status_reason : nullptr, tr.regimen, tr.resource_id,
          tr.course, tr.status != "unknown", &tr.reason_ids};
}

// FHIR status completed -> completed. FHIR unknown (a course without end date) -> active: the
// CDA schema requires a code here and the C-CDA status value sets have no "unknown"; "active" is
// the act that started and has no known end, which effectiveTime says with high nullFlavor UNK.
void status_code(XmlOut& x, const Act& a) { x.start("statusCode").attr("code", a.status_known ? "completed" : "active").end(); }

// Indication per reason (indications.tsv), the tumor when there is none
void indications(XmlOut& x, const Context& c, const Act& a) {
  if (!a.reasons || a.reasons->empty()) return indication(x, c, *a.tumor);
  for (const auto& id : *a.reasons)
    for (const auto& sc : a.tumor->conditions)
      if (sc.resource_id == id) indication(x, c, sc.resource_id, sc.code);
}

std::vector<Act> collect(const Context& c, const model::PatientCases& pc, bool procedures) {
  std::vector<Act> out;
  for (const auto& nc : pc.cases) {
    const auto& tu = nc.tumor;
    for (const auto& tr : tu.treatments)
      if ((tr.resource == "Procedure") == procedures) out.push_back(from_treatment(tu, tr));
    if (procedures)
      for (const auto& d : tu.diagnostics)
        out.push_back({&tu, &d.code, c.diagnostic_category.text, d.date, std::nullopt, false, nullptr, "", d.resource_id});
  }
  return out;
}

void negation(XmlOut& x, const Act& a) {
  if (a.not_done) x.attr("negationInd", "true");  // FHIR status not-done
}

void medication_entry(XmlOut& x, const Context& c, const Act& a, const std::string& row) {
  x.start("entry").attr("typeCode", "DRIV").start("substanceAdministration").attr("classCode", "SBADM").attr("moodCode", "EVN");
  negation(x, a);
  template_id(x, c.medication_activity);
  instance_id(x, c, a.id);
  x.start("text").start("reference").attr("value", "#" + row).end().end();
  status_code(x, a);
  // as FHIR effective[x]: an event's date = value; a course = low (open when there is no end);
  // none = unknown
  x.start("effectiveTime").attr("xsi:type", "IVL_TS");
  if (a.start && !a.end && !a.course) {
    x.attr("value", a.start->hl7());
  } else if (a.start || a.end) {
    ts(x, "low", a.start);
    ts(x, "high", a.end);
  } else {
    x.attr("nullFlavor", "UNK");
  }
  x.end();
  x.start("doseQuantity").attr("nullFlavor", "UNK").end();  // registries do not record doses
  x.start("consumable").start("manufacturedProduct").attr("classCode", "MANU");
  template_id(x, c.medication_information);
  x.start("manufacturedMaterial");
  concept_cd(x, c, "code", *a.code, {false, "#" + row + "-name", ""});
  x.end().end().end();
  indications(x, c, a);
  x.end().end();
}

void procedure_entry(XmlOut& x, const Context& c, const Act& a, const std::string& row) {
  x.start("entry").attr("typeCode", "DRIV").start("procedure").attr("classCode", "PROC").attr("moodCode", "EVN");
  negation(x, a);
  template_id(x, c.procedure);
  instance_id(x, c, a.id);
  concept_cd(x, c, "code", *a.code, {false, "#" + row + "-name", ""});
  x.start("text").start("reference").attr("value", "#" + row).end().end();
  status_code(x, a);
  if (a.not_done) {
    // no time for something not done (FHIR leaves performed[x] out too)
  } else if (a.start && !a.end && !a.course) {
    ts(x, "effectiveTime", a.start);
  } else if (a.start || a.end) {
    x.start("effectiveTime");
    ts(x, "low", a.start);
    ts(x, "high", a.end);
    x.end();
  } else {
    ts(x, "effectiveTime", std::nullopt);
  }
  indications(x, c, a);
  x.end().end();
}

std::string note_text(const Act& a) {
  std::string note;
  if (a.not_done) note = "Not done" + (a.not_done_reason ? ": " + a.not_done_reason->text : std::string());
  if (!a.regimen.empty()) note += (note.empty() ? "" : "; ") + std::string("Part of regimen ") + a.regimen;
  return note;
}

SectionBody acts_body(const Context& c, const model::PatientCases& pc, bool procedures) {
  SectionBody b;
  b.def = procedures ? &c.procedures : &c.medications;
  const std::string prefix = procedures ? "procedure-" : "medication-";
  b.headers = {procedures ? "Procedure" : "Medication", "Kind", "Start", "End", "Reason", "Note", "Codes"};
  auto acts = collect(c, pc, procedures);
  for (std::size_t i = 0; i < acts.size(); ++i) {
    const auto& a = acts[i];
    std::string row = prefix + std::to_string(i + 1);
    b.rows.push_back({row, {{a.code->text, row + "-name"}, {a.kind, ""}, {a.not_done ? "" : date_text(a.start), ""},
                            {a.end ? a.end->fhir() : "", ""}, {tumor_label(*a.tumor), ""}, {note_text(a), ""},
                            {codes_text(c, *a.code), ""}}});
  }
  b.has_entries = !acts.empty();
  b.empty_text = procedures ? "No information: the registry record holds no procedures."
                            : "No information: the registry record holds no medications.";
  b.entries = [&c, acts = std::move(acts), prefix, procedures](XmlOut& x) {
    for (std::size_t i = 0; i < acts.size(); ++i) {
      std::string row = prefix + std::to_string(i + 1);
      if (procedures) procedure_entry(x, c, acts[i], row);
      else medication_entry(x, c, acts[i], row);
    }
  };
  return b;
}

}  // namespace

SectionBody medications_body(const Context& c, const model::PatientCases& pc) { return acts_body(c, pc, false); }
SectionBody procedures_body(const Context& c, const model::PatientCases& pc) { return acts_body(c, pc, true); }

}  // namespace netconv::cda
