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

class FormatRegistry;
struct CheckerOptions;

// Round-trip output validation: called for every unit a registered output format renders
// (`format` is the format's name; `label` and `bytes` one of its units, as OutputFormat::units
// gives them: a FHIR resource, a C-CDA document). Problems appended are reported as NC-MAP-071.
using RoundTripValidator = std::function<void(const std::string& format, const std::string& label, const std::string& bytes,
                                              std::vector<std::string>& problems)>;

// The checker of every output format in `formats`, as one RoundTripValidator: each unit goes to
// its format's checker (OutputChecker::check_file, in a CheckSession the result owns), and every
// error it finds becomes a problem. A checker that cannot be loaded (FHIR packages not
// installed: ConfigError) is left out and `note` says so and how to install it; empty when all
// loaded. The result owns the checkers and may be reused for several check_mappings() calls, one
// at a time.
RoundTripValidator load_round_trip_validator(const FormatRegistry& formats, const CheckerOptions& options, std::string& note);
// The same for builtin_formats(), the FHIR packages in `fhir_packages` (resolved like convert's
// --fhir-packages) and the C-CDA schema `cda_schema` (resolved like --cda-schema).
RoundTripValidator load_round_trip_validator(const std::string& fhir_packages, const std::string& cda_schema, std::string& note);

struct CheckOptions {
  std::string mappings_dir;
  bool strict = false;        // warnings become errors
  std::string allow_file;     // "" = <mappings_dir>/unverified-allowlist.tsv when it exists
  bool round_trip = true;
  // The output formats the round trip renders (every one); null = builtin_formats().
  const FormatRegistry* formats = nullptr;
  // Validates the round trip's output. Empty: check_mappings() loads the formats' checkers
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
  std::size_t records = 0, converted = 0;
  // Units rendered per output format, in registration order (every format, 0 when not rendered).
  struct OutputCount {
    std::string name, title, unit_noun;  // the format's (OutputFormat)
    std::size_t units = 0;
  };
  std::vector<OutputCount> outputs;
  std::string round_trip_note;  // why it did not run, or what was not covered
  int exit_code = 0;            // 0 clean or warnings only, 1 errors (or warnings under --strict)
};

// Runs every check. Throws IoError when the directory (or an explicit allow-list) cannot be read.
CheckReport check_mappings(const CheckOptions& options);

// format: text | github | junit | json. Throws ConfigError for another format.
std::string render_check_report(const CheckReport& report, const std::string& format);

}  // namespace netconv
