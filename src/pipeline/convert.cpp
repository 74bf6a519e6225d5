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
#include "core/ids.hpp"
#include "core/sha256.hpp"
#include "pipeline/checking.hpp"
#include "pipeline/grouping.hpp"
#include "pipeline/input.hpp"
#include "pipeline/output_files.hpp"
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

// One conversion: the producer thread reads the inputs (input part) and groups their records
// into work items (grouping part); workers map, render and check them (work and checking parts);
// the producer writes each item's outputs in input order and counts them (reporting part).
class Run {
 public:
  Run(const ConvertOptions& opt, const MappingSet& t, DiagnosticSink& diags)
      : opt_(opt), tables_(t), diags_(diags), formats_(opt.formats ? *opt.formats : builtin_formats()),
        files_(streaming() ? nullptr : std::make_unique<OutputFiles>(opt.output_dir, formats_.output_directories())),
        stream_(streaming() ? std::make_unique<StreamOutput>(opt.rejects_file, opt.report_file) : nullptr), columns_(opt.columns_file.empty() ? ColumnMap{} : load_column_map(opt.columns_file)),
        outputs_(opt, formats_, t), work_(opt, t, outputs_), report_(opt.progress),
        grouper_(opt.batch_records, opt.max_rows_per_patient, [this](WorkItem&& w) { pipeline_.submit(std::move(w)); }),
        pipeline_(nullptr, 0, [this](WorkItem& w) { return work_.process(w); }, [this](WorkResult& r) { write(r); }) {
    report_.summary.validator_load_seconds = outputs_.checker_load_seconds();
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
    // named before the first record: the digest is of the tables this run maps with, even if the
    // folder changes while it runs
    report_.summary.quality.mapping_tables_sha256 = report::mapping_tables_sha256(tables_.dir());
    if (files_) {
      files_->begin();  // the output folder: locked, cleaned of killed runs, a staging folder made
      files_->ensure("rejects.ndjson");
    }
    for (const auto& input : opt_.inputs) {
      if (stopped()) break;
      convert_input(input);
    }
    grouper_.flush();
    pipeline_.finish();
    report_.end_progress();
    auto& s = report_.summary;
    count_shard_skips();
    s.interrupted = interrupt_requested();
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

  // What a merge compares to tell that shards read the same input: its size and digest, read
  // once more here (files only: standard input cannot be read twice).
  void note_shard_input(const std::string& input, const std::string& display, std::uint64_t bytes_read) {
    ShardInput id{display, "", bytes_read};
    if (input != "-") {
      std::ifstream f(input, std::ios::binary);
      Sha256 h;
      std::string buf(std::size_t{1} << 20, '\0');
      std::uint64_t total = 0;
      while (f.read(buf.data(), static_cast<std::streamsize>(buf.size())) || f.gcount() > 0) {
        h.update(std::string_view(buf.data(), static_cast<std::size_t>(f.gcount())));
        total += static_cast<std::uint64_t>(f.gcount());
      }
      if (f.bad()) throw IoError("read error on " + display);
      id.sha256 = hex_prefix(h.finish(), 32);
      id.bytes = total;
    }
    report_.summary.shard_inputs.push_back(std::move(id));
  }

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
    while (!stopped() && reader.next(rec)) {
      if (!in_shard(rec)) {
        ++shard_skipped_;
        rec.clear();
        continue;
      }
      grouper_.add(std::move(rec));
      rec = SourceRecord{};
      report_.set_bytes_read(completed_bytes_ + reader.bytes_read());
    }
    completed_bytes_ += reader.bytes_read();
    report_.set_bytes_read(completed_bytes_);
    if (reader.failed()) ++report_.summary.files_failed;
    if (in.read_failed()) throw IoError("read error on " + display);
    if (opt_.shard_count) note_shard_input(input, display, reader.bytes_read());
  }

  // Runs on the producer thread, in input order.
  void write(WorkResult& r) {
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
    if (!r.rejects.empty()) {
      files_->append("rejects.ndjson", r.rejects);
      rejects_digest_.add_lines(r.rejects);
    }
    report_.merge(r.counts);
  }

  // The item's chunks in the order the writers made them: patient by patient, each patient's
  // lines as its writer renders them. After the reader has gone the item is still counted.
  void write_stream(WorkResult& r) {
    std::vector<std::string_view> pieces;
    for (const auto& c : r.chunks) {
      if (c.whole_file) throw ConfigError("output " + c.path + " is a whole file per patient: it cannot be streamed to standard output (-o -)");
      pieces.push_back(c.bytes);
    }
    stream_->write(pieces);
    if (!r.rejects.empty()) stream_->write_rejects(r.rejects);
    report_.merge(r.counts);
  }

  const ConvertOptions& opt_;
  const MappingSet& tables_;
  DiagnosticSink& diags_;
  const FormatRegistry& formats_;
  std::unique_ptr<OutputFiles> files_;    // null when streaming to standard output
  std::unique_ptr<StreamOutput> stream_;  // null when writing a folder
  ColumnMap columns_;
  OutputStage outputs_;
  PatientWork work_;
  RunReport report_;
  PatientGrouper grouper_;
  report::RejectDigest rejects_digest_;  // the run report's most frequent reject reasons
  std::uint64_t completed_bytes_ = 0;
  std::uint64_t shard_skipped_ = 0;  // records read that belong to other shards
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
