// The service's engine: the public library's netconv::Engine (include/netconv/netconv.hpp),
// opened once; its outputs are the CLI's bytes, delivered to a Sink that groups them by patient.
#include <netconv/netconv.hpp>

#include <algorithm>

#include "core/errors.hpp"
#include "formats/format.hpp"
#include "serve/conversions.hpp"

namespace netconv::serve {

bool ValidationResult::valid() const {
  for (const auto& i : issues)
    if (i.severity == "error" || i.severity == "fatal") return false;
  return true;
}

namespace {

const char* severity_name(IssueSeverity s) {
  switch (s) {
    case IssueSeverity::note: return "note";
    case IssueSeverity::warning: return "warning";
    case IssueSeverity::error: break;
  }
  return "error";
}

Issue issue_of(const ::netconv::Issue& i) {
  return {severity_name(i.severity), i.code, i.field, "", i.message, i.line, i.column};
}

// Outputs arrive in output order, a patient's together: a new patient key starts a new patient.
class GroupingSink : public Sink {
 public:
  explicit GroupingSink(ConversionResult& out) : out_(out) {}
  void on_fhir(std::string_view patient, std::string_view, std::string_view json) override { unit(patient, json); }
  void on_cda(std::string_view patient, std::string_view, std::string_view xml) override { unit(patient, xml); }
  void on_reject(const ::netconv::RejectedRecord& r) override {
    RejectedRecord rec{r.record_key, r.line, {}};
    for (const auto& i : r.reasons) rec.reasons.push_back(issue_of(i));
    out_.rejects.push_back(std::move(rec));
  }
  // kept for when the input as a whole fails (a record's errors are its reject's reasons)
  void on_diagnostic(const ::netconv::Issue& i) override {
    if (i.severity == IssueSeverity::error) errors.push_back(issue_of(i));
  }
  std::vector<Issue> errors;

 private:
  void unit(std::string_view patient, std::string_view bytes) {
    if (out_.patients.empty() || patient != current_) {
      out_.patients.emplace_back();
      current_ = patient;
    }
    out_.patients.back().emplace_back(bytes);
  }
  ConversionResult& out_;
  std::string current_;
};

class EngineConversions : public Conversions {
 public:
  explicit EngineConversions(const EngineOptions& o) : engine_(o) {}

  ConversionResult convert(const ConversionRequest& rq) const override {
    ConversionResult result;
    GroupingSink sink(result);
    ConvertRequest req;
    req.from = rq.from;
    req.to = {rq.to};
    req.input_name = "request";
    req.max_records = rq.max_records;
    try {
      auto counts = engine_.convert(rq.body, req, sink);
      result.read = counts.read;
      result.converted = counts.converted;
      result.rejected = counts.rejected;
      result.skipped = counts.skipped;
      result.input_failed = counts.input_failed;
      if (result.input_failed) result.input_errors = std::move(sink.errors);
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::limit) return too_many();
      if (e.kind() == ErrorKind::config) throw RequestError(e.what());  // an unknown from or to
      throw;
    }
    return result;
  }

  ValidationResult validate(std::string_view body, const std::string& kind) const override {
    const auto outputs = output_formats();
    if (std::find(outputs.begin(), outputs.end(), kind) == outputs.end()) throw RequestError("kind must be fhir or cda");
    ValidationResult result;
    for (const auto& i : engine_.validate(body, kind).issues) {
      result.issues.push_back(issue_of(i));
      auto& issue = result.issues.back();
      // FHIR findings name the rule where a conversion names the code: give both
      if (issue.code.rfind("NC-", 0) != 0) {
        issue.rule = std::move(issue.code);
        issue.code = "NC-OUT-001";
      }
    }
    return result;
  }

  // the engine reads the registered input formats; the API does not list them
  std::vector<std::string> input_formats() const override {
    std::vector<std::string> names;
    for (const auto& f : builtin_formats().inputs()) names.push_back(f.name);
    return names;
  }
  std::vector<std::string> output_formats() const override { return engine_.options().outputs; }

 private:
  static ConversionResult too_many() {
    ConversionResult r;
    r.too_many_records = true;
    return r;
  }
  Engine engine_;
};

}  // namespace

std::unique_ptr<Conversions> make_engine_conversions(const EngineLocations& where) {
  EngineOptions o;
  o.mappings_dir = where.mappings_dir;
  o.fhir_packages = where.fhir_packages;
  o.cda_schema = where.cda_schema;
  o.max_rows_per_patient = where.max_rows_per_patient;
  o.validate_any_fhir_type = true;  // /validate takes FHIR from anywhere, as `netconv validate` does
  try {
    return std::make_unique<EngineConversions>(o);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::io) throw IoError(e.what());
    throw ConfigError(e.what());
  }
}

}  // namespace netconv::serve
