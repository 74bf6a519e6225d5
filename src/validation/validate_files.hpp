// `netconv validate`: checks FHIR JSON (.json resource or Bundle, .ndjson) and CDA XML files made
// by netconv or elsewhere. Library entry point; the CLI only fills ValidateFilesOptions.
#pragma once
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "formats/format.hpp"

namespace netconv {

struct ValidateFilesOptions {
  std::vector<std::string> inputs;  // files or directories (searched recursively, sorted)
  std::string profile;              // --profile URL: also check every FHIR resource against it
  std::string fhir_schema;          // --fhir-schema FILE (HL7 R4 fhir.schema.json)
  std::string cda_schema;           // --cda-schema FILE (HL7 CDA.xsd / CDA_SDTC.xsd), for the CDA validator
  std::string fhir_packages;        // --fhir-packages DIR (else $NETCONV_FHIR_PACKAGES, else the cache default)
  enum class Format { text, json, github } format = Format::text;
  bool quiet = false;  // text: print failures only (plus the summary)
  bool validation_cache = true;  // --no-validation-cache: every FHIR resource validated in full
  // the formats whose files are checked, by extension; null = builtin_formats()
  const FormatRegistry* formats = nullptr;
  // optional: already loaded checkers by output format name; the others are loaded on the first
  // file of their format
  std::map<std::string, const OutputChecker*> checkers;
};

// Inputs: files of the registered output formats, by extension (shipped: .json resource or
// Bundle, .ndjson / .jsonl one resource per line, .xml CDA), each checked by its format's checker; a
// folder is searched recursively, except that in a netconv output folder (report.json at its top)
// the top-level files (report.json, rejects.ndjson) are run metadata and are not validated.
// Returns 0 when everything passed, 1 when something failed, 2 for usage problems (no input,
// unsupported file type), 3 when an input does not exist or cannot be read (every other input is
// still validated and reported first). Throws ConfigError when the FHIR packages / schema cannot
// be loaded.
int validate_files(const ValidateFilesOptions& options, std::ostream& out);

// "text" | "json" | "github"; throws std::invalid_argument otherwise.
ValidateFilesOptions::Format parse_validate_format(const std::string& s);

}  // namespace netconv
