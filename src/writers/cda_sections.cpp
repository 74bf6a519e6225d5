#include "writers/cda_sections.hpp"

#include "core/ids.hpp"
#include "writers/cda_builders.hpp"

namespace netconv::cda {
namespace {

SectionBody empty_body(const SectionDef& def, std::string text) {
  SectionBody b;
  b.def = &def;
  b.empty_text = std::move(text);
  return b;
}

// The coding of a known sex assigned at birth: one from the Birth Sex Observation's value set
// (ONC Administrative Sex: F, M); nullptr for "unknown" (coded as a null flavor) or none.
const model::Coding* known_birth_sex(const Context& c, const model::Patient& p) {
  if (!p.birth_sex) return nullptr;
  for (const auto& cd : p.birth_sex->codings)
    if (cd.system_oid == c.birth_sex_oid) return &cd;
  return nullptr;
}

// C-CDA Birth Sex Observation (2.16.840.1.113883.10.20.22.4.200, 2016-06-01): the sex the
// patient was assigned at birth, observed at birth (effectiveTime = birth date, when known).
void birth_sex_entry(XmlOut& x, const Context& c, const model::Patient& p, const model::Coding& sex) {
  x.start("entry").attr("typeCode", "DRIV").start("observation").attr("classCode", "OBS").attr("moodCode", "EVN");
  template_id(x, c.birth_sex_obs);
  instance_id(x, c, hash_id({"cda:BirthSexObservation", p.resource_id}));
  fixed_code(x, "code", c.birth_sex_code);
  x.start("text").start("reference").attr("value", "#social-1").end().end();
  x.start("statusCode").attr("code", "completed").end();
  ts(x, "effectiveTime", p.birth_date);
  x.start("value").attr("xsi:type", "CD").attr("code", sex.code).attr("codeSystem", sex.system_oid)
      .attr_if("displayName", sex.display).end();
  x.end().end();
}

// Sex assigned at birth: the narrative row, and a Birth Sex Observation when the sex is known.
SectionBody social_history_body(const Context& c, const model::PatientCases& pc) {
  auto b = empty_body(c.social_history, "No information: registry records hold no social history.");
  const auto& bs = pc.patient.birth_sex;
  if (bs && bs->verified()) {
    b.headers = {"Social history", "Value", "Codes"};
    b.rows.push_back({"social-1", {{"Sex assigned at birth", ""}, {bs->text, ""}, {codes_text(c, *bs), ""}}});
  }
  if (const auto* sex = known_birth_sex(c, pc.patient); sex && !b.rows.empty()) {
    b.has_entries = true;
    b.entries = [&c, &p = pc.patient, sex](XmlOut& x) { birth_sex_entry(x, c, p, *sex); };
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
