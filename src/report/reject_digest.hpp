// The most frequent reject reasons of a run, read from rejects.ndjson lines (one rejected record
// per line, docs in README "rejects.ndjson"): per (code, field, message) a count and the first few
// located examples, in file order. Bounded whatever the run's size: at most kMaxReasons distinct
// reasons are kept apart (later new ones count under their code as "other messages") and
// kExamples examples each. Record keys are patient identifiers: they are kept so that a report
// asked for with --show-values can show them; the renderer decides.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace netconv::report {

struct RejectExample {
  std::string where;       // input:line:column, or the output a check failed in
  std::string record_key;  // patient/tumor (PHI)
};

struct RejectReason {
  std::string code, field, message;
  std::uint64_t count = 0;
  std::vector<RejectExample> examples;  // the first kExamples, in file order
};

class RejectDigest {
 public:
  static constexpr std::size_t kMaxReasons = 5000;
  static constexpr std::size_t kExamples = 3;

  // One rejects.ndjson line (without its newline); a line that is not a reject is counted in
  // unreadable() and otherwise ignored.
  void add_line(std::string_view line);
  // Several lines, each ended by '\n' (what a run appends to rejects.ndjson at once).
  void add_lines(std::string_view text);

  std::uint64_t records() const { return records_; }
  std::uint64_t unreadable() const { return unreadable_; }
  // The `n` most frequent reasons, most frequent first; ties in (code, field, message) order.
  std::vector<RejectReason> top(std::size_t n) const;

 private:
  using Key = std::tuple<std::string, std::string, std::string>;
  void add_reason(const std::string& code, const std::string& field, const std::string& message, RejectExample ex);
  std::map<Key, RejectReason> reasons_;
  std::uint64_t records_ = 0, unreadable_ = 0;
};

}  // namespace netconv::report
