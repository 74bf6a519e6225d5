// Engine::convert: one input held in memory, read by its format's reader, grouped by patient and
// converted by the same per-patient work as the folder pipeline (pipeline/work.hpp), on the
// calling thread. Instead of files, each patient's outputs go to the caller's Sink.
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <streambuf>

#include "api/engine_impl.hpp"
#include "core/errors.hpp"
#include "pipeline/record_intake.hpp"
#include "pipeline/grouping.hpp"
#include "pipeline/input.hpp"

namespace netconv {

namespace {

// The caller's bytes as a stream, read in place (readers never write to their stream).
class ViewBuf : public std::streambuf {
 public:
  explicit ViewBuf(std::string_view s) {
    char* p = const_cast<char*>(s.data());
    setg(p, p, p + s.size());
  }
};

template <class F>
void call_sink(F&& f) {
  try {
    f();
  } catch (...) {
    throw SinkThrew{std::current_exception()};
  }
}

// One rejects.ndjson line (pipeline/checking.hpp reject_line) as the public struct.
RejectedRecord parse_reject(std::string_view line) {
  const auto j = nlohmann::json::parse(line);
  RejectedRecord r;
  r.record_key = j.value("record_key", "");
  r.input = j.value("input", "");
  r.line = j.value("line", std::uint64_t{0});
  for (const auto& reason : j.at("reasons")) {
    Issue i;
    i.code = reason.value("code", "");
    i.message = reason.value("message", "");
    i.field = reason.value("field", "");
    i.where = reason.contains("output") ? reason.value("output", "") : r.input;
    i.line = reason.value("line", std::uint64_t{0});
    i.column = reason.value("column", std::uint64_t{0});
    r.reasons.push_back(std::move(i));
  }
  return r;
}

template <class F>
void for_each_line(std::string_view text, F&& f) {
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty()) f(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

void add_counts(Counts& c, const ConvertSummary& s) {
  c.read += s.read;
  c.converted += s.converted;
  c.rejected += s.rejected;
  c.skipped += s.skipped;
  c.patients += s.patients_written;
  for (const auto& [k, v] : s.rejected_by_code) c.rejected_by_code[k] += v;
  for (const auto& [k, v] : s.skipped_by_reason) c.skipped_by_reason[k] += v;
  for (const auto& [k, v] : s.warnings_by_code) c.warnings_by_code[k] += v;
  for (const auto& [k, v] : s.resources_by_type) c.outputs_by_type[k] += v;
}

// Hands a reader's diagnostics on as they come (the sort reports them before any patient).
class ForwardingSink : public DiagnosticSink {
 public:
  explicit ForwardingSink(std::function<void(const Diagnostic&)> to) : to_(std::move(to)) {}
  void report(const Diagnostic& d) override { to_(d); }

 private:
  std::function<void(const Diagnostic&)> to_;
};

class MemoryRun {
 public:
  MemoryRun(const EngineState& e, const ConvertRequest& req, Sink& sink)
      : engine_(e), stage_(e.stage_for(req)), req_(req), sink_(sink),
        // one patient per work item: each item's outputs belong to the patient it holds
        grouper_(1, e.base.max_rows_per_patient, [this](WorkItem&& w) { take(std::move(w)); }),
        hold_(req.max_records > 0) {}

  Counts run(std::string_view input) {
    if (req_.max_input_bytes && input.size() > req_.max_input_bytes)
      throw Error(ErrorKind::limit, "input exceeds " + std::to_string(req_.max_input_bytes) + " bytes (max_input_bytes)");
    const InputFormat& format = input_format(input);
    ViewBuf buf(input);
    std::istream stream(&buf);
    intake_.begin_input();
    auto reader = format.open(stream, reader_config(stage_.options, engine_.tables, engine_.columns, req_.input_name),
                              intake_.reader_diagnostics(), engine_.tables);
    SourceRecord rec;
    while (reader->next(rec)) {
      intake_.add(std::move(rec));
      rec = SourceRecord{};
      count_record();
    }
    intake_.finish([] { return false; });
    counts_.input_failed = reader->failed();
    // with a record limit nothing was delivered until the whole input was known to be within it
    for (auto& item : held_) process(item);
    return counts_;
  }

 private:
  const InputFormat& input_format(std::string_view input) const {
    const auto& formats = engine_.formats;
    if (req_.from.empty()) return formats.detect(input.substr(0, kSniffBytes), req_.input_name);
    if (const auto* f = formats.input(req_.from)) return *f;
    throw ConfigError("unknown input format '" + req_.from + "' (expected " + formats.input_names() + ")");
  }

  void count_record() {
    if (req_.max_records && ++records_ > req_.max_records)
      throw Error(ErrorKind::limit, "input has more than " + std::to_string(req_.max_records) + " records (max_records)");
  }

  void take(WorkItem&& item) {
    if (hold_) held_.push_back(std::move(item));
    else process(item);
  }

  void process(WorkItem& item) {
    std::string patient_key;
    if (!item.patients.empty() && !item.patients.front().records.empty())
      if (const auto* pid = item.patients.front().records.front().get("patient_id")) patient_key = pid->value;
    WorkResult r = stage_.work->process(item);
    add_counts(counts_, r.counts);
    for (const auto& d : r.diagnostics) call_sink([&] { sink_.on_diagnostic(to_issue(d)); });
    for (const auto& c : r.chunks) deliver(c, patient_key);
    for_each_line(r.rejects, [&](std::string_view line) {
      const RejectedRecord rec = parse_reject(line);
      call_sink([&] { sink_.on_reject(rec); });
    });
  }

  // A chunk goes to the callback of the output format whose folder it is in.
  void deliver(const OutputChunk& c, const std::string& patient_key) {
    std::string_view path = c.path;
    if (path == "manifest.ndjson") return;  // an output folder's index: a sink has no folder
    if (path.rfind("fhir/", 0) == 0) {
      std::string_view file = path.substr(5);
      const std::string_view type = file == "bundles.ndjson" ? std::string_view("Bundle") : file.substr(0, file.find('.'));
      for_each_line(c.bytes, [&](std::string_view json) { call_sink([&] { sink_.on_fhir(patient_key, type, json); }); });
    } else if (path.rfind("cda/", 0) == 0) {
      std::string_view key = path.substr(4);
      if (key.size() > 4 && key.substr(key.size() - 4) == ".xml") key.remove_suffix(4);
      call_sink([&] { sink_.on_cda(patient_key, key, c.bytes); });
    } else {
      throw std::logic_error("an output chunk of no known format: " + c.path);
    }
  }

  const EngineState& engine_;
  const EngineStage& stage_;
  const ConvertRequest& req_;
  Sink& sink_;
  PatientGrouper grouper_;
  ForwardingSink reader_diags_{[this](const Diagnostic& d) { call_sink([&] { sink_.on_diagnostic(to_issue(d)); }); }};
  // patients in key order whatever the input's order, as the CLI groups them; the whole input is
  // in memory already (max_input_bytes bounds it), so the sort never spills
  RecordIntake intake_{false, std::numeric_limits<std::size_t>::max() / 4, grouper_, reader_diags_, -1, ""};
  bool hold_;
  std::vector<WorkItem> held_;
  std::uint64_t records_ = 0;
  Counts counts_;
};

}  // namespace

Counts convert_in_memory(const EngineState& engine, std::string_view input, const ConvertRequest& request, Sink& sink) {
  MemoryRun run(engine, request, sink);
  return run.run(input);
}

}  // namespace netconv
