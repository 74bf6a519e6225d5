#include "writers/cda_sections.hpp"

#include "writers/cda_builders.hpp"

namespace netconv::cda {
namespace {

SectionBody empty_body(const SectionDef& def, std::string text) {
  SectionBody b;
  b.def = &def;
  b.empty_text = std::move(text);
  return b;
}

// Sex assigned at birth goes to the narrative only: the C-CDA 2.1 Schematron used here has no
// Birth Sex Observation template to check a coded entry against.
SectionBody social_history_body(const Context& c, const model::PatientCases& pc) {
  auto b = empty_body(c.social_history, "No information: registry records hold no social history.");
  const auto& bs = pc.patient.birth_sex;
  if (bs && bs->verified()) {
    b.headers = {"Social history", "Value", "Codes"};
    b.rows.push_back({"social-1", {{"Sex assigned at birth", ""}, {bs->text, ""}, {codes_text(c, *bs), ""}}});
  }
  return b;
}

}  // namespace

std::vector<SectionBody> section_bodies(const Context& c, const model::PatientCases& pc) {
  std::vector<SectionBody> out;
  out.push_back(problems_body(c, pc));
  out.push_back(results_body(c, pc));
  out.push_back(medications_body(c, pc));
  out.push_back(procedures_body(c, pc));
  out.push_back(empty_body(c.allergies, "No information: registry records hold no allergies or intolerances."));
  out.push_back(social_history_body(c, pc));
  out.push_back(empty_body(c.vital_signs, "No information: registry records hold no vital signs."));
  return out;
}

bool will_write(const SectionBody& b, bool standalone) {
  if (standalone) return b.has_entries;
  return b.has_entries || !b.rows.empty() || b.def->required;
}

bool write_section(XmlOut& x, const SectionBody& b, bool standalone) {
  const auto& def = *b.def;
  bool has_text = b.has_entries || !b.rows.empty();
  if (!will_write(b, standalone)) return false;
  x.start("section");
  if (standalone) x.attr("xmlns", "urn:hl7-org:v3").attr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
  if (!has_text) x.attr("nullFlavor", "NI");
  template_id(x, def.templ);
  x.start("code").attr("code", def.code.code).attr("codeSystem", def.code.system).end();
  x.element("title", def.title);
  x.start("text");
  if (has_text) narrative_table(x, b.headers, b.rows);
  else x.element("paragraph", b.empty_text);
  x.end();
  if (b.has_entries) b.entries(x);
  x.end();
  return true;
}

}  // namespace netconv::cda
