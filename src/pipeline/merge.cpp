#include "pipeline/merge.hpp"
#include "pipeline/registry_id.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <queue>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/errors.hpp"
#include "pipeline/output_files.hpp"
#include "pipeline/reporting.hpp"
#include "report/reject_digest.hpp"
#include "report/run_folder.hpp"

namespace netconv {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Shard {
  std::string dir;
  json report;
  unsigned index = 0;
  std::set<std::string> ndjson, whole;  // relative paths of the files to merge and to copy
};

[[noreturn]] void refuse(const std::string& message) { throw MergeCheckError(message); }

json read_report(const std::string& dir) {
  std::ifstream in(dir + "/report.json", std::ios::binary);
  if (!in) throw IoError("cannot read " + dir + "/report.json (not a completed netconv run?)");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto report = json::parse(text, nullptr, false);
  if (!report.is_object()) throw IoError(dir + "/report.json is not a netconv report");
  return report;
}

std::uint64_t count_of(const json& report, const char* key) {
  const auto it = report.find(key);
  return it != report.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
}

std::uint64_t shard_skips(const json& report) {
  const auto& by = report.value("skipped_by_reason", json::object());
  return by.contains("shard") && by["shard"].is_number_unsigned() ? by["shard"].get<std::uint64_t>() : 0;
}

// The files a run owns below the folder: NDJSON to merge line by line, other files to copy.
void scan_files(Shard& s, const std::vector<std::string>& format_dirs) {
  constexpr std::string_view reports[] = {"report.json", "report.html", "report.interrupted.json", "rejects.ndjson"};
  for (const auto& e : fs::directory_iterator(s.dir)) {
    const std::string name = e.path().filename().string();
    if (name.front() == '.' || std::find(std::begin(reports), std::end(reports), name) != std::end(reports)) continue;  // the commit protocol's own entries
    if (name == "manifest.ndjson" && e.is_regular_file()) {
      s.ndjson.insert(name);
      continue;
    }
    if (!e.is_directory() || std::find(format_dirs.begin(), format_dirs.end(), name) == format_dirs.end())
      refuse(s.dir + "/" + name + " is not something a netconv run writes: merge does not know how to merge it");
    for (const auto& f : fs::directory_iterator(e.path())) {
      const std::string rel = name + "/" + f.path().filename().string();
      if (!f.is_regular_file()) refuse(s.dir + "/" + rel + " is not a regular file");
      (f.path().extension() == ".ndjson" ? s.ndjson : s.whole).insert(rel);
    }
  }
}

// The same value in every shard's report, or a refusal naming the first shard that differs.
void check_same(const std::vector<Shard>& shards, const std::string& what, const std::function<json(const json&)>& get) {
  const json first = get(shards.front().report);
  for (const auto& s : shards)
    if (get(s.report) != first) refuse(s.dir + ": " + what + " differs from " + shards.front().dir + "'s");
}

void check_shards(std::vector<Shard>& shards) {
  const std::size_t n = shards.size();
  for (auto& s : shards) {
    const auto& shard = s.report.value("shard", json());
    if (!shard.is_object()) refuse(s.dir + " is not a shard run (convert it with --shard K/N)");
    if (s.report.value("interrupted", false)) refuse(s.dir + " holds an interrupted run");
    if (shard.value("count", 0u) != n)
      refuse(s.dir + " is shard " + shard.value("index", json(0)).dump() + " of " + shard.value("count", json(0)).dump() + ", but " +
             std::to_string(n) + " shard folders were given");
    s.index = shard.value("index", 0u);
  }
  std::sort(shards.begin(), shards.end(), [](const Shard& a, const Shard& b) { return a.index < b.index; });
  for (std::size_t i = 0; i < n; ++i)
    if (shards[i].index != i + 1)
      refuse("shard " + std::to_string(i + 1) + " of " + std::to_string(n) + " is missing" +
             (i && shards[i].index == shards[i - 1].index ? " (" + shards[i].dir + " is shard " + std::to_string(shards[i].index) + " again)" : ""));
  check_same(shards, "the inputs (names, sizes, SHA-256)", [](const json& r) { return r["shard"].value("inputs", json()); });
  check_same(shards, "the netconv version", [](const json& r) { return r.value("version", json()); });
  check_same(shards, "the mapping tables", [](const json& r) { return r.value("quality", json::object()).value("mapping_tables_sha256", json()); });
  check_same(shards, "the output formats", [](const json& r) { return r.value("quality", json::object()).value("output_formats", json()); });
  check_same(shards, "the number of records read", [](const json& r) { return r.value("read", json()); });
  std::uint64_t kept = 0;
  for (const auto& s : shards) kept += count_of(s.report, "read") - std::min(count_of(s.report, "read"), shard_skips(s.report));
  if (kept != count_of(shards.front().report, "read"))
    refuse("the shards account for " + std::to_string(kept) + " records, but the input has " +
           std::to_string(count_of(shards.front().report, "read")) + " (each record must be in exactly one shard)");
}

// The merged counts: what one run over the input would have counted.
ConvertSummary summarize(const std::vector<Shard>& shards) {
  ConvertSummary s;
  auto add = [](std::map<std::string, std::uint64_t>& into, const json& from) {
    if (from.is_object())
      for (const auto& [k, v] : from.items())
        if (v.is_number_unsigned()) into[k] += v.get<std::uint64_t>();
  };
  for (const auto& sh : shards) {
    const auto& r = sh.report;
    s.converted += count_of(r, "converted");
    s.rejected += count_of(r, "rejected");
    s.skipped += count_of(r, "skipped") - shard_skips(r);
    s.patients_written += count_of(r, "patients_written");
    s.files_failed = std::max(s.files_failed, count_of(r, "files_failed"));
    const std::pair<const char*, std::map<std::string, std::uint64_t>*> maps[] = {
        {"skipped_by_reason", &s.skipped_by_reason}, {"rejected_by_code", &s.rejected_by_code},
        {"warnings_by_code", &s.warnings_by_code}, {"resources_by_type", &s.resources_by_type}, {"counted", &s.counted}};
    for (const auto& [key, into] : maps) add(*into, r.value(key, json::object()));
    s.quality.merge(report::QualityStats::from_json(r.value("quality", json::object())));
  }
  s.skipped_by_reason.erase("shard");
  // a warning one run gives once (about the run's configuration, not a record) is given once by
  // every shard that met it: the merged run gave it once
  for (const auto code : kOncePerRunWarnings)
    if (auto it = s.warnings_by_code.find(std::string(code)); it != s.warnings_by_code.end()) it->second = 1;
  s.read = count_of(shards.front().report, "read");
  // the run's own facts, the same in every shard: counted once
  const auto first = report::QualityStats::from_json(shards.front().report.value("quality", json::object()));
  s.quality.input_formats = first.input_formats;
  s.quality.output_formats = first.output_formats;
  s.quality.mapping_tables_sha256 = first.mapping_tables_sha256;
  return s;
}

// Patient id -> patient key, from every shard's Patient resources, and the check that no FHIR
// resource (type and id) is in two places. Ids are remembered as 64-bit hashes: 8 bytes each.
class ResourceIndex {
 public:
  // `file` names the file in errors; `line` is its line number.
  void add_resource(std::string_view type, std::string_view id, const std::string& file, std::uint32_t line) {
    std::string both(type);
    both += '/';
    both += id;
    if (files_.empty() || files_.back() != file) files_.push_back(file);
    seen_.push_back({std::hash<std::string>{}(both), static_cast<std::uint32_t>(files_.size() - 1), line});
  }
  void add_patient(std::string id, std::string key) { keys_.emplace(std::move(id), std::move(key)); }
  const std::string* key_of(const std::string& patient_id) const {
    auto it = keys_.find(patient_id);
    return it == keys_.end() ? nullptr : &it->second;
  }
  void check_unique() {
    std::sort(seen_.begin(), seen_.end(), [](const Seen& a, const Seen& b) { return a.hash < b.hash; });
    for (std::size_t i = 1; i < seen_.size(); ++i)
      if (seen_[i].hash == seen_[i - 1].hash)
        refuse("a FHIR resource (type and id) is written twice: " + where(seen_[i - 1]) + " and " + where(seen_[i]));
    seen_ = {};
  }

 private:
  struct Seen {
    std::size_t hash;
    std::uint32_t file, line;
  };
  std::string where(const Seen& s) const { return files_[s.file] + ":" + std::to_string(s.line); }
  std::vector<Seen> seen_;
  std::vector<std::string> files_;
  std::unordered_map<std::string, std::string> keys_;
};

std::string patient_key(const json& patient) {
  if (!patient.is_object()) return {};
  const auto& ids = patient.value("identifier", json::array());
  return ids.is_array() && !ids.empty() && ids[0].is_object() ? ids[0].value("value", std::string()) : std::string();
}

// `{"resourceType":"T","id":"I"` at the start of the line, as netconv writes every resource;
// other lines are parsed in full.
bool resource_head(const std::string& line, std::string_view& type, std::string_view& id) {
  constexpr std::string_view a = "{\"resourceType\":\"", b = "\",\"id\":\"";
  if (line.compare(0, a.size(), a) != 0) return false;
  const auto t_end = line.find('"', a.size());
  if (t_end == std::string::npos || line.compare(t_end, b.size(), b) != 0) return false;
  const auto i_end = line.find('"', t_end + b.size());
  if (i_end == std::string::npos) return false;
  type = std::string_view(line).substr(a.size(), t_end - a.size());
  id = std::string_view(line).substr(t_end + b.size(), i_end - t_end - b.size());
  return true;
}

void index_line(const std::string& line, const std::string& file, std::uint32_t n, ResourceIndex& index) {
  std::string_view type, id;
  if (resource_head(line, type, id) && type != "Bundle") {
    index.add_resource(type, id, file, n);
    if (type == "Patient") index.add_patient(std::string(id), patient_key(json::parse(line, nullptr, false)));
    return;
  }
  auto doc = json::parse(line, nullptr, false);
  if (!doc.is_object()) refuse(file + ":" + std::to_string(n) + " is not a JSON object");
  if (doc.value("resourceType", "") != "Bundle") {
    index.add_resource(doc.value("resourceType", ""), doc.value("id", ""), file, n);
    return;
  }
  for (const auto& e : doc.value("entry", json::array())) {
    const auto& r = e.value("resource", json::object());
    index.add_resource(r.value("resourceType", ""), r.value("id", ""), file, n);
    if (r.value("resourceType", "") == "Patient") index.add_patient(r.value("id", ""), patient_key(r));
  }
}

// Reads every FHIR line of every shard once, before anything is written.
ResourceIndex index_resources(const std::vector<Shard>& shards) {
  ResourceIndex index;
  for (const auto& s : shards)
    for (const auto& rel : s.ndjson) {
      if (rel == "manifest.ndjson") continue;
      std::ifstream in(s.dir + "/" + rel, std::ios::binary);
      if (!in) throw IoError("cannot read " + s.dir + "/" + rel);
      const std::string file = s.dir + "/" + rel;
      std::uint32_t n = 0;
      for (std::string line; std::getline(in, line);)
        if (++n, !line.empty()) index_line(line, file, n, index);
      if (in.bad()) throw IoError("read error on " + s.dir + "/" + rel);
    }
  index.check_unique();
  return index;
}

// A line's place in the merged file: bytes compared as unsigned, as std::string compares.
using KeyOf = std::function<bool(const std::string& line, std::string& key)>;  // false: no key of its own

// One shard's copy of a file, a line at a time, each line with its key; a line without a key of
// its own keeps the one before it. Refuses a shard whose keys go backwards.
class KeyedLines {
 public:
  KeyedLines(std::string path, const KeyOf& key_of) : path_(std::move(path)), in_(path_, std::ios::binary), key_of_(key_of) {
    if (!in_) throw IoError("cannot read " + path_);
  }
  bool next() {
    do {
      if (!std::getline(in_, line_)) {
        if (in_.bad()) throw IoError("read error on " + path_);
        return false;
      }
      ++number_;
    } while (line_.empty());
    std::string key;
    if (key_of_(line_, key)) {
      if (key < key_) refuse(path_ + ":" + std::to_string(number_) + " is out of order (a shard must be written in patient-key order)");
      key_ = std::move(key);
    }
    return true;
  }
  const std::string& line() const { return line_; }
  const std::string& key() const { return key_; }

 private:
  std::string path_;
  std::ifstream in_;
  const KeyOf& key_of_;
  std::string line_, key_;
  std::uint64_t number_ = 0;
};

// Lines gathered into large appends: one write per MiB instead of one per line.
class Appender {
 public:
  Appender(OutputFiles& files, std::string rel) : files_(files), rel_(std::move(rel)) {}
  void add(const std::string& line) {
    buffer_ += line;
    buffer_ += '\n';
    if (buffer_.size() >= (std::size_t{1} << 20)) flush();
  }
  void flush() {
    if (!buffer_.empty()) files_.append(rel_, buffer_);
    buffer_.clear();
  }

 private:
  OutputFiles& files_;
  std::string rel_, buffer_;
};

// The k-way merge of one file over the shards that have it; ties (which keys make impossible
// across shards) go to the lower shard. `each` sees every merged line.
void merge_file(const std::vector<Shard>& shards, const std::string& rel, const KeyOf& key_of, OutputFiles& files,
                const std::function<void(const std::string&)>& each = {}) {
  std::vector<std::unique_ptr<KeyedLines>> readers;
  for (const auto& s : shards)
    if (s.ndjson.count(rel) || rel == "rejects.ndjson") readers.push_back(std::make_unique<KeyedLines>(s.dir + "/" + rel, key_of));
  auto later = [&](std::size_t a, std::size_t b) {
    const int c = readers[a]->key().compare(readers[b]->key());
    return c != 0 ? c > 0 : a > b;
  };
  std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> heads(later);
  for (std::size_t i = 0; i < readers.size(); ++i)
    if (readers[i]->next()) heads.push(i);
  Appender out(files, rel);
  files.ensure(rel);
  while (!heads.empty()) {
    const std::size_t i = heads.top();
    heads.pop();
    out.add(readers[i]->line());
    if (each) each(readers[i]->line());
    if (readers[i]->next()) heads.push(i);
  }
  out.flush();
}

std::string key_from_reference(const std::string& line, const ResourceIndex& index, const std::string& rel) {
  constexpr std::string_view ref = "\"reference\":\"Patient/";
  const auto at = line.find(ref);
  if (at == std::string::npos) return {};
  const auto end = line.find('"', at + ref.size());
  const std::string id = line.substr(at + ref.size(), end - at - ref.size());
  const auto* key = index.key_of(id);
  if (!key) refuse(rel + " refers to Patient/" + id + ", which no shard's Patient resources hold");
  return *key;
}

// The patient key of a FHIR line (a resource or a bundle) or a manifest line.
KeyOf patient_order(const ResourceIndex& index, const std::string& rel) {
  return [&index, rel](const std::string& line, std::string& key) {
    std::string_view type, id;
    if (resource_head(line, type, id) && type != "Bundle") {
      const auto* k = type == "Patient" ? index.key_of(std::string(id)) : nullptr;
      key = k ? *k : key_from_reference(line, index, rel);
      return k || line.find("\"reference\":\"Patient/") != std::string::npos;
    }
    const auto doc = json::parse(line, nullptr, false);
    if (rel == "manifest.ndjson") {
      const auto* k = index.key_of(doc.is_object() ? doc.value("patient", "") : "");
      if (!k) refuse("manifest.ndjson names a patient that no shard's Patient resources hold");
      key = *k;
      return true;
    }
    for (const auto& e : doc.is_object() ? doc.value("entry", json::array()) : json::array()) {
      const auto& r = e.value("resource", json::object());
      if (r.value("resourceType", "") == "Patient") return key = patient_key(r), true;
    }
    return false;
  };
}

// rejects.ndjson's order: input (its place in the report's inputs), then line, as fixed-width
// big-endian bytes so that they compare as the numbers do.
KeyOf input_order(const json& inputs) {
  std::map<std::string, std::uint64_t> place;
  for (std::size_t i = 0; i < inputs.size(); ++i) place.emplace(inputs[i].get<std::string>(), i);
  return [place](const std::string& line, std::string& key) {
    const auto doc = json::parse(line, nullptr, false);
    if (!doc.is_object()) return false;
    const auto it = place.find(doc.value("input", ""));
    std::uint64_t parts[2] = {it == place.end() ? place.size() : it->second, doc.value("line", std::uint64_t{0})};
    key.clear();
    for (auto v : parts)
      for (int b = 7; b >= 0; --b) key += static_cast<char>((v >> (8 * b)) & 0xff);
    return true;
  };
}

void check_whole_files(const std::vector<Shard>& shards) {
  std::map<std::string, const Shard*> owner;
  for (const auto& s : shards)
    for (const auto& rel : s.whole)
      if (auto [it, fresh] = owner.emplace(rel, &s); !fresh)
        refuse(rel + " is in " + it->second->dir + " and in " + s.dir + ": two shards wrote the same file");
}

std::vector<Shard> open_shards(const MergeOptions& opt, const std::vector<std::string>& format_dirs) {
  if (opt.shard_dirs.empty()) throw ConfigError("no shard folders given");
  std::vector<Shard> shards;
  std::error_code ec;
  const auto out = fs::weakly_canonical(opt.output_dir, ec);
  for (const auto& dir : opt.shard_dirs) {
    if (!fs::is_directory(dir)) throw IoError("cannot read shard folder " + dir + ": not a folder");
    if (fs::weakly_canonical(dir, ec) == out) throw ConfigError("the output folder " + opt.output_dir + " is also a shard folder");
    shards.push_back({dir, read_report(dir), 0, {}, {}});
    scan_files(shards.back(), format_dirs);
  }
  check_shards(shards);
  check_whole_files(shards);
  return shards;
}

std::string read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) throw IoError("cannot read " + path);
  return bytes;
}

ConvertSummary merge_checked(const MergeOptions& opt) {
  const auto& formats = opt.formats ? *opt.formats : builtin_formats();
  const auto format_dirs = formats.output_directories();
  // every check before the first byte is written: a refused merge leaves OUT as it was
  auto shards = open_shards(opt, format_dirs);
  const auto index = index_resources(shards);
  RunReport report(false);
  report.start();
  auto& s = report.summary;
  s = summarize(shards);
  // the names a merged run owns: a run's, and the delta manifest a run may write beside them
  auto owned = format_dirs;
  owned.push_back("manifest.ndjson");
  OutputFiles files(opt.output_dir, owned);
  files.begin();
  std::set<std::string> ndjson;
  for (const auto& sh : shards) ndjson.insert(sh.ndjson.begin(), sh.ndjson.end());
  for (const auto& rel : ndjson) merge_file(shards, rel, patient_order(index, rel), files);
  for (const auto& sh : shards)
    for (const auto& rel : sh.whole) files.write_whole(rel, read_whole(sh.dir + "/" + rel));
  const json inputs = shards.front().report.value("inputs", json::array());
  report::RejectDigest digest;
  merge_file(shards, "rejects.ndjson", input_order(inputs), files, [&](const std::string& line) { digest.add_line(line); });
  s.outputs = files.finish();
  s.outputs.push_back("report.html");
  s.output_bytes = files.bytes_written();
  s.seconds = report.seconds_since_start();
  std::vector<std::string> names;
  for (const auto& i : inputs) names.push_back(i.get<std::string>());
  const std::string text = report.report_text(names);
  files.commit(text, report::render_report_text(text, digest, {opt.show_values}, "report.json"));
  s.exit_code = s.rejected || s.files_failed ? kExitDataProblems : kExitOk;
  return s;
}

}  // namespace

ConvertSummary merge_shards(const MergeOptions& opt) {
  try {
    return merge_checked(opt);
  } catch (const json::exception& e) {
    // a line or report of the wrong shape: not what a netconv run writes
    throw MergeCheckError(std::string("a shard holds a file that is not what netconv writes (") + e.what() + ")");
  }
}

}  // namespace netconv
