// Medications (Medication Activity + Medication Information) and Procedures (Procedure Activity
// Procedure) from the registry's treatment items.
#include "writers/cda_builders.hpp"

namespace netconv::cda {
namespace {

struct Item {
  const model::Tumor* tumor;
  const model::Treatment* tr;
};

std::vector<Item> collect(const model::PatientCases& pc, bool procedures) {
  std::vector<Item> out;
  for (const auto& nc : pc.cases)
    for (const auto& tr : nc.tumor.treatments)
      if ((tr.resource == "Procedure") == procedures) out.push_back({&nc.tumor, &tr});
  return out;
}

std::string kind_text(const model::Treatment& tr) {
  if (tr.category && !tr.category->text.empty()) return tr.category->text;
  std::string k = tr.kind;
  for (auto& ch : k) if (ch == '_') ch = ' ';
  return k;
}

void medication_entry(XmlOut& x, const Context& c, const Item& it, const std::string& row) {
  const auto& tr = *it.tr;
  x.start("entry").attr("typeCode", "DRIV").start("substanceAdministration").attr("classCode", "SBADM").attr("moodCode", "EVN");
  template_id(x, c.medication_activity);
  instance_id(x, c, tr.resource_id);
  x.start("text").start("reference").attr("value", "#" + row).end().end();
  x.start("statusCode").attr("code", "completed").end();
  x.start("effectiveTime").attr("xsi:type", "IVL_TS");
  if (tr.start) {
    ts(x, "low", tr.start);
    ts(x, "high", tr.end);  // start without end: the end is unknown, not "ongoing"
  } else {
    x.attr("nullFlavor", "UNK");
  }
  x.end();
  x.start("doseQuantity").attr("nullFlavor", "UNK").end();  // registries do not record doses
  x.start("consumable").start("manufacturedProduct").attr("classCode", "MANU");
  template_id(x, c.medication_information);
  x.start("manufacturedMaterial");
  concept_cd(x, c, "code", tr.code, {false, "#" + row + "-name", ""});
  x.end().end().end();
  indication(x, c, *it.tumor);
  x.end().end();
}

void procedure_entry(XmlOut& x, const Context& c, const Item& it, const std::string& row) {
  const auto& tr = *it.tr;
  x.start("entry").attr("typeCode", "DRIV").start("procedure").attr("classCode", "PROC").attr("moodCode", "EVN");
  template_id(x, c.procedure);
  instance_id(x, c, tr.resource_id);
  concept_cd(x, c, "code", tr.code, {false, "#" + row + "-name", ""});
  x.start("text").start("reference").attr("value", "#" + row).end().end();
  x.start("statusCode").attr("code", "completed").end();
  if (tr.start && tr.end) {
    x.start("effectiveTime");
    ts(x, "low", tr.start);
    ts(x, "high", tr.end);
    x.end();
  } else {
    ts(x, "effectiveTime", tr.start);
  }
  indication(x, c, *it.tumor);
  x.end().end();
}

SectionBody treatments_body(const Context& c, const model::PatientCases& pc, bool procedures) {
  SectionBody b;
  b.def = procedures ? &c.procedures : &c.medications;
  const std::string prefix = procedures ? "procedure-" : "medication-";
  b.headers = {procedures ? "Procedure" : "Medication", "Kind", "Start", "End", "Reason", "Note", "Codes"};
  auto items = collect(pc, procedures);
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& tr = *items[i].tr;
    std::string row = prefix + std::to_string(i + 1);
    std::string note = tr.regimen.empty() ? "" : "Part of regimen " + tr.regimen;
    b.rows.push_back({row, {{tr.code.text, row + "-name"}, {kind_text(tr), ""}, {date_text(tr.start), ""},
                            {tr.end ? tr.end->fhir() : "", ""}, {tumor_label(*items[i].tumor), ""}, {note, ""},
                            {codes_text(c, tr.code), ""}}});
  }
  b.has_entries = !items.empty();
  b.empty_text = procedures ? "No information: the registry record holds no procedures."
                            : "No information: the registry record holds no medications.";
  b.entries = [&c, items, prefix, procedures](XmlOut& x) {
    for (std::size_t i = 0; i < items.size(); ++i) {
      std::string row = prefix + std::to_string(i + 1);
      if (procedures) procedure_entry(x, c, items[i], row);
      else medication_entry(x, c, items[i], row);
    }
  };
  return b;
}

}  // namespace

SectionBody medications_body(const Context& c, const model::PatientCases& pc) { return treatments_body(c, pc, false); }
SectionBody procedures_body(const Context& c, const model::PatientCases& pc) { return treatments_body(c, pc, true); }

}  // namespace netconv::cda
