#include "pipeline/checking.hpp"

#include <malloc.h>

#include <chrono>
#include <stdexcept>
#include <cstdlib>

#include "core/errors.hpp"
#include "core/json_writer.hpp"
#include "report/quality_stats.hpp"

namespace netconv {

std::string reject_line(const std::string& record_key, const Location& where, const std::vector<Diagnostic>& reasons) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().member("input", where.file).member_number("line", std::to_string(where.line))
      .member("record_key", record_key).key("reasons").begin_array();
  for (const auto& r : reasons) {
    w.begin_object().member("code", r.code).member("field", r.location.field);
    // an output check names the output it failed in; an input check names the input line/column
    if (r.code.rfind("NC-OUT", 0) == 0 || r.code.rfind("NC-CDA", 0) == 0) w.member("output", r.location.file);
    else w.member_number("line", std::to_string(r.location.line)).member_number("column", std::to_string(r.location.column));
    w.member("message", r.message).end_object();
  }
  w.end_array().end_object();
  out += '\n';
  return out;
}

void add_reject(WorkResult& r, const std::string& record_key, const Location& where, const std::vector<Diagnostic>& reasons) {
  r.rejects += reject_line(record_key, where, reasons);
  r.reject_origins.push_back(where);
}

CheckerOptions checker_options(const ConvertOptions& opt) {
  CheckerOptions co;
  co.fhir_packages = opt.fhir_packages;
  co.fhir_schema = opt.fhir_schema;
  co.cda_schema = opt.cda_schema;
  co.validation_cache = opt.validation_cache;
  co.own_output_only = true;
  return co;
}

LoadedCheckers load_checkers(const ConvertOptions& opt, const FormatRegistry& formats, const std::vector<std::string>& names) {
  LoadedCheckers c;
  if (!opt.validate) return c;
  const auto load_start = std::chrono::steady_clock::now();
  const CheckerOptions co = checker_options(opt);
  for (const auto& name : names) {
    const auto* f = formats.output(name);
    if (!f) throw ConfigError("unknown output format '" + name + "' (expected " + formats.output_names() + ")");
    if (f->checker && !c.by_format.count(name)) c.by_format[name] = f->checker(co);
  }
  // the definitions were parsed into large temporary documents: give that memory back before
  // the records start, so the run's peak is the compiled rules plus the records in flight
  malloc_trim(0);
  CheckSessionOptions so;
  so.caches = opt.validation_cache;
  so.memory_limit = opt.validation_cache_limit;
  c.sessions = std::make_shared<CheckSessionPool>(so);
  c.load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
  return c;
}

OutputStage::OutputStage(const ConvertOptions& opt, const FormatRegistry& formats, const MappingSet& tables,
                         const PreviousManifest* previous)
    : OutputStage(opt, formats, tables, LoadedCheckers{}, previous) {}

OutputStage::OutputStage(const ConvertOptions& opt, const FormatRegistry& formats, const MappingSet& tables,
                         const LoadedCheckers& checkers, const PreviousManifest* previous)
    : validate_(opt.validate) {
  auto writers = formats.make_writers(opt.to, opt.writer, tables);
  for (std::size_t i = 0; i < writers.size(); ++i)
    if (writers[i]->name() == "fhir") fhir_ = i;
  // NETCONV_DELTA_NO_CARRY (internal, for tests): every patient of a --since run converted again,
  // to show that carrying unchanged patients writes the same delta
  manifest_ = std::make_unique<ManifestStage>(fhir_, previous, opt.writer.fhir_layout, std::getenv("NETCONV_DELTA_NO_CARRY") == nullptr);
  if (fhir_ != kNoOutput) {
    const auto& digest = opt.writer.lineage.tables_sha256;  // taken once by convert() or the engine
    fingerprints_ = std::make_unique<InputFingerprinter>(opt, digest.empty() ? report::mapping_tables_sha256(tables.dir()) : digest);
  }
  // a run's own stage: its checkers load after its writers (a bad writer option fails fast)
  const LoadedCheckers own = validate_ && !checkers.sessions ? load_checkers(opt, formats, opt.to) : LoadedCheckers{};
  const LoadedCheckers& use = checkers.sessions ? checkers : own;
  for (std::size_t i = 0; i < writers.size(); ++i) {
    Output o{std::move(writers[i]), nullptr};
    if (validate_) {
      auto it = use.by_format.find(opt.to[i]);
      if (it != use.by_format.end()) o.checker = it->second;
      else if (formats.output(opt.to[i])->checker) throw std::logic_error("no checker loaded for output format " + opt.to[i]);
    }
    outputs_.push_back(std::move(o));
  }
  if (!validate_) return;
  sessions_ = use.sessions;
  load_seconds_ = use.load_seconds;
}

void OutputStage::render_checked(model::PatientCases& group, WorkResult& r, ItemScratch& scratch,
                                 const ContentHash* input) const {
  auto& s = r.counts;
  while (!group.cases.empty()) {
    std::vector<RenderedPatient> rendered(outputs_.size());
    for (std::size_t i = 0; i < outputs_.size(); ++i) {
      // the manifest hashes each FHIR resource, checked or not
      rendered[i].describe_targets = validate_ || i == fhir_;
      outputs_[i].writer->render(group, rendered[i], scratch.render);
    }
    const PreparedPatient prepared = manifest_->prepare(rendered);
    FailedRecords failed;  // record key ("" = every record) -> violations
    auto* session = prepared.unchanged() ? nullptr : scratch.session;  // nothing of it is written
    if (session) {
      const auto check_start = std::chrono::steady_clock::now();
      for (std::size_t i = 0; i < outputs_.size(); ++i)
        if (outputs_[i].checker) outputs_[i].checker->check(*session, rendered[i], failed);
      s.validation_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - check_start).count();
    }
    if (failed.empty()) {
      manifest_->apply(prepared, rendered, s, r.previous_matched, input);
      for (auto& out : rendered) {
        for (auto& c : out.chunks) r.chunks.push_back(std::move(c));
        for (const auto& [k, v] : out.resource_counts) s.resources_by_type[k] += v;
      }
      for (const auto& nc : group.cases) s.quality.add(nc);
      ++s.patients_written;
      return;
    }
    reject_failed(group, failed, r);
    input = nullptr;  // a rejected record: the patient is converted again next time
  }
}

void OutputStage::reject_failed(model::PatientCases& group, FailedRecords& failed, WorkResult& r) {
  auto& s = r.counts;
  std::vector<model::NetCase> kept;
  const bool all = failed.count("") > 0;
  for (auto& nc : group.cases) {
    auto it = failed.find(nc.record_key);
    if (it == failed.end() && !all) {
      kept.push_back(std::move(nc));
      continue;
    }
    std::vector<Diagnostic> reasons;
    if (it != failed.end()) reasons = it->second;
    if (all) reasons.insert(reasons.end(), failed[""].begin(), failed[""].end());
    --s.converted;
    ++s.rejected;
    for (const auto& d : reasons) {
      r.diagnostics.push_back(d);
      ++s.rejected_by_code[d.code];
    }
    add_reject(r, nc.record_key, nc.location, reasons);
  }
  group.cases = std::move(kept);
}

}  // namespace netconv
