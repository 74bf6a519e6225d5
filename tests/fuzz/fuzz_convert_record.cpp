// libFuzzer target: the whole record path on a CSV row. The input is a CSV file (when it starts with
// "patient_id") or one or more CSV rows put under a header of every contract column; each row goes through the CSV reader, the mapper
// (src/mapping/mapper.cpp) and, when converted, both writers (FHIR JSON and C-CDA XML) for its
// patient. Invariants: no crash, no exception, no patient id in a diagnostic's text, every FHIR
// line is JSON, every CDA file is well-formed XML.
#include <libxml/parser.h>

#include <nlohmann/json.hpp>
#include <cctype>
#include <sstream>

#include "fuzz_common.hpp"
#include "mapping/mapper.hpp"
#include "mapping/mapping_set.hpp"
#include "readers/reader.hpp"
#include "writers/writer.hpp"

using namespace netconv;

namespace {

struct World {
  MappingSet tables;
  std::unique_ptr<Mapper> mapper;
  std::vector<std::unique_ptr<OutputWriter>> writers;
  std::string header;
  World() {
    std::vector<Diagnostic> problems;
    tables = MappingSet::load(fuzz::mappings_dir(), problems);
    for (const auto& p : problems)
      if (p.severity == Severity::error) fuzz::finding("the shipped mapping tables do not load");
    mapper = std::make_unique<Mapper>(tables, MapperOptions{tables.constant("fhir.system.patient_id_default")});
    writers = make_writers({"fhir", "cda"}, WriterOptions{}, tables);
    for (const auto& c : contract_columns()) header += (header.empty() ? "" : ",") + c;
    header += '\n';
  }
};

const World& world() {
  static World w;
  return w;
}

void check_output(const OutputChunk& c) {
  if (c.path.rfind("fhir/", 0) == 0) {
    std::istringstream lines(c.bytes);
    std::string line;
    while (std::getline(lines, line))
      if (!line.empty() && !nlohmann::json::accept(line)) fuzz::finding("FHIR output line is not JSON");
  } else if (c.path.rfind("cda/", 0) == 0) {
    xmlDocPtr doc = xmlReadMemory(c.bytes.data(), static_cast<int>(c.bytes.size()), "out.xml", "UTF-8",
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) fuzz::finding("CDA output is not well-formed XML");
    xmlFreeDoc(doc);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& w = world();
  std::string text = fuzz::as_string(data, size);
  std::istringstream in(text.rfind("patient_id", 0) == 0 ? text : w.header + text);
  CollectingSink sink;
  ReaderConfig cfg;
  cfg.display_name = "fuzz.csv";
  cfg.mappings_dir = fuzz::mappings_dir();
  auto reader = make_csv_reader(in, cfg, sink);
  SourceRecord rec;
  while (reader->next(rec)) {
    RecordOutcome o = w.mapper->map(rec);
    // diagnostics never carry the patient id in their text (only rejects.ndjson does)
    const auto* pid = rec.get("patient_id");
    // only ids that look like ids (8+ letters/digits/-/_, both letters and digits) so that a
    // patient id spelled like the message's own words ("NUL byte") is not a finding
    std::string id = pid ? pid->value : "";
    bool digit = false, alpha = false, plain = id.size() >= 8;
    for (unsigned char c : id) {
      digit = digit || std::isdigit(c);
      alpha = alpha || std::isalpha(c);
      plain = plain && (std::isalnum(c) || c == '-' || c == '_');
    }
    if (!(digit && alpha && plain)) id.clear();
    for (const auto* list : {&o.reasons, &o.warnings})
      for (const auto& d : *list) {
        fuzz::check_diagnostic(d);
        if (!id.empty() && d.message.find(id) != std::string::npos) fuzz::finding("patient id in a diagnostic message");
      }
    if (o.kind == RecordOutcome::Kind::rejected && o.reasons.empty()) fuzz::finding("rejected without a reason");
    if (o.kind != RecordOutcome::Kind::converted) continue;
    model::PatientCases group;
    group.patient = o.net_case.patient;
    group.cases.push_back(std::move(o.net_case));
    for (const auto& wr : w.writers) {
      RenderedPatient out;
      wr->render(group, out);
      for (const auto& c : out.chunks) check_output(c);
    }
  }
  return 0;
}
