// NDJSON reader: one JSON object per line with the contract's fields; lists are arrays.
// Lines are bounded (max_record_bytes) and nesting is checked before parsing, so hostile input
// costs bounded memory and stack.
#include <istream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/text.hpp"
#include "readers/reader.hpp"

namespace netconv {
namespace {

constexpr int kMaxDepth = 8;

// Depth of [] / {} nesting outside strings; stops counting past the limit.
int nesting_depth(std::string_view s) {
  int depth = 0, max_depth = 0;
  bool in_str = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_str) {
      if (c == '\\') ++i;
      else if (c == '"') in_str = false;
      continue;
    }
    if (c == '"') in_str = true;
    else if (c == '{' || c == '[') { if (++depth > max_depth) max_depth = depth; if (max_depth > kMaxDepth) return max_depth; }
    else if (c == '}' || c == ']') --depth;
  }
  return max_depth;
}

class NdjsonReader : public RecordReader {
 public:
  NdjsonReader(std::istream& in, const ReaderConfig& cfg, DiagnosticSink& diags) : in_(in), cfg_(cfg), diags_(diags) {}

  bool next(SourceRecord& rec) override {
    rec.clear();
    std::string line;
    while (true) {
      bool too_long = false;
      if (!read_line(line, too_long)) return false;
      ++line_no_;
      if (line_no_ == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
      if (!too_long && trim(line).empty()) continue;
      rec.location = {cfg_.display_name, line_no_, 1, ""};
      if (too_long) {
        problem(rec, "NC-JSON-005", "line longer than " + std::to_string(cfg_.max_record_bytes) + " bytes");
        return true;
      }
      parse(line, rec);
      return true;
    }
  }
  std::uint64_t bytes_read() const override { return bytes_; }
  bool failed() const override { return false; }

 private:
  bool read_line(std::string& line, bool& too_long) {
    line.clear();
    int c = in_.get();
    if (c == EOF) return false;
    while (c != EOF && c != '\n') {
      ++bytes_;
      if (line.size() < cfg_.max_record_bytes) line += static_cast<char>(c);
      else too_long = true;
      c = in_.get();
    }
    if (c == '\n') ++bytes_;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return true;
  }

  void problem(SourceRecord& rec, const char* code, std::string msg, std::string field = "") {
    Location loc = rec.location;
    loc.field = std::move(field);
    rec.problems.push_back({Severity::error, code, loc, std::move(msg), ""});
  }

  void parse(const std::string& line, SourceRecord& rec) {
    if (find_invalid_utf8(line) != std::string::npos) return problem(rec, "NC-JSON-001", "line is not valid UTF-8");
    if (nesting_depth(line) > kMaxDepth) return problem(rec, "NC-JSON-002", "JSON nested deeper than the contract allows");
    std::set<std::string> keys;
    bool duplicate = false;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line, [&](int depth, nlohmann::json::parse_event_t ev, nlohmann::json& parsed) {
        if (depth == 1 && ev == nlohmann::json::parse_event_t::key && !keys.insert(parsed.get<std::string>()).second)
          duplicate = true;
        return true;
      });
    } catch (const nlohmann::json::parse_error& e) {
      Location loc = rec.location;
      loc.column = e.byte;
      rec.problems.push_back({Severity::error, "NC-JSON-003", loc, "malformed JSON", ""});
      return;
    } catch (const nlohmann::json::out_of_range&) {
      // a number beyond double's range (1e999): nlohmann throws out_of_range 406, not parse_error
      return problem(rec, "NC-JSON-007", "number out of range");
    }
    if (!j.is_object()) return problem(rec, "NC-JSON-004", "line is not a JSON object");
    if (j.size() > cfg_.max_fields)
      return problem(rec, "NC-JSON-009", "object has more than " + std::to_string(cfg_.max_fields) + " members");
    if (duplicate) problem(rec, "NC-JSON-006", "duplicate key in object");
    for (auto it = j.begin(); it != j.end(); ++it) {
      std::string name = it.key();
      if (cfg_.columns) name = std::string(cfg_.columns->rename(name));
      bool known = false;
      for (const auto& c : contract_columns()) known = known || c == name;
      if (!known) {
        warn_unknown(name);
        continue;
      }
      RawField f;
      f.name = name;
      f.location = {cfg_.display_name, line_no_, 0, name};
      const auto& v = it.value();
      if (v.is_null()) {
      } else if (v.is_string()) {
        f.value = std::string(trim(v.get<std::string>()));
      } else if (v.is_number()) {
        if (v.is_number_float()) {
          double d = v.get<double>();
          if (!(d == d) || d > 1e15 || d < -1e15) { problem(rec, "NC-JSON-007", "number out of range", name); continue; }
        }
        f.value = v.dump();
      } else if (v.is_array() && is_list_column(name)) {
        f.is_list = true;
        bool ok = true;
        for (const auto& item : v) {
          if (!item.is_string()) { ok = false; break; }
          f.items.push_back(std::string(trim(item.get<std::string>())));
        }
        if (!ok) { problem(rec, "NC-JSON-008", "list items must be strings", name); continue; }
      } else {
        problem(rec, "NC-JSON-008", std::string("wrong JSON type (") + v.type_name() + ") for this field", name);
        continue;
      }
      rec.fields.push_back(std::move(f));
    }
  }

  // Once per name, for the first 100 names (a file of distinct keys would otherwise grow the set
  // and stderr with every line); a name that looks like a value is not printed.
  void warn_unknown(const std::string& name) {
    if (warned_.size() > kMaxWarnedNames || warned_.count(name)) return;
    warned_.insert(name);
    if (warned_.size() > kMaxWarnedNames) {
      diags_.report({Severity::warning, "NC-CSV-010", {cfg_.display_name, line_no_, 0, ""},
                     "more unknown fields; no longer reported", ""});
    } else if (looks_like_name(name)) {
      diags_.report({Severity::warning, "NC-CSV-010", {cfg_.display_name, line_no_, 0, name},
                     "field is not part of the registry contract; ignored", ""});
    } else {
      diags_.report({Severity::warning, "NC-CSV-010", {cfg_.display_name, line_no_, 0, ""},
                     "field is not part of the registry contract; ignored (its name looks like data: not shown)", name});
    }
  }
  static constexpr std::size_t kMaxWarnedNames = 100;

  std::istream& in_;
  ReaderConfig cfg_;
  DiagnosticSink& diags_;
  std::uint64_t line_no_ = 0, bytes_ = 0;
  std::set<std::string> warned_;
};

}  // namespace

std::unique_ptr<RecordReader> make_ndjson_reader(std::istream& in, const ReaderConfig& cfg, DiagnosticSink& diags) {
  return std::make_unique<NdjsonReader>(in, cfg, diags);
}

}  // namespace netconv
