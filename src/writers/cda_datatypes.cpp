#include "writers/cda_datatypes.hpp"

namespace netconv::cda {

void template_id(XmlOut& x, const TemplateId& t) {
  x.start("templateId").attr("root", t.root).attr_if("extension", t.extension).end();
}

void instance_id(XmlOut& x, const Context& c, const std::string& extension) {
  x.start("id").attr("root", c.instance_root).attr("extension", extension).end();
}

void fixed_code(XmlOut& x, const char* element, const FixedCode& code) {
  x.start(element).attr("code", code.code).attr("codeSystem", code.system).attr_if("displayName", code.display).end();
}

void ts(XmlOut& x, const char* element, const std::optional<model::PartialDate>& d, const char* null_flavor) {
  x.start(element);
  if (d) x.attr("value", d->hl7());
  else x.attr("nullFlavor", null_flavor);
  x.end();
}

namespace {

std::vector<const model::Coding*> usable(const model::Concept& cc) {
  std::vector<const model::Coding*> out;
  for (const auto& cd : cc.codings)
    if (!cd.system_oid.empty() && !cd.code.empty()) out.push_back(&cd);
  return out;
}

void coding_attrs(XmlOut& x, const model::Coding& cd) {
  x.attr("code", cd.code).attr("codeSystem", cd.system_oid).attr_if("displayName", cd.display);
}

void original_text(XmlOut& x, const std::string& ref, const std::string& text) {
  x.start("originalText");
  if (!ref.empty()) x.start("reference").attr("value", ref).end();
  else x.text(text);
  x.end();
}

}  // namespace

bool has_cda_code(const model::Concept& cc) { return !usable(cc).empty(); }

void concept_cd(XmlOut& x, const Context& c, const char* element, const model::Concept& cc, const CdOptions& o) {
  auto codes = usable(cc);
  const model::Coding* primary = nullptr;
  for (const auto* cd : codes)
    if (!o.preferred_oid.empty() && cd->system_oid == o.preferred_oid) {
      primary = cd;
      break;
    }
  if (!primary && !o.require_preferred && !codes.empty()) primary = codes.front();
  x.start(element);
  if (o.xsi_cd) x.attr("xsi:type", "CD");
  if (primary) coding_attrs(x, *primary);
  else x.attr("nullFlavor", "OTH");
  if (!o.ref.empty() || !primary) {
    // codes of systems without an OID cannot be coded in CDA: keep them readable at least
    std::string text = cc.text;
    for (const auto& cd : cc.codings)
      if (cd.system_oid.empty() && !cd.code.empty()) text += " [" + c.system_name(cd) + " " + cd.code + "]";
    original_text(x, o.ref, text);
  }
  if (o.qualifier_name && o.qualifier_value && !usable(*o.qualifier_value).empty()) {
    const auto& v = *usable(*o.qualifier_value).front();
    x.start("qualifier");
    fixed_code(x, "name", *o.qualifier_name);
    x.start("value");
    coding_attrs(x, v);
    x.end().end();
  }
  for (const auto* cd : codes) {
    if (cd == primary) continue;
    x.start("translation");
    coding_attrs(x, *cd);
    x.end();
  }
  if (cc.codings.empty()) {  // unverified: the registry's key; codings without an OID stay in originalText
    std::string key = cc.local.code.empty() ? cc.key : cc.local.code;
    x.start("translation").attr("code", key).attr("codeSystem", c.local_system_oid).attr_if("displayName", cc.text).end();
  }
  x.end();
}

std::string codes_text(const Context& c, const model::Concept& cc) {
  if (cc.codings.empty()) return "no verified code (registry key " + (cc.local.code.empty() ? cc.key : cc.local.code) + ")";
  std::string out;
  for (const auto& cd : cc.codings) {
    if (!out.empty()) out += "; ";
    out += c.system_name(cd) + " " + cd.code;
  }
  return out;
}

std::string date_text(const std::optional<model::PartialDate>& d) { return d ? d->fhir() : "unknown"; }

void narrative_table(XmlOut& x, const std::vector<std::string>& headers, const std::vector<Row>& rows) {
  x.start("table").start("thead").start("tr");
  for (const auto& h : headers) x.element("th", h);
  x.end().end().start("tbody");
  for (const auto& r : rows) {
    x.start("tr").attr_if("ID", r.id);
    for (const auto& cell : r.cells) {
      x.start("td");
      if (!cell.id.empty()) x.start("content").attr("ID", cell.id).text(cell.text).end();
      else x.text(cell.text);
      x.end();
    }
    x.end();
  }
  x.end().end();
}

}  // namespace netconv::cda
