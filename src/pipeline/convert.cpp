#include "pipeline/convert.hpp"

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "core/errors.hpp"
#include "core/json_writer.hpp"
#include "mapping/mapper.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"
#include "pipeline/id_set.hpp"
#include "pipeline/output_files.hpp"
#include "pipeline/work_queue.hpp"
#include "readers/reader.hpp"
#include "report/reject_digest.hpp"
#include "report/run_folder.hpp"
#include "validation/cda_validator.hpp"
#include "validation/fhir_validator.hpp"

#include <nlohmann/json.hpp>

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

std::string resolve_mappings_dir(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("NETCONV_MAPPINGS"); env && *env) return env;
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (auto cand : {exe.parent_path().parent_path() / "share/netconv/mappings", exe.parent_path().parent_path() / "mappings"})
      if (fs::exists(cand / "concepts.tsv", ec)) return cand.string();
  }
  return std::string(NETCONV_SOURCE_DIR) + "/mappings";
}

namespace {

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

// Records of one patient, contiguous in the input.
struct PatientRecords {
  std::vector<SourceRecord> records;
  bool reappeared = false;  // the patient was seen before other patients: every record is rejected
  bool too_many = false;    // more than max_rows_per_patient records: every record is rejected, kept as keys only
  bool continued = false;   // a later part of a too_many patient (reported once, on the first part)
};

// One unit of parallel work, and what it produced. Diagnostics travel with the work so stderr
// is in input order whatever the thread count.
struct WorkItem {
  std::vector<Diagnostic> reader_diagnostics;  // reported before this item's records
  std::vector<PatientRecords> patients;
};
struct WorkResult {
  std::vector<Diagnostic> diagnostics;
  std::vector<OutputChunk> chunks;
  std::string rejects;
  ConvertSummary counts;
};

// Buffers a reader's diagnostics until the next work item leaves, keeping them in order.
class BufferSink : public DiagnosticSink {
 public:
  void report(const Diagnostic& d) override { items.push_back(d); }
  std::vector<Diagnostic> items;
};

class Run {
 public:
  Run(const ConvertOptions& opt, const MappingSet& t, DiagnosticSink& diags)
      : opt_(opt), tables_(t), diags_(diags), files_(opt.output_dir),
        mapper_(t, MapperOptions{opt.patient_id_system.empty() ? t.constant("fhir.system.patient_id_default") : opt.patient_id_system,
                                 opt.icd10cm_current_edition}),
        writers_(make_writers(opt.to, opt.writer, t)),
        pipeline_(nullptr, 0, [this](WorkItem& w) { return process(w); }, [this](WorkResult& r) { write(r); }) {
    if (!opt.columns_file.empty()) columns_ = load_column_map(opt.columns_file);
    if (opt.validate) {
      const auto load_start = std::chrono::steady_clock::now();
      for (const auto& f : opt.to) {
        if (f == "fhir") {
          FhirValidatorOptions vo;
          vo.schema_file = opt.fhir_schema;
          vo.memoize = opt.validation_cache;
          // the types the FHIR writer emits (and the base types every resource derives from)
          vo.resource_types = {"Resource", "DomainResource", "Patient", "Condition", "Observation", "Procedure",
                               "MedicationAdministration", "Bundle"};
          fhir_validator_ = std::make_unique<FhirValidator>(FhirValidator::load(resolve_fhir_packages_dir(opt.fhir_packages), vo));
        }
        if (f == "cda") cda_validator_ = std::make_unique<CdaValidator>(cda_schema_path(opt.cda_schema), opt.validation_cache);
      }
      // the definitions were parsed into large temporary documents: give that memory back before
      // the records start, so the run's peak is the compiled rules plus the records in flight
      malloc_trim(0);
      s_.validator_load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
    }
    if (opt.jobs > 1024 || opt.batch_records < 1) throw ConfigError("jobs must be 0-1024 and batch at least 1");
    unsigned jobs = opt.jobs ? opt.jobs : std::clamp(std::thread::hardware_concurrency(), 1u, 1024u);
    if (jobs > 1) {
      pool_ = std::make_unique<WorkerPool>(jobs);
      pipeline_ = OrderedPipeline<WorkItem, WorkResult>(pool_.get(), jobs * 4, [this](WorkItem& w) { return process(w); },
                                                        [this](WorkResult& r) { write(r); });
    }
  }

  ConvertSummary run() {
    start_ = std::chrono::steady_clock::now();
    files_.begin();  // the output folder: locked, cleaned of killed runs, a staging folder made
    files_.ensure("rejects.ndjson");
    for (const auto& input : opt_.inputs) {
      if (interrupt_requested()) break;
      convert_input(input);
    }
    submit();
    pipeline_.finish();
    if (progress_shown_) std::fputs("\n", stderr);
    s_.interrupted = interrupt_requested();
    // an interrupted run's staged files are dropped and its counts go to report.interrupted.json;
    // a completed one is made durable and switched into place with its report (docs/output-folder.md)
    if (!s_.interrupted) s_.outputs = files_.finish();
    s_.output_bytes = files_.bytes_written();
    s_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (s_.interrupted) {
      files_.abandon(report_text());
    } else {
      // the run report is drawn from the report it commits with, the same way `netconv report` does
      s_.outputs.push_back("report.html");
      s_.quality.mapping_tables_sha256 = report::mapping_tables_sha256(tables_.dir());
      s_.quality.output_formats = opt_.to;
      const std::string report = report_text();
      files_.commit(report, report::render_report_text(report, rejects_digest_, {opt_.show_values}, "report.json"));
    }
    s_.exit_code = s_.interrupted ? kExitInterrupted : s_.rejected || s_.files_failed ? kExitDataProblems : kExitOk;
    return s_;
  }

 private:
  void convert_input(const std::string& input) {
    // read(2) that gives way to SIGINT/SIGTERM at once, even on a FIFO or pipe that sends nothing
    InputFile source(input);
    std::istream stream(&source);
    std::istream* in = &stream;
    std::string display = input == "-" ? "<stdin>" : input;
    if (input != "-") {
      std::error_code ec;
      total_bytes_ += fs::file_size(input, ec);
    }
    std::string format = opt_.from;
    if (format.empty()) {
      auto ext = fs::path(input).extension().string();
      format = ext == ".ndjson" || ext == ".jsonl" ? "ndjson" : ext == ".xml" ? "naaccr-xml" : "csv";
    }
    ReaderConfig cfg{display, columns_.renames.empty() ? nullptr : &columns_};
    cfg.naaccr_dictionary = opt_.naaccr_dictionary;
    cfg.mappings_dir = tables_.dir();
    cfg.max_records_per_patient = opt_.max_rows_per_patient;
    std::unique_ptr<RecordReader> reader;
    if (format == "csv") reader = make_csv_reader(*in, cfg, reader_diags_);
    else if (format == "ndjson") reader = make_ndjson_reader(*in, cfg, reader_diags_);
    else if (format == "naaccr-xml") reader = make_naaccr_reader(*in, cfg, reader_diags_);
    else throw ConfigError("unknown input format '" + format + "' (expected csv, ndjson or naaccr-xml)");
    ++s_.quality.input_formats[format];
    SourceRecord rec;
    while (!interrupt_requested() && reader->next(rec)) {
      add(std::move(rec));
      rec = SourceRecord{};
      bytes_done_before_ = reader->bytes_read();
    }
    done_bytes_ += reader->bytes_read();
    bytes_done_before_ = 0;
    if (reader->failed()) ++s_.files_failed;
    if (in->bad() || source.failed()) throw IoError("read error on " + display);
  }

  // Groups contiguous records of one patient; a patient seen before other patients is marked so
  // its later records are rejected (the input must be sorted by patient).
  void add(SourceRecord&& rec) {
    const auto* pid = rec.get("patient_id");
    std::string id = pid ? pid->value : "";
    bool same = !id.empty() && !item_.patients.empty() && id == current_patient_;
    if (!same) {
      if (item_records_ >= opt_.batch_records) submit();
      PatientRecords p;
      if (!id.empty()) {
        auto h = sha256(id);
        std::uint64_t key = 0;
        for (int i = 0; i < 8; ++i) key = (key << 8) | h[i];
        p.reappeared = !seen_patients_.insert(key);
      }
      item_.patients.push_back(std::move(p));
      current_patient_ = id;
    }
    if (!same) current_rows_ = 0;
    if (++current_rows_ > opt_.max_rows_per_patient) {
      // beyond the bound the patient is rejected whole: its records shrink to their keys and go
      // on in batches, so one patient cannot hold the run's memory
      if (!item_.patients.back().too_many) {
        item_.patients.back().too_many = true;
        for (auto& r : item_.patients.back().records) keep_key_only(r);
      } else if (item_records_ >= opt_.batch_records) {
        submit();
        item_.patients.push_back(PatientRecords{{}, false, true, true});
      }
      keep_key_only(rec);
    }
    item_.patients.back().records.push_back(std::move(rec));
    ++item_records_;
  }

  static void keep_key_only(SourceRecord& rec) {
    std::vector<RawField> keys;
    for (auto& f : rec.fields)
      if (f.name == "patient_id" || f.name == "tumor_id") keys.push_back(std::move(f));
    rec.fields = std::move(keys);
    rec.problems.clear();
  }

  // Every record of a patient over max_rows_per_patient is rejected (NC-REC-007), told once.
  void reject_too_many(const PatientRecords& patient, WorkResult& r) const {
    auto& s = r.counts;
    for (const auto& rec : patient.records) {
      Diagnostic d{Severity::error, "NC-REC-007", rec.location,
                   "patient has more than " + std::to_string(opt_.max_rows_per_patient) +
                       " records (--max-rows-per-patient): all of them are rejected",
                   ""};
      if (&rec == &patient.records.front() && !patient.continued) r.diagnostics.push_back(d);
      ++s.read;
      ++s.rejected;
      ++s.rejected_by_code[d.code];
      const auto* pid = rec.get("patient_id");
      const auto* tid = rec.get("tumor_id");
      std::string p = pid ? pid->value : "", t = tid && !tid->value.empty() ? tid->value : "1";
      clear_unreportable_key(p, t);
      r.rejects += reject_line(p + "/" + t, rec.location, {d});
    }
  }

  void submit() {
    item_.reader_diagnostics = std::move(reader_diags_.items);
    reader_diags_.items.clear();
    if (item_.patients.empty() && item_.reader_diagnostics.empty()) return;
    pipeline_.submit(std::move(item_));
    item_ = WorkItem{};
    item_records_ = 0;
  }

  // Runs on a worker: pure function of the item and the (read-only) tables and writers.
  WorkResult process(WorkItem& item) const {
    WorkResult r;
    r.diagnostics = std::move(item.reader_diagnostics);
    auto& s = r.counts;
    for (auto& patient : item.patients) {
      if (patient.too_many) { reject_too_many(patient, r); continue; }
      model::PatientCases group;
      for (const auto& rec : patient.records) {
        ++s.read;
        RecordOutcome o = mapper_.map(rec);
        for (const auto& c : o.counted) ++s.counted[c];
        for (const auto& w : o.warnings) {
          r.diagnostics.push_back(w);
          ++s.warnings_by_code[w.code];
        }
        if (o.kind == RecordOutcome::Kind::skipped) {
          ++s.skipped;
          ++s.skipped_by_reason[o.skip_reason];
          continue;
        }
        if (patient.reappeared) {
          o.reasons.push_back({Severity::error, "NC-REC-006", rec.location,
                               "patient reappears after other patients (sort the input by patient first)", ""});
          o.kind = RecordOutcome::Kind::rejected;
        }
        if (o.kind == RecordOutcome::Kind::rejected) {
          ++s.rejected;
          for (const auto& reason : o.reasons) {
            r.diagnostics.push_back(reason);
            ++s.rejected_by_code[reason.code];
          }
          r.rejects += reject_line(o.patient_id + "/" + o.tumor_id, rec.location, o.reasons);
          continue;
        }
        if (group.cases.empty()) {
          group.patient = o.net_case.patient;
        } else if (!(group.patient.birth_date == o.net_case.patient.birth_date)) {
          Diagnostic d{Severity::warning, "NC-REC-005", rec.location,
                       "patient's birth_date differs from an earlier row; the first is kept", ""};
          r.diagnostics.push_back(d);
          ++s.warnings_by_code[d.code];
        }
        ++s.converted;
        group.cases.push_back(std::move(o.net_case));
      }
      render_validated(group, r);
    }
    return r;
  }

  // Renders a patient with every writer and checks each output before anything is written. A
  // record whose output fails is rejected with the violations and the patient is rendered
  // again without it, so no invalid output is ever written as if it were good.
  void render_validated(model::PatientCases& group, WorkResult& r) const {
    auto& s = r.counts;
    while (!group.cases.empty()) {
      std::vector<RenderedPatient> rendered(writers_.size());
      for (std::size_t i = 0; i < writers_.size(); ++i) {
        rendered[i].describe_targets = opt_.validate;
        writers_[i]->render(group, rendered[i]);
      }
      std::map<std::string, std::vector<Diagnostic>> failed;  // record key ("" = every record) -> violations
      if (opt_.validate) {
        const auto check_start = std::chrono::steady_clock::now();
        for (const auto& out : rendered) check(out, failed);
        s.validation_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - check_start).count();
      }
      if (failed.empty()) {
        for (auto& out : rendered) {
          for (auto& c : out.chunks) r.chunks.push_back(std::move(c));
          for (const auto& [k, v] : out.resource_counts) s.resources_by_type[k] += v;
        }
        for (const auto& nc : group.cases) s.quality.add(nc);
        ++s.patients_written;
        return;
      }
      std::vector<model::NetCase> kept;
      for (auto& nc : group.cases) {
        auto it = failed.find(nc.record_key);
        bool all = failed.count("") > 0;
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
        r.rejects += reject_line(nc.record_key, nc.location, reasons);
      }
      group.cases = std::move(kept);
    }
  }

  void check(const RenderedPatient& out, std::map<std::string, std::vector<Diagnostic>>& failed) const {
    for (const auto& t : out.targets) {
      if (t.media != "fhir-json" || !fhir_validator_) continue;
      std::string_view json(out.chunks[t.chunk].bytes.data() + t.offset, t.length);
      std::string label = t.label;
      for (const auto& issue : fhir_validator_->errors(json)) {
        // a FHIR target carries no label: the failed resource is named here, once
        if (label.empty()) label = out.chunks[t.chunk].path + " " + fhir_resource_label(nlohmann::json::parse(json, nullptr, false));
        failed[std::string(t.record_key)].push_back({Severity::error, "NC-OUT-001", {label, 0, 0, issue.path}, issue.rule + ": " + issue.message, ""});
      }
    }
    if (!out.targets.empty() || !cda_validator_) return;
    for (const auto& c : out.chunks)  // writers without targets: each whole file is checked
      if (c.whole_file && c.path.size() > 4 && c.path.compare(c.path.size() - 4, 4, ".xml") == 0)
        for (auto d : cda_validator_->validate(c.bytes, c.path)) {
          if (d.severity != Severity::error) continue;
          failed[""].push_back(std::move(d));
        }
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
    const auto& c = r.counts;
    s_.read += c.read;
    s_.converted += c.converted;
    s_.rejected += c.rejected;
    s_.skipped += c.skipped;
    s_.patients_written += c.patients_written;
    s_.validation_seconds += c.validation_seconds;
    auto merge = [](auto& into, const auto& from) { for (const auto& [k, v] : from) into[k] += v; };
    merge(s_.skipped_by_reason, c.skipped_by_reason);
    merge(s_.rejected_by_code, c.rejected_by_code);
    merge(s_.warnings_by_code, c.warnings_by_code);
    merge(s_.resources_by_type, c.resources_by_type);
    merge(s_.counted, c.counted);
    s_.quality.merge(c.quality);
    if (opt_.progress) show_progress();
  }

  void show_progress() {
    auto now = std::chrono::steady_clock::now();
    if (now - last_progress_ < std::chrono::milliseconds(250)) return;
    last_progress_ = now;
    double secs = std::chrono::duration<double>(now - start_).count();
    double rate = secs > 0 ? s_.read / secs : 0;
    std::uint64_t done = done_bytes_ + bytes_done_before_;
    char buf[200];
    if (total_bytes_ > 0 && done > 0 && done <= total_bytes_) {
      double frac = double(done) / double(total_bytes_);
      double eta = frac > 0 ? secs * (1 - frac) / frac : 0;
      std::snprintf(buf, sizeof buf, "\rnetconv: %llu records, %.0f/s, %llu rejected, %.1f%%, ETA %.0fs   ",
                    (unsigned long long)s_.read, rate, (unsigned long long)s_.rejected, 100 * frac, eta);
    } else {
      std::snprintf(buf, sizeof buf, "\rnetconv: %llu records, %.0f/s, %llu rejected   ", (unsigned long long)s_.read, rate,
                    (unsigned long long)s_.rejected);
    }
    std::fputs(buf, stderr);
    progress_shown_ = true;
  }

  std::string report_text() const {
    std::string out;
    JsonWriter w(out);
    auto counts = [&](const char* name, const std::map<std::string, std::uint64_t>& m) {
      w.key(name).begin_object();
      for (const auto& [k, v] : m) w.member_number(k, std::to_string(v));
      w.end_object();
    };
    w.begin_object().member("tool", "netconv").member("version", NETCONV_VERSION);
    w.key("inputs").begin_array();
    for (const auto& i : opt_.inputs) w.string(i == "-" ? "<stdin>" : i);
    w.end_array();
    w.member_number("read", std::to_string(s_.read)).member_number("converted", std::to_string(s_.converted))
        .member_number("rejected", std::to_string(s_.rejected)).member_number("skipped", std::to_string(s_.skipped))
        .member_number("patients_written", std::to_string(s_.patients_written))
        .member_number("files_failed", std::to_string(s_.files_failed)).member_bool("interrupted", s_.interrupted);
    counts("skipped_by_reason", s_.skipped_by_reason);
    counts("rejected_by_code", s_.rejected_by_code);
    counts("warnings_by_code", s_.warnings_by_code);
    counts("resources_by_type", s_.resources_by_type);
    counts("counted", s_.counted);
    s_.quality.write_json(w);
    w.key("outputs").begin_array();
    for (const auto& o : s_.outputs) w.string(o);
    w.end_array();
    // timing is the one part of the report that differs between runs; it is kept last, on its
    // own line, so that comparisons can drop it
    out += '\n';
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  ",\"timing\":{\"seconds\":%.3f,\"records_per_second\":%.0f,\"input_mb_per_second\":%.2f,\"output_bytes\":%llu,"
                  "\"validation_seconds\":%.3f,\"validator_load_seconds\":%.3f}}\n",
                  s_.seconds, s_.seconds > 0 ? s_.read / s_.seconds : 0.0,
                  s_.seconds > 0 ? (done_bytes_ / 1e6) / s_.seconds : 0.0, (unsigned long long)s_.output_bytes,
                  s_.validation_seconds, s_.validator_load_seconds);
    out += buf;
    return out;
  }

  const ConvertOptions& opt_;
  const MappingSet& tables_;
  DiagnosticSink& diags_;
  OutputFiles files_;
  Mapper mapper_;
  std::vector<std::unique_ptr<OutputWriter>> writers_;
  std::unique_ptr<FhirValidator> fhir_validator_;
  std::unique_ptr<CdaValidator> cda_validator_;
  ColumnMap columns_;
  ConvertSummary s_;
  BufferSink reader_diags_;
  report::RejectDigest rejects_digest_;  // the run report's most frequent reject reasons
  WorkItem item_;
  std::size_t item_records_ = 0, current_rows_ = 0;
  std::string current_patient_;
  IdSet seen_patients_;
  std::chrono::steady_clock::time_point start_, last_progress_;
  std::uint64_t total_bytes_ = 0, done_bytes_ = 0, bytes_done_before_ = 0;
  bool progress_shown_ = false;
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
