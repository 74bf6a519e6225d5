// netconv's public C++ API: convert neuroendocrine-tumor registry records (CSV, NDJSON, NAACCR
// XML) into FHIR R4 resources and C-CDA 2.1 documents in memory, with the same mapping, checks
// and rejects as `netconv convert`; validate one FHIR resource/Bundle or CDA document; check a
// folder of mapping tables.
//
// Contract
// - Only this header (and netconv/export.hpp) is public. Its signatures use standard types and
//   the small structs below; the engine's state is behind a pointer to an undefined type, so no
//   internal header is needed to use it and internal changes do not change the ABI.
// - Errors that stop a call (configuration, I/O, limits, defects) are thrown as netconv::Error,
//   whose exit_code() is the one `netconv` exits with for the same problem. Data problems never
//   throw: a record that cannot be converted is delivered to Sink::on_reject with its reasons and
//   the call goes on.
// - Thread safety: an Engine is immutable once constructed. Its const member functions (convert,
//   validate, ...) may be called from any number of threads at once on the same Engine; each call
//   borrows its own check session and scratch buffers from pools the Engine owns (no globals, no
//   thread_local). A Sink is used only by the thread that called convert(), and its callbacks run
//   on that thread, in output order, before convert() returns.
// - Output bytes are the same as the CLI's for the same records and options: a resource passed to
//   on_fhir is one line of the CLI's fhir/<Type>.ndjson (without the newline), a document passed
//   to on_cda is the CLI's cda/<file key>.xml.
#pragma once
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "netconv/export.hpp"

namespace netconv {

// The library's version, "MAJOR.MINOR.PATCH": the project version `netconv --version` prints.
NETCONV_API const char* library_version() noexcept;

// What stopped a call, and the exit code the CLI uses for it.
enum class ErrorKind {
  config,    // bad option, unknown format, broken mapping table or definitions (exit 2)
  limit,     // the input exceeded a limit the request set (max_input_bytes, max_records) (exit 2)
  io,        // an input or file could not be read (exit 3)
  internal,  // a defect inside netconv (exit 4)
};

class NETCONV_API Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message);
  ~Error() override;
  ErrorKind kind() const noexcept { return kind_; }
  int exit_code() const noexcept;  // 2, 2, 3 or 4 as listed in ErrorKind

 private:
  ErrorKind kind_;
};

enum class IssueSeverity { note, warning, error };

// One finding: a data problem of an input record, a violation of an output, or a mapping-table
// problem. `code` is stable and listed in README's code table (NC-CSV-003, NC-OUT-001, ...);
// validate() reports the FHIR rule (cardinality, binding, ...) or NC-CDA-00x instead.
// Messages never contain patient values.
struct Issue {
  IssueSeverity severity = IssueSeverity::error;
  std::string code;
  std::string message;
  std::string where;         // input name (ConvertRequest::input_name), output or table file, or the checked unit
  std::uint64_t line = 0;    // 1-based; 0 = unknown
  std::uint64_t column = 0;  // 1-based; 0 = unknown
  std::string field;         // column name, NAACCR item, JSON path or XPath ("" = none)
};

// A record that was not converted, with why: what the CLI writes as one line of rejects.ndjson.
struct RejectedRecord {
  std::string record_key;  // "<patient id>/<tumor id>" ("" parts when the record had none usable)
  std::string input;       // where it was read (ConvertRequest::input_name)
  std::uint64_t line = 0;  // its line (NAACCR: the tumor element's line)
  std::vector<Issue> reasons;
};

// What one convert() call did. read = converted + rejected + skipped, always.
struct Counts {
  std::uint64_t read = 0, converted = 0, rejected = 0, skipped = 0;
  std::uint64_t patients = 0;  // patients with at least one converted record (their outputs delivered)
  std::map<std::string, std::uint64_t> rejected_by_code, skipped_by_reason, warnings_by_code;
  std::map<std::string, std::uint64_t> outputs_by_type;  // "fhir:Condition" -> 3, "cda:ClinicalDocument" -> 1
  bool input_failed = false;  // a file-level problem (e.g. malformed XML) ended the input early (told by on_diagnostic)
};

// Receives a conversion's outputs. Override what you need; the defaults ignore. The views are
// valid only during the callback. `patient_key` is the input's patient id (NAACCR:
// patientIdNumber), the key outputs are grouped and ordered by.
class NETCONV_API Sink {
 public:
  virtual ~Sink();
  // One FHIR resource (fhir_layout "bulk"; resource_type e.g. "Condition") or one patient's
  // Bundle (fhir_layout "bundle"; resource_type "Bundle"): compact JSON without a newline.
  virtual void on_fhir(std::string_view patient_key, std::string_view resource_type, std::string_view json);
  // One CDA document (cda_layout "document") or section file (cda_layout "entries"); `file_key`
  // is the CLI's file name below cda/ without ".xml".
  virtual void on_cda(std::string_view patient_key, std::string_view file_key, std::string_view xml);
  // A record that was rejected (a data problem or an output that failed its checks).
  virtual void on_reject(const RejectedRecord& record);
  // Every diagnostic the CLI prints on stderr, in input order: warnings (e.g. NC-REC-005),
  // file-level problems, and the reasons of rejected records (also given to on_reject).
  virtual void on_diagnostic(const Issue& issue);
};

// What an Engine loads once. Empty paths are found as the CLI finds them (environment variables,
// then the data installed beside the shared library or the program; README "Library").
struct EngineOptions {
  std::string mappings_dir;       // mapping tables ("" = $NETCONV_MAPPINGS, then the installed tables)
  std::string fhir_packages;      // FHIR definition packages ("" = $NETCONV_FHIR_PACKAGES, then the cache)
  std::string fhir_schema;        // optional official fhir.schema.json, checked as well
  std::string cda_schema;         // CDA XSD ("" = the shipped schema)
  std::string cda_config;         // CDA header configuration ("" = defaults)
  std::string naaccr_dictionary;  // NAACCR dictionary ("" = the shipped one)
  std::string columns_file;       // CSV column renames ("" = none)
  std::string patient_id_system;  // "" = the table default
  std::string registry_id;        // the registry's id, token [A-Za-z0-9._-]{1,64}; "" = none
  bool icd10cm_current_edition = false;  // ICD-10-CM codes checked against the current edition
  // The output formats requests may ask for ("fhir", "cda"); their writers and checkers load
  // once, here.
  std::vector<std::string> outputs = {"fhir", "cda"};
  bool validate = true;                  // check every output before delivering it (as the CLI)
  bool validation_cache = true;          // verdict-neutral caches in each check session
  std::size_t validation_cache_limit = std::size_t{64} << 20;  // bytes one check session may cache
  // validate() knows every FHIR R4 resource type, not only those netconv writes (slower to open)
  bool validate_any_fhir_type = false;
  std::size_t max_rows_per_patient = 1000;  // beyond it a patient's records are rejected (NC-REC-007)
};

// One conversion's choices.
struct ConvertRequest {
  std::string from;                        // "csv", "ndjson", "naaccr-xml"; "" = recognised from the bytes
  std::vector<std::string> to = {"fhir"};  // any of EngineOptions::outputs
  std::string fhir_layout = "bulk";        // bulk: one on_fhir per resource; bundle: one per patient
  std::string cda_layout = "document";     // document | entries
  std::string input_name = "<memory>";     // how issues and rejects name the input
  // Limits (0 = none). Beyond either, convert() throws Error(ErrorKind::limit) and delivers
  // nothing: the input is read whole before any output when max_records is set.
  std::uint64_t max_input_bytes = 0;
  std::uint64_t max_records = 0;
};

// The verdict of validate(): valid when no issue has error severity.
struct ValidationResult {
  bool valid = true;
  std::vector<Issue> issues;  // `where` names the unit, e.g. "entry[2] Condition/abc" or "CDA"
};

class NETCONV_API Engine {
 public:
  // Loads and checks the mapping tables, compiles the checkers of every output format in
  // options.outputs (unless validate is off): seconds, once. Throws Error (config, io).
  explicit Engine(const EngineOptions& options);
  ~Engine();
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Converts every record of the input, delivering outputs, rejects and warnings to `sink`.
  // Records are grouped by patient as the CLI groups them (a patient's records contiguous).
  // Throws Error: config (unknown format or layout), limit, io (the stream failed), internal.
  Counts convert(std::string_view input, const ConvertRequest& request, Sink& sink) const;
  Counts convert(std::istream& input, const ConvertRequest& request, Sink& sink) const;

  // Checks one FHIR resource or Bundle (kind "fhir", JSON) or one CDA document (kind "cda",
  // XML) with the engine's checkers. Throws Error(config) for another kind or when the engine
  // was opened with validate = false.
  ValidationResult validate(std::string_view bytes, std::string_view kind) const;

  const EngineOptions& options() const noexcept;
  // SHA-256 (hex) of the mapping tables in use, as `netconv --version` and report.json name them.
  std::string mapping_tables_sha256() const;

 private:
  struct Impl;
  std::unique_ptr<const Impl> impl_;
};

// Loads the mapping tables in `dir` and returns every problem found (errors and warnings, with
// file and line), as `netconv convert` checks them before its first record. Empty = usable.
// Throws Error(io) when the folder cannot be read.
NETCONV_API std::vector<Issue> check_mappings(const std::string& dir);

}  // namespace netconv
