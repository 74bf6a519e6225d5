#include "core/diagnostics.hpp"

namespace netconv {

const char* to_string(Severity s) {
  switch (s) {
    case Severity::note: return "note";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
  }
  return "error";
}

std::string Location::to_string() const {
  std::string s = file.empty() ? "<input>" : file;
  if (line) {
    s += ':' + std::to_string(line);
    if (column) s += ':' + std::to_string(column);
  }
  if (!field.empty()) s += " [" + field + "]";
  return s;
}

std::string format_diagnostic(const Diagnostic& d, bool show_values) {
  std::string s = d.location.to_string() + ": " + to_string(d.severity) + ": " + d.code + ": " + d.message;
  if (show_values && !d.value.empty()) s += " (value: \"" + d.value + "\")";
  return s;
}

void StreamSink::report(const Diagnostic& d) {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_[static_cast<int>(d.severity)];
  if (static_cast<int>(d.severity) < static_cast<int>(min_)) return;
  out_ << format_diagnostic(d, show_values_) << '\n';
}

std::uint64_t StreamSink::count(Severity s) const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_[static_cast<int>(s)];
}

bool CollectingSink::has_errors() const {
  for (const auto& d : items)
    if (d.severity == Severity::error) return true;
  return false;
}

}  // namespace netconv
