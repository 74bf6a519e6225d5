// netconv export-terminology: the mapping tables as FHIR R4 terminology resources, for
// terminology servers and reviewers (docs/check-mappings.md "Terminology export"):
//   CodeSystem  netconv's local codes: registry keys (concepts without a verified code), the input
//               contract's enumerated values per field, treatment agent keys;
//   ConceptMap  source value -> target codes: contract values, agents, concept keys, ICD-O-3 site x
//               tumor class -> primary diagnosis, ICD-O-3 morphology -> SNOMED CT morphology;
//   ValueSet    the accepted input values per field, and the verified target codes per element.
// One pretty-printed JSON file per resource, <ResourceType>-<id>.json; same tables, same bytes.
#pragma once
#include <string>
#include <vector>

namespace netconv {

struct ExportOptions {
  std::string mappings_dir;
  std::string output_dir;
};

struct ExportResult {
  std::vector<std::string> files;  // written, relative to output_dir, sorted
};

// Throws ConfigError when the tables do not load, IoError when the output cannot be written.
ExportResult export_terminology(const ExportOptions& options);

}  // namespace netconv
