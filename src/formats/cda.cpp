// C-CDA 2.1 XML as an output format: the writer (writers/cda_*), the schema validator
// (validation/cda_validator) as its checker, and how `validate` and explain read its files.
#include <libxml/parser.h>

#include <map>
#include <ostream>
#include <regex>

#include "formats/format.hpp"
#include "validation/cda_validator.hpp"

namespace netconv {

std::unique_ptr<OutputWriter> make_cda_writer(const WriterOptions& o, const MappingSet& t);  // writers/cda_output.cpp

namespace {

bool is_xml(const std::string& path) { return path.size() > 4 && path.compare(path.size() - 4, 4, ".xml") == 0; }

class CdaChecker : public OutputChecker {
 public:
  explicit CdaChecker(const CheckerOptions& o) : validator_(cda_schema_path(o.cda_schema), o.validation_cache) {}

  // The CDA writer describes no targets: each whole document or section file is checked, and a
  // violation rejects every record of the patient (a document is the whole patient).
  void check(CheckSession& session, const RenderedPatient& out, FailedRecords& failed) const override {
    if (!out.targets.empty()) return;
    for (const auto& c : out.chunks)
      if (c.whole_file && is_xml(c.path))
        for (const auto& issue : validator_.check(session, c.bytes, {c.path, true, {}})) failed[""].push_back(issue.diagnostic());
  }

  void check_file(CheckSession& session, const std::string& path, std::string_view text,
                  const std::function<void(CheckedUnit)>& emit) const override {
    CheckedUnit u{path, 0, "CDA", {}};
    for (auto& i : validator_.check(session, text, {path, false, ""})) {
      const auto severity = i.severity == CheckSeverity::warning ? Severity::warning : Severity::error;
      u.issues.push_back({severity, std::move(i.code), {path, i.location.line, 0, std::move(i.location.field)}, std::move(i.message), ""});
    }
    emit(std::move(u));
  }

 private:
  CdaValidator validator_;
};

void describe_document(const OutputChunk& chunk, const OutputUnit&, std::ostream& out) {
  static const std::regex tid("templateId root=\"([0-9.]+)\"( extension=\"([^\"]+)\")?");
  std::map<std::string, int> counts;
  for (auto it = std::sregex_iterator(chunk.bytes.begin(), chunk.bytes.end(), tid); it != std::sregex_iterator(); ++it)
    ++counts[(*it)[1].str() + ((*it)[3].matched ? "^" + (*it)[3].str() : "")];
  out << "  C-CDA " << chunk.path << ": " << chunk.bytes.size() << " bytes\n";
  for (const auto& [t, c] : counts) out << "    templateId " << t << " x" << c << "\n";
}

// check-mappings: a document must be well-formed XML; the codes in it come from the same table
// rows as the FHIR codings, which are looked at there.
void coded_values(const OutputUnit& unit, UnitCodes& codes) {
  xmlDocPtr doc = xmlReadMemory(unit.bytes.data(), static_cast<int>(unit.bytes.size()), "cda.xml", nullptr,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!doc) codes.unreadable = "is not well-formed XML";
  else xmlFreeDoc(doc);
}

}  // namespace

void register_cda_format(FormatRegistry& r) {
  OutputFormat f;
  f.name = "cda";
  f.summary = "C-CDA 2.1 XML, a CCD per patient";
  f.directory = "cda";
  f.writer = make_cda_writer;
  f.checker = [](const CheckerOptions& o) -> std::unique_ptr<OutputChecker> { return std::make_unique<CdaChecker>(o); };
  f.file_extensions = {".xml"};
  f.units = [](const OutputChunk& c) { return std::vector<OutputUnit>{{c.bytes, c.path}}; };
  f.describe = describe_document;
  f.title = "C-CDA";
  f.unit_noun = "file";
  f.constants_table = "cda-templates.tsv";
  f.coded_values = coded_values;
  r.add(std::move(f));
}

}  // namespace netconv
