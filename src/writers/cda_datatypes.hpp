// HL7 V3 data types as netconv writes them (II, CD, TS, IVL_TS) and the narrative table.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "model/values.hpp"
#include "writers/cda_context.hpp"
#include "writers/cda_xml.hpp"

namespace netconv::cda {

void template_id(XmlOut& x, const TemplateId& t);
void instance_id(XmlOut& x, const Context& c, const std::string& extension);
void fixed_code(XmlOut& x, const char* element, const FixedCode& code);
// TS keeping the source precision; an absent date becomes nullFlavor.
void ts(XmlOut& x, const char* element, const std::optional<model::PartialDate>& d, const char* null_flavor = "UNK");

struct CdOptions {
  bool xsi_cd = false;        // value elements need xsi:type="CD"
  std::string ref;            // narrative reference ("#id") put into originalText
  std::string preferred_oid;  // the coding of this system becomes @code, the others translations
  bool require_preferred = false;  // no coding of preferred_oid: nullFlavor="OTH", all codings as translations
  // a qualifier (name = value) after originalText, e.g. the laterality of a targetSiteCode
  const FixedCode* qualifier_name = nullptr;
  const model::Concept* qualifier_value = nullptr;
};
// A concept as CD. Codings without an OID cannot be said in CDA and are left out; a concept with
// no coding left is sent as nullFlavor="OTH" + originalText + the registry key as translation in
// netconv's local code system: never a guessed code.
void concept_cd(XmlOut& x, const Context& c, const char* element, const model::Concept& cc, const CdOptions& o);
bool has_cda_code(const model::Concept& cc);
// "SNOMED CT 709517003; ICD-10-CM C7A.012" or "no verified code" for the narrative.
std::string codes_text(const Context& c, const model::Concept& cc);
std::string date_text(const std::optional<model::PartialDate>& d);

struct Cell {
  std::string text;
  std::string id;  // ID of a <content> wrapping the text, referenced by originalText
};
struct Row {
  std::string id;
  std::vector<Cell> cells;
};
void narrative_table(XmlOut& x, const std::vector<std::string>& headers, const std::vector<Row>& rows);

}  // namespace netconv::cda
