#include "pipeline/reporting.hpp"

#include <cstdio>

#include "core/json_writer.hpp"

namespace netconv {

double RunReport::seconds_since_start() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void RunReport::merge(const ConvertSummary& c) {
  auto& s = summary;
  s.read += c.read;
  s.converted += c.converted;
  s.rejected += c.rejected;
  s.skipped += c.skipped;
  s.patients_written += c.patients_written;
  s.validation_seconds += c.validation_seconds;
  auto add = [](auto& into, const auto& from) { for (const auto& [k, v] : from) into[k] += v; };
  add(s.skipped_by_reason, c.skipped_by_reason);
  add(s.rejected_by_code, c.rejected_by_code);
  add(s.warnings_by_code, c.warnings_by_code);
  add(s.resources_by_type, c.resources_by_type);
  add(s.counted, c.counted);
  add(s.delta_resources, c.delta_resources);
  add(s.delta_patients, c.delta_patients);
  s.quality.merge(c.quality);
  if (progress_) show_progress();
}

void RunReport::show_progress() {
  auto now = std::chrono::steady_clock::now();
  if (now - last_progress_ < std::chrono::milliseconds(250)) return;
  last_progress_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  double rate = secs > 0 ? summary.read / secs : 0;
  char buf[200];
  if (total_bytes_ > 0 && done_bytes_ > 0 && done_bytes_ <= total_bytes_) {
    double frac = double(done_bytes_) / double(total_bytes_);
    double eta = frac > 0 ? secs * (1 - frac) / frac : 0;
    std::snprintf(buf, sizeof buf, "\rnetconv: %llu records, %.0f/s, %llu rejected, %.1f%%, ETA %.0fs   ",
                  (unsigned long long)summary.read, rate, (unsigned long long)summary.rejected, 100 * frac, eta);
  } else {
    std::snprintf(buf, sizeof buf, "\rnetconv: %llu records, %.0f/s, %llu rejected   ", (unsigned long long)summary.read, rate,
                  (unsigned long long)summary.rejected);
  }
  std::fputs(buf, stderr);
  progress_shown_ = true;
}

void RunReport::end_progress() {
  if (progress_shown_) std::fputs("\n", stderr);
}

namespace {

// A shard run's place among its shards and its inputs' identity, which `netconv merge` checks.
void write_shard(JsonWriter& w, const ConvertSummary& s) {
  w.key("shard").begin_object().member_number("index", std::to_string(s.shard_index))
      .member_number("count", std::to_string(s.shard_count));
  w.key("inputs").begin_array();
  for (const auto& i : s.shard_inputs)
    w.begin_object().member("name", i.name).member_number("bytes", std::to_string(i.bytes)).member("sha256", i.sha256).end_object();
  w.end_array().end_object();
}

}  // namespace

std::string RunReport::report_text(const std::vector<std::string>& inputs) const {
  const auto& s = summary;
  std::string out;
  JsonWriter w(out);
  auto counts = [&](const char* name, const std::map<std::string, std::uint64_t>& m) {
    w.key(name).begin_object();
    for (const auto& [k, v] : m) w.member_number(k, std::to_string(v));
    w.end_object();
  };
  w.begin_object().member("tool", "netconv").member("version", NETCONV_VERSION);
  w.key("inputs").begin_array();
  for (const auto& i : inputs) w.string(i == "-" ? "<stdin>" : i);
  w.end_array();
  w.member_number("read", std::to_string(s.read)).member_number("converted", std::to_string(s.converted))
      .member_number("rejected", std::to_string(s.rejected)).member_number("skipped", std::to_string(s.skipped))
      .member_number("patients_written", std::to_string(s.patients_written))
      .member_number("files_failed", std::to_string(s.files_failed)).member_bool("interrupted", s.interrupted);
  counts("skipped_by_reason", s.skipped_by_reason);
  counts("rejected_by_code", s.rejected_by_code);
  counts("warnings_by_code", s.warnings_by_code);
  counts("resources_by_type", s.resources_by_type);
  counts("counted", s.counted);
  if (s.shard_count) write_shard(w, s);
  if (s.delta) {
    w.key("delta").begin_object();
    counts("resources", s.delta_resources);
    counts("patients", s.delta_patients);
    w.end_object();
  }
  s.quality.write_json(w);
  w.key("outputs").begin_array();
  for (const auto& o : s.outputs) w.string(o);
  w.end_array();
  // timing is the one part of the report that differs between runs; it is kept last, on its
  // own line, so that comparisons can drop it
  out += '\n';
  char buf[256];
  std::snprintf(buf, sizeof buf,
                ",\"timing\":{\"seconds\":%.3f,\"records_per_second\":%.0f,\"input_mb_per_second\":%.2f,\"output_bytes\":%llu,"
                "\"validation_seconds\":%.3f,\"validator_load_seconds\":%.3f}}\n",
                s.seconds, s.seconds > 0 ? s.read / s.seconds : 0.0, s.seconds > 0 ? (done_bytes_ / 1e6) / s.seconds : 0.0,
                (unsigned long long)s.output_bytes, s.validation_seconds, s.validator_load_seconds);
  out += buf;
  return out;
}

}  // namespace netconv
