#include "pipeline/convert.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <unordered_set>

#include "core/errors.hpp"
#include "core/json_writer.hpp"
#include "mapping/mapper.hpp"
#include "pipeline/output_files.hpp"
#include "readers/reader.hpp"

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

std::string reject_line(const RecordOutcome& o, const Location& where) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().member("input", where.file).member_number("line", std::to_string(where.line))
      .member("record_key", o.patient_id + "/" + o.tumor_id).key("reasons").begin_array();
  for (const auto& r : o.reasons) {
    w.begin_object().member("code", r.code).member("field", r.location.field)
        .member_number("line", std::to_string(r.location.line)).member_number("column", std::to_string(r.location.column))
        .member("message", r.message).end_object();
  }
  w.end_array().end_object();
  out += '\n';
  return out;
}

class Run {
 public:
  Run(const ConvertOptions& opt, const MappingSet& t, DiagnosticSink& diags)
      : opt_(opt), t_(t), diags_(diags), files_(opt.output_dir),
        mapper_(t, MapperOptions{opt.patient_id_system.empty() ? t.constant("fhir.system.patient_id_default") : opt.patient_id_system}),
        writers_(make_writers(opt.to, opt.writer, t)) {
    if (!opt.columns_file.empty()) columns_ = load_column_map(opt.columns_file);
  }

  ConvertSummary run() {
    prepare_output_dir();
    files_.ensure("rejects.ndjson");
    for (const auto& input : opt_.inputs) convert_input(input);
    flush_patient();
    s_.outputs = files_.commit();
    write_report();
    s_.exit_code = s_.rejected || s_.files_failed ? kExitDataProblems : kExitOk;
    return s_;
  }

 private:
  void prepare_output_dir() {
    std::error_code ec;
    fs::create_directories(opt_.output_dir, ec);
    if (ec) throw IoError("cannot create output directory " + opt_.output_dir + ": " + ec.message());
    // outputs of an earlier run would mix with this one's: remove the files netconv owns
    for (const auto& w : writers_) {
      fs::path sub = fs::path(opt_.output_dir) / w->directory();
      if (!fs::is_directory(sub, ec)) continue;
      for (const auto& e : fs::directory_iterator(sub, ec)) {
        auto ext = e.path().extension().string();
        if (e.is_regular_file() && (ext == ".ndjson" || ext == ".xml" || ext == ".part")) fs::remove(e.path(), ec);
      }
    }
  }

  void convert_input(const std::string& input) {
    std::ifstream file;
    std::istream* in = &std::cin;
    std::string display = input == "-" ? "<stdin>" : input;
    if (input != "-") {
      file.open(input, std::ios::binary);
      if (!file) throw IoError("cannot open input " + input);
      in = &file;
    }
    std::string format = opt_.from;
    if (format.empty()) {
      auto ext = fs::path(input).extension().string();
      format = ext == ".ndjson" || ext == ".jsonl" ? "ndjson" : ext == ".xml" ? "naaccr-xml" : "csv";
    }
    ReaderConfig cfg{display, columns_.renames.empty() ? nullptr : &columns_};
    cfg.naaccr_dictionary = opt_.naaccr_dictionary;
    std::unique_ptr<RecordReader> reader;
    if (format == "csv") reader = make_csv_reader(*in, cfg, diags_);
    else if (format == "ndjson") reader = make_ndjson_reader(*in, cfg, diags_);
    else if (format == "naaccr-xml") reader = make_naaccr_reader(*in, cfg, diags_);
    else throw ConfigError("unknown input format '" + format + "' (expected csv or ndjson)");
    SourceRecord rec;
    while (reader->next(rec)) handle(rec);
    if (reader->failed()) ++s_.files_failed;
    if (in->bad()) throw IoError("read error on " + display);
  }

  void handle(const SourceRecord& rec) {
    ++s_.read;
    RecordOutcome o = mapper_.map(rec);
    for (const auto& c : o.counted) ++s_.counted[c];
    for (const auto& w : o.warnings) {
      diags_.report(w);
      ++s_.warnings_by_code[w.code];
    }
    if (o.kind == RecordOutcome::Kind::skipped) {
      ++s_.skipped;
      ++s_.skipped_by_reason[o.skip_reason];
      return;
    }
    // rows of one patient are contiguous: a patient seen before, then left, is an error
    if (!o.patient_id.empty() && o.patient_id != current_patient_) {
      flush_patient();
      current_patient_ = o.patient_id;
      if (!seen_patients_.insert(Mapper::hash_id({"seen", o.patient_id})).second) {
        o.reasons.push_back({Severity::error, "NC-REC-006", rec.location,
                             "patient reappears after other patients (sort the input by patient first)", ""});
        o.kind = RecordOutcome::Kind::rejected;
        reappeared_ = true;
      } else {
        reappeared_ = false;
      }
    } else if (reappeared_) {
      o.reasons.push_back({Severity::error, "NC-REC-006", rec.location,
                           "patient reappears after other patients (sort the input by patient first)", ""});
      o.kind = RecordOutcome::Kind::rejected;
    }
    if (o.kind == RecordOutcome::Kind::rejected) {
      reject(o, rec.location);
      return;
    }
    if (group_.cases.empty()) {
      group_.patient = o.net_case.patient;
    } else if (!(group_.patient.birth_date == o.net_case.patient.birth_date)) {
      Diagnostic d{Severity::warning, "NC-REC-005", rec.location, "patient's birth_date differs from an earlier row; the first is kept", ""};
      diags_.report(d);
      ++s_.warnings_by_code[d.code];
    }
    ++s_.converted;
    group_.cases.push_back(std::move(o.net_case));
  }

  void reject(const RecordOutcome& o, const Location& where) {
    ++s_.rejected;
    for (const auto& r : o.reasons) {
      diags_.report(r);
      ++s_.rejected_by_code[r.code];
    }
    files_.append("rejects.ndjson", reject_line(o, where));
  }

  void flush_patient() {
    if (group_.cases.empty()) return;
    for (const auto& w : writers_) {
      RenderedPatient out;
      w->render(group_, out);
      for (auto& c : out.chunks) {
        if (c.whole_file) files_.write_whole(c.path, c.bytes);
        else files_.append(c.path, c.bytes);
      }
      for (const auto& [k, v] : out.resource_counts) s_.resources_by_type[k] += v;
    }
    ++s_.patients_written;
    group_ = {};
  }

  void write_report() {
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
        .member_number("files_failed", std::to_string(s_.files_failed));
    counts("skipped_by_reason", s_.skipped_by_reason);
    counts("rejected_by_code", s_.rejected_by_code);
    counts("warnings_by_code", s_.warnings_by_code);
    counts("resources_by_type", s_.resources_by_type);
    counts("counted", s_.counted);
    w.key("outputs").begin_array();
    for (const auto& o : s_.outputs) w.string(o);
    w.end_array().end_object();
    out += '\n';
    std::string path = opt_.output_dir + "/report.json";
    std::ofstream f(path + ".part", std::ios::binary);
    f << out;
    f.close();
    if (!f) throw IoError("cannot write " + path);
    std::error_code ec;
    fs::rename(path + ".part", path, ec);
    if (ec) throw IoError("cannot write " + path + ": " + ec.message());
  }

  const ConvertOptions& opt_;
  const MappingSet& t_;
  DiagnosticSink& diags_;
  OutputFiles files_;
  Mapper mapper_;
  std::vector<std::unique_ptr<OutputWriter>> writers_;
  ColumnMap columns_;
  ConvertSummary s_;
  model::PatientCases group_;
  std::string current_patient_;
  bool reappeared_ = false;
  std::unordered_set<std::string> seen_patients_;
};

}  // namespace

ConvertSummary convert(const ConvertOptions& options, const MappingSet& tables, DiagnosticSink& diags) {
  Run run(options, tables, diags);
  return run.run();
}

}  // namespace netconv
