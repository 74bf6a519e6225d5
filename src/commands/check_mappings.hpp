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

// Round-trip output validation hook: called for every rendered output (format "fhir": one resource
// as JSON; "cda": one XML document or entry file). Problems appended are reported as NC-MAP-071.
// netconv's in-process validators are wired in here (set_round_trip_validator); none by default.
using RoundTripValidator = std::function<void(const std::string& format, const std::string& label, const std::string& bytes,
                                              std::vector<std::string>& problems)>;
void set_round_trip_validator(RoundTripValidator v);
const RoundTripValidator& round_trip_validator();

struct CheckOptions {
  std::string mappings_dir;
  bool strict = false;        // warnings become errors
  std::string allow_file;     // "" = <mappings_dir>/unverified-allowlist.tsv when it exists
  bool round_trip = true;
  RoundTripValidator validator;  // empty = the registered one
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
