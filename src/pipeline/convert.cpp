#include "pipeline/convert.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

#include "core/data_paths.hpp"
#include "core/errors.hpp"
#include "core/lineage.hpp"
#include "pipeline/hashed_inputs.hpp"
#include "core/ids.hpp"
#include "pipeline/checking.hpp"
#include "pipeline/delta.hpp"
#include "pipeline/grouping.hpp"
#include "pipeline/input.hpp"
#include "pipeline/output_files.hpp"
#include "pipeline/record_intake.hpp"
#include "pipeline/registry_id.hpp"
#include "pipeline/reporting.hpp"
#include "pipeline/stream_output.hpp"
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

// A private folder for the sort's run files when the output is standard output and there is no
// staging folder: made under $TMPDIR (else /tmp) with mode 0700, removed with everything in it when
// the run ends, however it ends (a SIGKILL aside, as for any temporary file).
class ScratchFolder {
 public:
  ScratchFolder() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/netconv-sort-XXXXXX";
    if (!::mkdtemp(pattern.data())) throw IoError("cannot make a temporary folder for sorting under " + pattern.substr(0, pattern.rfind('/')));
    path_ = pattern;
    fd_ = ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0) {
      std::error_code ec;
      fs::remove(path_, ec);
      throw IoError("cannot open the temporary folder " + path_);
    }
  }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;
  ~ScratchFolder() {
    ::close(fd_);
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

// One conversion: the producer thread reads the inputs (input part) and groups their records
// into work items (grouping part); workers map, render and check them (work and checking parts);
// the producer writes each item's outputs in input order and counts them (reporting part).
class Run {
 public:
  Run(const ConvertOptions& opt, const MappingSet& t, DiagnosticSink& diags, const HashedInputs& inputs)
      : opt_(opt), tables_(t), diags_(diags), inputs_(inputs), formats_(opt.formats ? *opt.formats : builtin_formats()),
        previous_(load_previous(opt)),
        files_(streaming() ? nullptr : std::make_unique<OutputFiles>(opt.output_dir, formats_.output_directories())),
        stream_(streaming() ? std::make_unique<StreamOutput>(opt.rejects_file, opt.report_file) : nullptr), columns_(opt.columns_file.empty() ? ColumnMap{} : load_column_map(opt.columns_file)),
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
    if (opt.shard_count > 4096 || opt.shard_index > opt.shard_count || (opt.shard_count && !opt.shard_index))
      throw ConfigError("--shard K/N needs 1 <= K <= N <= 4096");
    if (streaming() && opt.to.size() != 1) throw ConfigError("-o - streams exactly one output format (--to)");
    unsigned jobs = opt.jobs ? opt.jobs : std::clamp(std::thread::hardware_concurrency(), 1u, 1024u);
    if (jobs > 1) {
      pool_ = std::make_unique<WorkerPool>(jobs);
      pipeline_ = OrderedPipeline<WorkItem, WorkResult>(pool_.get(), jobs * 4, [this](WorkItem& w) { return work_.process(w); },
                                                        [this](WorkResult& r) { write(r); });
    }
  }

  ConvertSummary run() {
    report_.start();
    report_.summary.quality.mapping_tables_sha256 = opt_.writer.lineage.tables_sha256;  // taken by convert()
    if (files_) {
      files_->begin();  // the output folder: locked, cleaned of killed runs, a staging folder made
      files_->ensure("rejects.ndjson");
      files_->ensure("manifest.ndjson");
    } else {
      scratch_ = std::make_unique<ScratchFolder>();  // a stream has no staging folder for the sort's run files
    }
    // records in patient-key order (sorted in bounded memory), or as read with --presorted
    intake_ = std::make_unique<RecordIntake>(opt_.presorted, opt_.memory_limit / 4 * 3, grouper_, diags_, spill_fd(), spill_path());
    if (opt_.presorted) start_reject_order(true);
    for (std::size_t i = 0; i < opt_.inputs.size(); ++i) {
      if (stopped()) break;
      convert_input(opt_.inputs[i], inputs_.read_path(i));
    }
    if (!opt_.presorted) start_reject_order(intake_->sorted_order_was_input_order());
    intake_->finish(interrupt_requested);
    pipeline_.finish();
    reject_order_->finish([this](const std::string& lines) { write_rejects(lines); }, interrupt_requested);
    report_.end_progress();
    auto& s = report_.summary;
    count_shard_skips();
    s.interrupted = interrupt_requested();
    if (s.delta && !s.interrupted && files_) write_missing_patients();
    if (stream_) return finish_stream();
    // an interrupted run's staged files are dropped and its counts go to report.interrupted.json;
    // a completed one is made durable and switched into place with its report (docs/output-folder.md)
    if (!s.interrupted) s.outputs = files_->finish();
    s.output_bytes = files_->bytes_written();
    s.seconds = report_.seconds_since_start();
    if (s.interrupted) {
      files_->abandon(report_.report_text(opt_.inputs));
    } else {
      // the run report is drawn from the report it commits with, the same way `netconv report` does
      s.outputs.push_back("report.html");
      s.quality.output_formats = opt_.to;
      const std::string report = report_.report_text(opt_.inputs);
      files_->commit(report, report::render_report_text(report, rejects_digest_, {opt_.show_values}, "report.json"));
    }
    s.exit_code = s.interrupted ? kExitInterrupted : s.rejected || s.files_failed ? kExitDataProblems : kExitOk;
    return s;
  }

 private:
  bool streaming() const { return opt_.output_dir == "-"; }
  bool stopped() const { return interrupt_requested() || (stream_ && stream_->gone()); }

  // Standard output instead of a folder: no commit, the report only to the file named for it,
  // none at all when the reader went away before the end (it would describe an output nobody got).
  ConvertSummary finish_stream() {
    auto& s = report_.summary;
    s.output_bytes = stream_->bytes_written();
    s.seconds = report_.seconds_since_start();
    s.outputs = {"-"};
    s.quality.output_formats = opt_.to;
    if (!s.interrupted) stream_->commit(report_.report_text(opt_.inputs));
    s.exit_code = stream_->gone()         ? kExitStreamClosed
                  : s.interrupted        ? kExitInterrupted
                  : s.rejected || s.files_failed ? kExitDataProblems
                                                 : kExitOk;
    return s;
  }

  // A record belongs to this run's shard when its patient key hashes into it; a record without a
  // key belongs to shard 1, so that it is counted (and rejected) exactly once across the shards.
  bool in_shard(const SourceRecord& rec) const {
    if (!opt_.shard_count) return true;
    const auto* pid = rec.get("patient_id");
    if (!pid || pid->value.empty()) return opt_.shard_index == 1;
    return patient_shard_hash(pid->value) % opt_.shard_count == opt_.shard_index - 1;
  }

  void count_shard_skips() {
    if (!opt_.shard_count) return;
    auto& s = report_.summary;
    s.read += shard_skipped_;
    s.skipped += shard_skipped_;
    s.skipped_by_reason["shard"] += shard_skipped_;
    s.shard_index = opt_.shard_index;
    s.shard_count = opt_.shard_count;
  }

  // What a merge compares to tell that shards read the same input: its size and digest (taken
  // before the run for meta.source; empty for a pipe, which cannot be read twice).
  void note_shard_input(const std::string& display, std::uint64_t bytes_read) {
    const auto i = report_.summary.shard_inputs.size();  // called once per input, in order
    report_.summary.shard_inputs.push_back({display, inputs_.digests().at(i).sha256, bytes_read});
  }

  int spill_fd() const { return files_ ? files_->staging_fd() : scratch_->fd(); }
  std::string spill_path() const { return files_ ? files_->staging_path() : scratch_->path(); }

  // `path`: what to open, the input itself or its copy (a stream read before the run)
  void convert_input(const std::string& input, const std::string& path) {
    std::string display = input == "-" ? "<stdin>" : input;
    if (input != "-") {
      std::error_code ec;
      report_.add_input_size(fs::file_size(input, ec));
    }
    // read(2) that gives way to SIGINT/SIGTERM at once, even on a FIFO or pipe that sends nothing
    intake_->begin_input();
    OpenedInput in(path, opt_.from, formats_, reader_config(opt_, tables_, columns_, display), intake_->reader_diagnostics(),
                   tables_);
    auto& reader = in.reader();
    ++report_.summary.quality.input_formats[in.format().name];
    SourceRecord rec;
    while (!stopped() && reader.next(rec)) {
      if (!in_shard(rec)) {
        ++shard_skipped_;
        rec.clear();
        continue;
      }
      intake_->add(std::move(rec));
      rec = SourceRecord{};
      report_.set_bytes_read(completed_bytes_ + reader.bytes_read());
    }
    completed_bytes_ += reader.bytes_read();
    report_.set_bytes_read(completed_bytes_);
    if (reader.failed()) ++report_.summary.files_failed;
    if (in.read_failed()) throw IoError("read error on " + display);
    if (opt_.shard_count) note_shard_input(display, reader.bytes_read());
  }

  // Runs on the producer thread, in input order.
  void write(WorkResult& r) {
    if (warn_default_systems_ && r.default_systems_at) {
      warn_default_systems_ = false;
      r.diagnostics.push_back({Severity::warning, "NC-ID-003", *r.default_systems_at,
                               "no registry id (--registry-id, registry_id in --cda-config, NAACCR registryId): the default identifier "
                               "systems urn:netconv:patient-id and urn:netconv:fact are for local experiments; two registries "
                               "loaded into one server would overwrite each other",
                               ""});
      ++r.counts.warnings_by_code["NC-ID-003"];
    }
    for (const auto& d : r.diagnostics) diags_.report(d);
    if (stream_) return write_stream(r);
    // the item's pieces of each appended file (a few KiB per patient) go out in one gathered
    // write per file: this thread orders and writes for every worker
    std::vector<std::pair<const std::string*, std::vector<std::string_view>>> appends;
    for (const auto& c : r.chunks) {
      if (c.whole_file) {
        files_->write_whole(c.path, c.bytes);
        continue;
      }
      auto it = std::find_if(appends.begin(), appends.end(), [&](const auto& a) { return *a.first == c.path; });
      if (it == appends.end()) it = appends.insert(appends.end(), {&c.path, {}});
      it->second.push_back(c.bytes);
    }
    for (const auto& [path, pieces] : appends) files_->append(*path, pieces);
    reject_order_->take(r, [this](const std::string& lines) { write_rejects(lines); });
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
      files_->append(deletes, delete_bundle(e.resources));
      s.delta_resources["deleted"] += e.resources.size();
      ++s.delta_patients["deleted"];
    }
    for (auto at : missing.kept) {
      files_->append("manifest.ndjson", manifest_line(previous_.entries()[at]));
      ++s.delta_patients["kept_missing"];
    }
  }

  // The item's chunks in the order the writers made them: patient by patient, each patient's
  // lines as its writer renders them. After the reader has gone the item is still counted.
  void write_stream(WorkResult& r) {
    std::vector<std::string_view> pieces;
    for (const auto& c : r.chunks) {
      if (c.path == "manifest.ndjson") continue;  // the manifest describes a folder; a stream has none
      if (c.whole_file) throw ConfigError("output " + c.path + " is a whole file per patient: it cannot be streamed to standard output (-o -)");
      pieces.push_back(c.bytes);
    }
    stream_->write(pieces);
    reject_order_->take(r, [this](const std::string& lines) { write_rejects(lines); });
    report_.merge(r.counts);
  }

  // rejects.ndjson in input order: items in patient-key order have theirs sorted at the end
  void start_reject_order(bool items_in_input_order) {
    std::vector<std::string> shown;
    for (const auto& input : opt_.inputs) shown.push_back(input == "-" ? "<stdin>" : input);
    reject_order_ = std::make_unique<RejectOrder>(items_in_input_order, opt_.memory_limit / 4, spill_fd(), spill_path(), shown);
  }

  void write_rejects(const std::string& lines) {
    if (stream_) {
      stream_->write_rejects(lines);
    } else {
      files_->append("rejects.ndjson", lines);
      rejects_digest_.add_lines(lines);
    }
  }

  const ConvertOptions& opt_;
  const MappingSet& tables_;
  DiagnosticSink& diags_;
  const HashedInputs& inputs_;
  const FormatRegistry& formats_;
  PreviousManifest previous_;        // --since, else empty
  std::vector<bool> previous_seen_;  // the previous patients this run wrote
  std::unique_ptr<OutputFiles> files_;    // null when streaming to standard output
  std::unique_ptr<StreamOutput> stream_;  // null when writing a folder
  std::unique_ptr<ScratchFolder> scratch_;  // streaming only: where the sort spills (before intake_: outlives it)
  ColumnMap columns_;
  OutputStage outputs_;
  PatientWork work_;
  RunReport report_;
  PatientGrouper grouper_;
  std::unique_ptr<RecordIntake> intake_;      // after files_: its run files go before the staging folder
  std::unique_ptr<RejectOrder> reject_order_;
  report::RejectDigest rejects_digest_;  // the run report's most frequent reject reasons
  std::uint64_t completed_bytes_ = 0;
  bool warn_default_systems_ = needs_registry_warning(opt_, /*delta=*/!opt_.since.empty());
  std::uint64_t shard_skipped_ = 0;  // records read that belong to other shards
  // declared last: destroyed (threads joined) before the members their tasks use
  OrderedPipeline<WorkItem, WorkResult> pipeline_;
  std::unique_ptr<WorkerPool> pool_;
};

}  // namespace

ConvertSummary convert(const ConvertOptions& options, const MappingSet& tables, DiagnosticSink& diags) {
  // named before the first record: the digest is of the tables this run maps with, even if the
  // folder changes while it runs
  ConvertOptions opt = options;
  auto& lineage = opt.writer.lineage;
  lineage.tables_sha256 = report::mapping_tables_sha256(tables.dir());
  HashedInputs inputs(options.inputs);
  lineage.inputs = inputs.digests();
  std::vector<std::string> digests;
  for (const auto& in : lineage.inputs) digests.push_back(in.sha256);
  lineage.run_id = run_id(NETCONV_VERSION, lineage.tables_sha256, digests);
  lineage.meta_source = meta_source_uri(run_registry_id(options), lineage.run_id);
  Run run(opt, tables, diags, inputs);
  return run.run();
}

}  // namespace netconv
