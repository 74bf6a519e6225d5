// Diagnostics: the data-problem channel. Every message carries a stable code and a location;
// patient-identifying values never go into the message unless the sink was asked to show them.
#pragma once
#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

namespace netconv {

enum class Severity { note, warning, error };
const char* to_string(Severity s);

struct Location {
  std::string file;        // input path, mapping table path or output path
  std::uint64_t line = 0;  // 1-based; 0 = unknown
  std::uint64_t column = 0;
  std::string field;       // column name, NAACCR item id or JSON/XML path
  std::string to_string() const;  // file:line:column [field]
};

struct Diagnostic {
  Severity severity = Severity::error;
  std::string code;     // stable, listed in the README (e.g. NC-CSV-003)
  Location location;
  std::string message;  // never contains field values unless show_values
  std::string value;    // offending value; printed only with --show-values
};

class DiagnosticSink {
 public:
  virtual ~DiagnosticSink() = default;
  virtual void report(const Diagnostic& d) = 0;
};

// Writes one line per diagnostic; thread-safe; counts by severity.
class StreamSink : public DiagnosticSink {
 public:
  StreamSink(std::ostream& out, bool show_values, Severity min_severity = Severity::warning)
      : out_(out), show_values_(show_values), min_(min_severity) {}
  void report(const Diagnostic& d) override;
  std::uint64_t count(Severity s) const;

 private:
  std::ostream& out_;
  bool show_values_;
  Severity min_;
  mutable std::mutex mu_;
  std::uint64_t counts_[3] = {0, 0, 0};
};

// Keeps everything; used by tests and by per-record collection.
class CollectingSink : public DiagnosticSink {
 public:
  void report(const Diagnostic& d) override { items.push_back(d); }
  std::vector<Diagnostic> items;
  bool has_errors() const;
};

std::string format_diagnostic(const Diagnostic& d, bool show_values);

}  // namespace netconv
