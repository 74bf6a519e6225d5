#include "writers/cda_document.hpp"

#include "core/sha256.hpp"
#include "core/ids.hpp"
#include "writers/cda_datatypes.hpp"
#include "writers/cda_ids.hpp"
#include "writers/cda_sections.hpp"

namespace netconv::cda {
namespace {

// Same length as a hashed id, so replacing it does not move anything else.
constexpr const char* kIdPlaceholder = "netconv-document-id-placeholder!";

void address(XmlOut& x, const Address& a) {
  x.start("addr");
  if (a.empty()) return void(x.attr("nullFlavor", "UNK").end());
  if (!a.street.empty()) x.element("streetAddressLine", a.street);
  if (!a.city.empty()) x.element("city", a.city);
  if (!a.state.empty()) x.element("state", a.state);
  if (!a.postal_code.empty()) x.element("postalCode", a.postal_code);
  if (!a.country.empty()) x.element("country", a.country);
  x.end();
}

void telecom(XmlOut& x, const std::string& value) {
  x.start("telecom");
  if (value.empty()) x.attr("nullFlavor", "UNK");
  else x.attr("use", "WP").attr("value", value);
  x.end();
}

void organization(XmlOut& x, const Organization& o) {
  x.start("id");
  if (o.id_root.empty()) x.attr("nullFlavor", "UNK");
  else x.attr("root", o.id_root).attr_if("extension", o.id_extension);
  x.end();
  x.element("name", o.name);
  telecom(x, o.telecom);
  address(x, o.addr);
}

void document_time(XmlOut& x, const Context& c, const char* element) {
  x.start(element);
  if (c.config.effective_time.empty()) x.attr("nullFlavor", "NI");  // a clock reading would break byte-identical output
  else x.attr("value", c.config.effective_time);
  x.end();
}

void record_target(XmlOut& x, const Context& c, const model::Patient& p) {
  x.start("recordTarget").start("patientRole");
  std::string root = c.config.patient_id_root.empty() ? id_root_for_system(p.id_system, c.identifier_arc) : c.config.patient_id_root;
  x.start("id").attr("root", root).attr("extension", p.id_value).attr("assigningAuthorityName", p.id_system).end();
  // registry records carry no address, telephone or name: unknown, not absent
  x.start("addr").attr("nullFlavor", "UNK").end();
  x.start("telecom").attr("nullFlavor", "UNK").end();
  x.start("patient");
  x.start("name").attr("nullFlavor", "UNK").end();
  model::Concept gender;
  if (p.gender) gender = c.cda_concept(*p.gender);
  if (has_cda_code(gender)) concept_cd(x, c, "administrativeGenderCode", gender, {false, "", ""});
  else x.start("administrativeGenderCode").attr("nullFlavor", "UNK").end();
  ts(x, "birthTime", p.birth_date);
  // vital status as FHIR Patient.deceased[x] says it; unknown says nothing
  if (p.vital_status == "dead" || p.vital_status == "alive")
    x.start("sdtc:deceasedInd").attr("value", p.vital_status == "dead" ? "true" : "false").end();
  if (p.vital_status == "dead" && p.death_date) ts(x, "sdtc:deceasedTime", p.death_date);
  x.start("raceCode").attr("nullFlavor", "UNK").end();
  x.start("ethnicGroupCode").attr("nullFlavor", "UNK").end();
  x.end().end().end();
}

void author(XmlOut& x, const Context& c) {
  const auto& org = c.config.custodian;
  x.start("author");
  document_time(x, c, "time");
  x.start("assignedAuthor");
  instance_id(x, c, "netconv");
  address(x, org.addr);
  telecom(x, org.telecom);
  x.start("assignedAuthoringDevice").element("manufacturerModelName", c.config.device_model)
      .element("softwareName", c.config.software_name).end();
  x.start("representedOrganization");
  organization(x, org);
  x.end().end().end();
}

void custodian(XmlOut& x, const Context& c) {
  x.start("custodian").start("assignedCustodian").start("representedCustodianOrganization");
  organization(x, c.config.custodian);
  x.end().end().end();
}

// The care the document summarizes: from the earliest to the latest date the records give.
void service_event(XmlOut& x, const model::PatientCases& pc) {
  std::optional<model::PartialDate> lo, hi;
  auto see = [&](const std::optional<model::PartialDate>& d) {
    if (!d) return;
    if (!lo || d->compare(*lo) < 0) lo = d;
    if (!hi || d->compare(*hi) > 0) hi = d;
  };
  for (const auto& nc : pc.cases) {
    see(nc.tumor.diagnosis_date);
    for (const auto& tr : nc.tumor.treatments) {
      see(tr.start);
      see(tr.end);
    }
    for (const auto& d : nc.tumor.diagnostics) see(d.date);
    for (const auto& l : nc.tumor.labs) see(l.date);
  }
  x.start("documentationOf").start("serviceEvent").attr("classCode", "PCPR").start("effectiveTime");
  ts(x, "low", lo);
  ts(x, "high", hi);
  x.end().end().end();
}

}  // namespace

std::string render_document(const Context& c, const model::PatientCases& pc) {
  std::string buffer;
  return render_document(c, pc, buffer);
}

std::string render_document(const Context& c, const model::PatientCases& pc, std::string& buffer) {
  XmlOut x(true, buffer);
  x.start("ClinicalDocument").attr("xmlns", "urn:hl7-org:v3").attr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
      .attr("xmlns:sdtc", "urn:hl7-org:sdtc");
  x.start("realmCode").attr("code", c.realm).end();
  x.start("typeId").attr("root", c.type_id.root).attr("extension", c.type_id.extension).end();
  template_id(x, c.us_realm_header);
  template_id(x, c.ccd);
  instance_id(x, c, kIdPlaceholder);
  fixed_code(x, "code", c.document_code);
  x.element("title", c.config.title);
  document_time(x, c, "effectiveTime");
  fixed_code(x, "confidentialityCode", c.confidentiality);
  x.start("languageCode").attr("code", c.language).end();
  record_target(x, c, pc.patient);
  author(x, c);
  custodian(x, c);
  service_event(x, pc);
  x.start("component").start("structuredBody");
  for (const auto& body : section_bodies(c, pc)) {
    if (!will_write(body, false)) continue;
    x.start("component");
    write_section(x, body, false);
    x.end();
  }
  auto doc = x.finish();
  // the id names this exact document: a changed record is a new document, the same record the same one
  std::string id = hash_id({"cda:ClinicalDocument", pc.patient.resource_id, sha256_hex(doc)});
  doc.replace(doc.find(kIdPlaceholder), id.size(), id);
  return doc;
}

std::vector<std::pair<std::string, std::string>> render_section_files(const Context& c, const model::PatientCases& pc) {
  std::string buffer;
  return render_section_files(c, pc, buffer);
}

std::vector<std::pair<std::string, std::string>> render_section_files(const Context& c, const model::PatientCases& pc,
                                                                      std::string& buffer) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& body : section_bodies(c, pc)) {
    XmlOut x(true, buffer);
    if (write_section(x, body, true)) out.emplace_back(body.def->name, x.finish());
  }
  return out;
}

}  // namespace netconv::cda
