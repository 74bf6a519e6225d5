// The sections netconv writes, each built from one patient's cases: a narrative table and the
// coded entries that point into it. Used both inside the CCD and as standalone section files.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "model/net_case.hpp"
#include "writers/cda_datatypes.hpp"

namespace netconv::cda {

struct SectionBody {
  const SectionDef* def = nullptr;
  std::vector<std::string> headers;
  std::vector<Row> rows;
  bool has_entries = false;
  std::function<void(XmlOut&)> entries;  // writes the <entry> elements
  std::string empty_text;                // narrative of a section sent with nullFlavor="NI"
};

// Bodies in document order. They hold references to `pc` and `c`: use them while both live.
std::vector<SectionBody> section_bodies(const Context& c, const model::PatientCases& pc);

// Writes <section>. standalone: the section is the root element (declares the namespaces) and
// is written only when it has entries. In a document, an empty required section is sent with
// nullFlavor="NI" and says so in its narrative; an empty optional section is left out.
// Returns whether anything was written.
bool write_section(XmlOut& x, const SectionBody& body, bool standalone);
bool will_write(const SectionBody& body, bool standalone);

}  // namespace netconv::cda
