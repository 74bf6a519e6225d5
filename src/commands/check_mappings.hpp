// netconv check-mappings: lints a mapping-table directory (docs/check-mappings.md). Every finding
// carries a stable rule id (NC-MAP-nnn, catalogue in mapping_rules()) and a file:line[:column]
// location. The table loader's own checks (MappingSet::load) are part of it; this adds systems per
// element (mappings/slot-systems.tsv), provenance with a reviewed allow-list, coverage of the input
// contracts and the NET morphology range, and a round trip of synthetic records through the
// mapper and the writers.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "core/diagnostics.hpp"

namespace netconv {

struct MappingRule {
  const char* id;
  const char* group;     // structure, codes, systems, provenance, coverage, round-trip
  const char* severity;  // error, warning, note (before --strict)
  const char* summary;
};
// Every rule check-mappings can report, in id order.
const std::vector<MappingRule>& mapping_rules();

// Round-trip output validation: called for every rendered output (format "fhir": one resource
// as JSON; "cda": one XML document or entry file). Problems appended are reported as NC-MAP-071.
using RoundTripValidator = std::function<void(const std::string& format, const std::string& label, const std::string& bytes,
                                              std::vector<std::string>& problems)>;

// netconv's own FHIR validator (from the packages in `fhir_packages`, resolved like convert's
// --fhir-packages) and C-CDA validator (`cda_schema`, resolved like --cda-schema), as one
// RoundTripValidator. A validator that cannot be loaded (FHIR packages not installed) is left
// out and `note` says so and how to install it; empty when both loaded. The result owns the
// validators and may be reused for several check_mappings() calls.
RoundTripValidator load_round_trip_validator(const std::string& fhir_packages, const std::string& cda_schema, std::string& note);

struct CheckOptions {
  std::string mappings_dir;
  bool strict = false;        // warnings become errors
  std::string allow_file;     // "" = <mappings_dir>/unverified-allowlist.tsv when it exists
  bool round_trip = true;
  // Validates the round trip's output. Empty: check_mappings() loads netconv's own validators
  // (load_round_trip_validator with the two paths below) and notes in the report what it skipped.
  RoundTripValidator validator;
  std::string fhir_packages;  // "" = $NETCONV_FHIR_PACKAGES, then ~/.cache/netconv/fhir-packages
  std::string cda_schema;     // "" = $NETCONV_CDA_SCHEMA, then netconv's schema
};

struct CheckReport {
  std::string mappings_dir;
  bool strict = false;
  std::vector<Diagnostic> findings;  // sorted by file, line, column, rule
  std::size_t errors = 0, warnings = 0, notes = 0;
  bool round_trip_ran = false;
  std::size_t records = 0, converted = 0, resources = 0, cda_files = 0;
  std::string round_trip_note;  // why it did not run, or what was not covered
  int exit_code = 0;            // 0 clean or warnings only, 1 errors (or warnings under --strict)
};

// Runs every check. Throws IoError when the directory (or an explicit allow-list) cannot be read.
CheckReport check_mappings(const CheckOptions& options);

// format: text | github | junit | json. Throws ConfigError for another format.
std::string render_check_report(const CheckReport& report, const std::string& format);

}  // namespace netconv
