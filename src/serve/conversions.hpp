// What the HTTP service needs from netconv: convert one request body to outputs and rejects,
// validate one resource or document. The service talks only to this interface; behind it is the
// public library's netconv::Engine (engine_conversions.cpp), so HTTP code and tests of it need
// no engine.
//
// Contract: an implementation is loaded once per process (mapping tables, compiled FHIR
// definitions, the CDA schema) and is then immutable; convert() and validate() are safe to call
// from many threads at once. Bad request parameters throw RequestError; nothing here logs or
// prints, and no result carries a value the request did not send.
#pragma once
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace netconv::serve {

// A parameter the caller got wrong (unknown format, unknown kind): the service answers 400.
struct RequestError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ConversionRequest {
  std::string_view body;
  std::string from;  // an input format's name; "" = recognised from the body
  std::string to;    // one output format's name (fhir, cda)
  std::uint64_t max_records = 0;  // records read beyond this stop the conversion (0 = no bound)
};

// One problem found in the data or an output, as a reject reason or a validation issue.
struct Issue {
  std::string severity;  // error | warning | fatal | note
  std::string code;      // the README's stable code (NC-...)
  std::string field;     // column, NAACCR item, JSON path or XPath ("" = none)
  std::string rule;      // validation: the rule broken (FHIR: binding, cardinality, ...; "" = none)
  std::string message;   // never quotes a value
  std::uint64_t line = 0, column = 0;
};

struct RejectedRecord {
  std::string record_key;  // patient_id/tumor_id as sent (the caller's own data)
  std::uint64_t line = 0;  // where it was in the body
  std::vector<Issue> reasons;
};

struct ConversionResult {
  // Per converted patient, in output order: its FHIR resources (compact JSON, one per unit) or
  // its CDA documents (XML).
  std::vector<std::vector<std::string>> patients;
  std::vector<RejectedRecord> rejects;  // in input order
  std::uint64_t read = 0, converted = 0, rejected = 0, skipped = 0;
  bool too_many_records = false;  // max_records was passed: nothing else here is complete
  // The body could not be read as a whole (e.g. a CSV without its header): the errors that say
  // why. Record-level problems are rejects, not these.
  bool input_failed = false;
  std::vector<Issue> input_errors;
};

struct ValidationResult {
  std::vector<Issue> issues;  // errors, fatals and warnings
  bool valid() const;         // no error or fatal
};

class Conversions {
 public:
  virtual ~Conversions() = default;
  virtual ConversionResult convert(const ConversionRequest& request) const = 0;
  // kind: an output format's name; the body is one FHIR resource or Bundle (JSON) or one CDA document.
  virtual ValidationResult validate(std::string_view body, const std::string& kind) const = 0;
  // The input and output format names the engine knows (for messages and /healthz).
  virtual std::vector<std::string> input_formats() const = 0;
  virtual std::vector<std::string> output_formats() const = 0;
};

// Where the engine's data lives (the CLI's flags; "" = the usual defaults).
struct EngineLocations {
  std::string mappings_dir, fhir_packages, cda_schema;
  std::size_t max_rows_per_patient = 1000;
};

// A netconv::Engine: loads the tables and every checker now; throws ConfigError (or IoError) when
// they cannot load, so the command exits 2 (3) before it listens.
std::unique_ptr<Conversions> make_engine_conversions(const EngineLocations& where);

}  // namespace netconv::serve
