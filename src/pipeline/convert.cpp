#include "pipeline/convert.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "core/data_paths.hpp"
#include "core/errors.hpp"
#include "pipeline/checking.hpp"
#include "pipeline/delta.hpp"
#include "pipeline/grouping.hpp"
#include "pipeline/input.hpp"
#include "pipeline/output_files.hpp"
#include "pipeline/reporting.hpp"
#include "pipeline/work.hpp"
#include "pipeline/work_queue.hpp"
#include "report/reject_digest.hpp"
#include "report/run_folder.hpp"

namespace netconv {
namespace fs = std::filesystem;

MappingSet load_checked_tables(const std::string& dir, DiagnosticSink& diags) {
  std::vector<Diagnostic> problems;
  auto tables = MappingSet::load(dir, problems);
  std::size_t errors = 0;
  for (const auto& p : problems) {
    if (p.severity != Severity::error) continue;
    diags.report(p);
    ++errors;
  }
  if (errors) throw ConfigError(std::to_string(errors) + " error(s) in the mapping tables in " + dir);
  return tables;
}

std::string resolve_mappings_dir(const std::string& flag) { return resolve_data_path(DataPath::mappings, flag); }

namespace {

// One conversion: the producer thread reads the inputs (input part) and groups their records
// into work items (grouping part); workers map, render and check them (work and checking parts);
// the producer writes each item's outputs in input order and counts them (reporting part).
class Run {
 public:
  Run(const ConvertOptions& opt, const MappingSet& t, DiagnosticSink& diags)
      : opt_(opt), tables_(t), diags_(diags), formats_(opt.formats ? *opt.formats : builtin_formats()),
        previous_(load_previous(opt)), files_(opt.output_dir, formats_.output_directories()),
        columns_(opt.columns_file.empty() ? ColumnMap{} : load_column_map(opt.columns_file)),
        outputs_(opt, formats_, t, opt.since.empty() ? nullptr : &previous_), work_(opt, t, outputs_), report_(opt.progress),
        grouper_(opt.batch_records, opt.max_rows_per_patient, [this](WorkItem&& w) { pipeline_.submit(std::move(w)); }),
        pipeline_(nullptr, 0, [this](WorkItem& w) { return work_.process(w); }, [this](WorkResult& r) { write(r); }) {
    report_.summary.validator_load_seconds = outputs_.checker_load_seconds();
    report_.summary.delta = !opt.since.empty();
    if (report_.summary.delta)  // every count present, zeros too, so readers need no defaults
      for (const char* k : {"unchanged", "changed", "new", "deleted"}) report_.summary.delta_resources[k] = report_.summary.delta_patients[k] = 0;
    if (report_.summary.delta) report_.summary.delta_patients["kept_missing"] = 0;
    previous_seen_.resize(previous_.entries().size());
    if (opt.jobs > 1024 || opt.batch_records < 1) throw ConfigError("jobs must be 0-1024 and batch at least 1");
    unsigned jobs = opt.jobs ? opt.jobs : std::clamp(std::thread::hardware_concurrency(), 1u, 1024u);
    if (jobs > 1) {
      pool_ = std::make_unique<WorkerPool>(jobs);
      pipeline_ = OrderedPipeline<WorkItem, WorkResult>(pool_.get(), jobs * 4, [this](WorkItem& w) { return work_.process(w); },
                                                        [this](WorkResult& r) { write(r); });
    }
  }

  ConvertSummary run() {
    report_.start();
    // named before the first record: the digest is of the tables this run maps with, even if the
    // folder changes while it runs
    report_.summary.quality.mapping_tables_sha256 = report::mapping_tables_sha256(tables_.dir());
    files_.begin();  // the output folder: locked, cleaned of killed runs, a staging folder made
    files_.ensure("rejects.ndjson");
    files_.ensure("manifest.ndjson");
    for (const auto& input : opt_.inputs) {
      if (interrupt_requested()) break;
      convert_input(input);
    }
    grouper_.flush();
    pipeline_.finish();
    report_.end_progress();
    auto& s = report_.summary;
    s.interrupted = interrupt_requested();
    if (s.delta && !s.interrupted) write_missing_patients();
    // an interrupted run's staged files are dropped and its counts go to report.interrupted.json;
    // a completed one is made durable and switched into place with its report (docs/output-folder.md)
    if (!s.interrupted) s.outputs = files_.finish();
    s.output_bytes = files_.bytes_written();
    s.seconds = report_.seconds_since_start();
    if (s.interrupted) {
      files_.abandon(report_.report_text(opt_.inputs));
    } else {
      // the run report is drawn from the report it commits with, the same way `netconv report` does
      s.outputs.push_back("report.html");
      s.quality.output_formats = opt_.to;
      const std::string report = report_.report_text(opt_.inputs);
      files_.commit(report, report::render_report_text(report, rejects_digest_, {opt_.show_values}, "report.json"));
    }
    s.exit_code = s.interrupted ? kExitInterrupted : s.rejected || s.files_failed ? kExitDataProblems : kExitOk;
    return s;
  }

 private:
  void convert_input(const std::string& input) {
    std::string display = input == "-" ? "<stdin>" : input;
    if (input != "-") {
      std::error_code ec;
      report_.add_input_size(fs::file_size(input, ec));
    }
    ReaderConfig cfg;
    cfg.display_name = display;
    cfg.columns = columns_.renames.empty() ? nullptr : &columns_;
    cfg.naaccr_dictionary = opt_.naaccr_dictionary;
    cfg.mappings_dir = tables_.dir();
    cfg.max_records_per_patient = opt_.max_rows_per_patient;
    // read(2) that gives way to SIGINT/SIGTERM at once, even on a FIFO or pipe that sends nothing
    OpenedInput in(input, opt_.from, formats_, cfg, grouper_.reader_diagnostics(), tables_);
    auto& reader = in.reader();
    ++report_.summary.quality.input_formats[in.format().name];
    SourceRecord rec;
    while (!interrupt_requested() && reader.next(rec)) {
      grouper_.add(std::move(rec));
      rec = SourceRecord{};
      report_.set_bytes_read(completed_bytes_ + reader.bytes_read());
    }
    completed_bytes_ += reader.bytes_read();
    report_.set_bytes_read(completed_bytes_);
    if (reader.failed()) ++report_.summary.files_failed;
    if (in.read_failed()) throw IoError("read error on " + display);
  }

  // Runs on the producer thread, in input order.
  void write(WorkResult& r) {
    for (const auto& d : r.diagnostics) diags_.report(d);
    // the item's pieces of each appended file (a few KiB per patient) go out in one gathered
    // write per file: this thread orders and writes for every worker
    std::vector<std::pair<const std::string*, std::vector<std::string_view>>> appends;
    for (const auto& c : r.chunks) {
      if (c.whole_file) {
        files_.write_whole(c.path, c.bytes);
        continue;
      }
      auto it = std::find_if(appends.begin(), appends.end(), [&](const auto& a) { return *a.first == c.path; });
      if (it == appends.end()) it = appends.insert(appends.end(), {&c.path, {}});
      it->second.push_back(c.bytes);
    }
    for (const auto& [path, pieces] : appends) files_.append(*path, pieces);
    if (!r.rejects.empty()) {
      files_.append("rejects.ndjson", r.rejects);
      rejects_digest_.add_lines(r.rejects);
    }
    report_.merge(r.counts);
    for (auto at : r.previous_matched) previous_seen_[at] = true;
  }

  // The previous manifest in delta mode (read before the output folder is touched, so it may be
  // the folder's own manifest.ndjson), else an empty one.
  static PreviousManifest load_previous(const ConvertOptions& opt) {
    if (opt.since.empty()) {
      if (opt.delete_missing_patients) throw ConfigError("--delete-missing-patients needs --since");
      return {};
    }
    if (std::find(opt.to.begin(), opt.to.end(), "fhir") == opt.to.end())
      throw ConfigError("--since needs the fhir output (--to fhir[,cda]): deltas are made of FHIR resources");
    return PreviousManifest::load(opt.since);
  }

  // After the last patient: previous patients this export did not write are deleted (with
  // --delete-missing-patients) or carried into the new manifest, which describes what a server
  // holds after this delta (so the next --since compares with that).
  void write_missing_patients() {
    auto missing = missing_patients(previous_, previous_seen_, opt_.delete_missing_patients, opt_.since_scope);
    auto& s = report_.summary;
    const std::string deletes = opt_.writer.fhir_layout == "bundle" ? "fhir/bundles.ndjson" : "fhir/deleted.ndjson";
    for (auto at : missing.deleted) {
      const auto& e = previous_.entries()[at];
      files_.append(deletes, delete_bundle(e.resources));
      s.delta_resources["deleted"] += e.resources.size();
      ++s.delta_patients["deleted"];
    }
    for (auto at : missing.kept) {
      files_.append("manifest.ndjson", manifest_line(previous_.entries()[at]));
      ++s.delta_patients["kept_missing"];
    }
  }

  const ConvertOptions& opt_;
  const MappingSet& tables_;
  DiagnosticSink& diags_;
  const FormatRegistry& formats_;
  PreviousManifest previous_;        // --since, else empty
  std::vector<bool> previous_seen_;  // the previous patients this run wrote
  OutputFiles files_;
  ColumnMap columns_;
  OutputStage outputs_;
  PatientWork work_;
  RunReport report_;
  PatientGrouper grouper_;
  report::RejectDigest rejects_digest_;  // the run report's most frequent reject reasons
  std::uint64_t completed_bytes_ = 0;
  // declared last: destroyed (threads joined) before the members their tasks use
  OrderedPipeline<WorkItem, WorkResult> pipeline_;
  std::unique_ptr<WorkerPool> pool_;
};

}  // namespace

ConvertSummary convert(const ConvertOptions& options, const MappingSet& tables, DiagnosticSink& diags) {
  Run run(options, tables, diags);
  return run.run();
}

}  // namespace netconv
