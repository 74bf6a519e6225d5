// The service's engine built from the conversion pipeline's parts: the same mapper, writers and
// checkers `netconv convert` uses (so a request gets the resources the CLI writes), run on the
// calling thread over a body held in memory, one patient per work item.
#include <nlohmann/json.hpp>

#include <map>
#include <streambuf>

#include "core/errors.hpp"
#include "formats/format.hpp"
#include "pipeline/checking.hpp"
#include "pipeline/convert.hpp"
#include "pipeline/grouping.hpp"
#include "pipeline/work.hpp"
#include "serve/conversions.hpp"

namespace netconv::serve {

bool ValidationResult::valid() const {
  for (const auto& i : issues)
    if (i.severity == "error" || i.severity == "fatal") return false;
  return true;
}

namespace {

// Reads a body in place: a request can be tens of MiB, so it is not copied into a stringstream.
class ViewBuf : public std::streambuf {
 public:
  explicit ViewBuf(std::string_view s) {
    char* p = const_cast<char*>(s.data());  // only read: the get area never writes
    setg(p, p, p + s.size());
  }
};

Issue issue_of(const Diagnostic& d) {
  return {to_string(d.severity), d.code, d.location.field, "", d.message, d.location.line, d.location.column};
}

// One rejects.ndjson line (pipeline/checking.hpp's reject_line) read back into its parts.
RejectedRecord parse_reject(std::string_view line) {
  auto j = nlohmann::json::parse(line);
  RejectedRecord r;
  r.record_key = j.value("record_key", "");
  r.line = j.value("line", std::uint64_t{0});
  for (const auto& reason : j.value("reasons", nlohmann::json::array()))
    r.reasons.push_back({"error", reason.value("code", ""), reason.value("field", ""), "", reason.value("message", ""),
                         reason.value("line", std::uint64_t{0}), reason.value("column", std::uint64_t{0})});
  return r;
}

std::vector<std::string_view> lines_of(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    auto nl = s.find('\n');
    auto line = s.substr(0, nl);
    if (!line.empty()) out.push_back(line);
    if (nl == std::string_view::npos) break;
    s.remove_prefix(nl + 1);
  }
  return out;
}

class PipelineConversions : public Conversions {
 public:
  explicit PipelineConversions(const EngineLocations& where);
  ConversionResult convert(const ConversionRequest& rq) const override;
  ValidationResult validate(std::string_view body, const std::string& kind) const override;
  std::vector<std::string> input_formats() const override;
  std::vector<std::string> output_formats() const override;

 private:
  // One output format's conversion parts; held by pointer because the stage and the work keep
  // references to the options.
  struct Output {
    ConvertOptions options;
    std::unique_ptr<OutputStage> stage;
    std::unique_ptr<PatientWork> work;
  };
  struct Validator {
    std::unique_ptr<OutputChecker> checker;
    std::string file_name;  // what the checker is told the body is called (it picks the parse by it)
    std::string failure_code;  // the README's code for an output of this format failing its checks
  };
  const InputFormat& input_for(const ConversionRequest& rq) const;
  static void collect(WorkResult& r, ConversionResult& out);

  const FormatRegistry& formats_ = builtin_formats();
  EngineLocations where_;
  MappingSet tables_;
  std::map<std::string, std::unique_ptr<Output>, std::less<>> outputs_;
  std::map<std::string, Validator, std::less<>> validators_;
  mutable CheckSessionPool validate_sessions_;
};

MappingSet load_tables(const EngineLocations& where) {
  CollectingSink problems;
  try {
    return load_checked_tables(resolve_mappings_dir(where.mappings_dir), problems);
  } catch (const ConfigError& e) {
    std::string first = problems.items.empty() ? "" : ": " + format_diagnostic(problems.items.front(), false);
    throw ConfigError(e.what() + first);
  }
}

PipelineConversions::PipelineConversions(const EngineLocations& where) : where_(where), tables_(load_tables(where)) {
  for (const auto& f : formats_.outputs()) {
    auto out = std::make_unique<Output>();
    out->options.to = {f.name};
    out->options.fhir_packages = where.fhir_packages;
    out->options.cda_schema = where.cda_schema;
    out->options.max_rows_per_patient = where.max_rows_per_patient;
    out->stage = std::make_unique<OutputStage>(out->options, formats_, tables_);
    out->work = std::make_unique<PatientWork>(out->options, tables_, *out->stage);
    if (f.checker && !f.file_extensions.empty()) {
      // validate checks documents from anywhere, so its checkers load everything, as `netconv validate`
      CheckerOptions co;
      co.fhir_packages = where.fhir_packages;
      co.cda_schema = where.cda_schema;
      validators_[f.name] = {f.checker(co), "request" + f.file_extensions.front(), f.name == "fhir" ? "NC-OUT-001" : "NC-CDA-002"};
    }
    outputs_[f.name] = std::move(out);
  }
}

const InputFormat& PipelineConversions::input_for(const ConversionRequest& rq) const {
  if (rq.from.empty()) return formats_.detect(rq.body.substr(0, kSniffBytes), "");
  if (const auto* f = formats_.input(rq.from)) return *f;
  throw RequestError("from must be " + formats_.input_names());
}

void PipelineConversions::collect(WorkResult& r, ConversionResult& out) {
  out.read += r.counts.read;
  out.converted += r.counts.converted;
  out.rejected += r.counts.rejected;
  out.skipped += r.counts.skipped;
  std::vector<std::string> units;
  for (auto& c : r.chunks) {
    if (c.whole_file) units.push_back(std::move(c.bytes));
    else
      for (auto line : lines_of(c.bytes)) units.emplace_back(line);
  }
  if (!units.empty()) out.patients.push_back(std::move(units));
  for (auto line : lines_of(r.rejects)) out.rejects.push_back(parse_reject(line));
  for (const auto& d : r.diagnostics)
    if (d.severity == Severity::error) out.input_errors.push_back(issue_of(d));
}

ConversionResult PipelineConversions::convert(const ConversionRequest& rq) const {
  auto it = outputs_.find(rq.to);
  if (it == outputs_.end()) throw RequestError("to must be " + formats_.output_names());
  const InputFormat& format = input_for(rq);
  const Output& out = *it->second;
  ConversionResult result;
  // one patient per work item, so each item's outputs are one patient's
  PatientGrouper grouper(1, where_.max_rows_per_patient, [&](WorkItem&& w) {
    auto r = out.work->process(w);
    collect(r, result);
  });
  ReaderConfig cfg;
  cfg.display_name = "request";
  cfg.mappings_dir = tables_.dir();
  cfg.max_records_per_patient = where_.max_rows_per_patient;
  ViewBuf buf(rq.body);
  std::istream in(&buf);
  auto reader = format.open(in, cfg, grouper.reader_diagnostics(), tables_);
  SourceRecord rec;
  std::uint64_t records = 0;
  while (reader->next(rec)) {
    if (rq.max_records && ++records > rq.max_records) {
      result.too_many_records = true;
      return result;
    }
    grouper.add(std::move(rec));
    rec = SourceRecord{};
  }
  grouper.flush();
  result.input_failed = reader->failed();
  if (!result.input_failed) result.input_errors.clear();  // record errors are the rejects' reasons
  return result;
}

ValidationResult PipelineConversions::validate(std::string_view body, const std::string& kind) const {
  auto it = validators_.find(kind);
  if (it == validators_.end()) throw RequestError("kind must be one of the checked output formats");
  ValidationResult result;
  auto session = validate_sessions_.borrow();
  it->second.checker->check_file(*session, it->second.file_name, body, [&](CheckedUnit unit) {
    for (const auto& d : unit.issues) {
      result.issues.push_back(issue_of(d));
      auto& i = result.issues.back();
      // a file check names the rule where a conversion names the code: give both
      if (i.code.rfind("NC-", 0) != 0) {
        i.rule = std::move(i.code);
        i.code = it->second.failure_code;
      }
    }
  });
  return result;
}

std::vector<std::string> PipelineConversions::input_formats() const {
  std::vector<std::string> names;
  for (const auto& f : formats_.inputs()) names.push_back(f.name);
  return names;
}

std::vector<std::string> PipelineConversions::output_formats() const {
  std::vector<std::string> names;
  for (const auto& f : formats_.outputs()) names.push_back(f.name);
  return names;
}

}  // namespace

std::unique_ptr<Conversions> make_pipeline_conversions(const EngineLocations& where) {
  return std::make_unique<PipelineConversions>(where);
}

}  // namespace netconv::serve
