// Output formats of check-mappings: text (one line per finding, like every netconv diagnostic),
// github (workflow annotations), junit (one test case per rule), json (machine-readable list).
#include <map>
#include <nlohmann/json.hpp>

#include "commands/check_mappings.hpp"
#include "core/errors.hpp"

namespace netconv {
namespace {

std::string summary_line(const CheckReport& r) {
  std::string s = "check-mappings: " + std::to_string(r.errors) + " error(s), " + std::to_string(r.warnings) + " warning(s), " +
                  std::to_string(r.notes) + " note(s)" + (r.strict ? " [--strict]" : "") + "; ";
  if (r.round_trip_ran)
  {
    s += "round trip: " + std::to_string(r.records) + " synthetic record(s), " + std::to_string(r.converted) + " converted";
    for (const auto& o : r.outputs) s += ", " + std::to_string(o.units) + " " + o.title + " " + o.unit_noun + "(s)";
  } else
    s += r.round_trip_note.empty() ? "round trip not run" : r.round_trip_note;
  if (r.round_trip_ran && !r.round_trip_note.empty()) s += " (" + r.round_trip_note + ")";
  return s;
}

std::string github_escape(const std::string& s, bool property) {
  std::string out;
  for (char c : s) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else if (property && c == ':') out += "%3A";
    else if (property && c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') out += ' ';
        else out += c;
    }
  }
  return out;
}

std::string text(const CheckReport& r) {
  std::string out;
  for (const auto& d : r.findings)
    if (d.severity != Severity::note) out += format_diagnostic(d, false) + "\n";
  out += summary_line(r) + "\n";
  return out;
}

std::string github(const CheckReport& r) {
  std::string out;
  for (const auto& d : r.findings) {
    const char* kind = d.severity == Severity::error ? "error" : d.severity == Severity::warning ? "warning" : nullptr;
    if (!kind) continue;
    out += "::";
    out += kind;
    out += " file=" + github_escape(d.location.file, true);
    if (d.location.line) out += ",line=" + std::to_string(d.location.line);
    if (d.location.column) out += ",col=" + std::to_string(d.location.column);
    out += ",title=" + github_escape(d.code, true);
    out += "::" + github_escape(d.code + ": " + d.message, false) + "\n";
  }
  out += summary_line(r) + "\n";
  return out;
}

std::string junit(const CheckReport& r) {
  std::map<std::string, std::vector<const Diagnostic*>> by_rule;
  for (const auto& d : r.findings) by_rule[d.code].push_back(&d);
  std::size_t failures = 0;
  for (const auto& rule : mapping_rules())
    for (const auto* d : by_rule[rule.id])
      if (d->severity == Severity::error) { ++failures; break; }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"netconv check-mappings\" tests=\"" + std::to_string(mapping_rules().size()) + "\" failures=\"" +
         std::to_string(failures) + "\">\n";
  out += "  <testsuite name=\"check-mappings " + xml_escape(r.mappings_dir) + "\" tests=\"" + std::to_string(mapping_rules().size()) +
         "\" failures=\"" + std::to_string(failures) + "\" errors=\"0\" skipped=\"0\">\n";
  out += "    <properties><property name=\"strict\" value=\"" + std::string(r.strict ? "true" : "false") + "\"/></properties>\n";
  for (const auto& rule : mapping_rules()) {
    out += "    <testcase classname=\"check-mappings." + std::string(rule.group) + "\" name=\"" + rule.id + " " + xml_escape(rule.summary) + "\"";
    const auto& list = by_rule[rule.id];
    std::string errs, others;
    std::size_t n_err = 0;
    for (const auto* d : list) {
      std::string line = format_diagnostic(*d, false) + "\n";
      if (d->severity == Severity::error) { errs += line; ++n_err; }
      else others += line;
    }
    if (!n_err && others.empty()) { out += "/>\n"; continue; }
    out += ">\n";
    if (n_err)
      out += "      <failure message=\"" + std::to_string(n_err) + " finding(s)\" type=\"" + rule.id + "\">" + xml_escape(errs) + "</failure>\n";
    if (!others.empty()) out += "      <system-out>" + xml_escape(others) + "</system-out>\n";
    out += "    </testcase>\n";
  }
  out += "    <system-out>" + xml_escape(summary_line(r)) + "</system-out>\n";
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

std::string json(const CheckReport& r) {
  nlohmann::ordered_json j;
  j["tool"] = "netconv check-mappings";
  j["version"] = NETCONV_VERSION;
  j["mappings"] = r.mappings_dir;
  j["strict"] = r.strict;
  j["summary"] = {{"errors", r.errors}, {"warnings", r.warnings}, {"notes", r.notes}, {"exit_code", r.exit_code}};
  j["round_trip"] = {{"ran", r.round_trip_ran}, {"records", r.records}, {"converted", r.converted}};
  for (const auto& o : r.outputs) j["round_trip"][o.name + "_" + o.unit_noun + "s"] = o.units;
  j["round_trip"]["note"] = r.round_trip_note;
  auto arr = nlohmann::ordered_json::array();
  for (const auto& d : r.findings) {
    nlohmann::ordered_json f;
    f["rule"] = d.code;
    f["severity"] = to_string(d.severity);
    f["file"] = d.location.file;
    f["line"] = d.location.line;
    f["column"] = d.location.column;
    f["field"] = d.location.field;
    f["message"] = d.message;
    arr.push_back(std::move(f));
  }
  j["findings"] = std::move(arr);
  return j.dump(2) + "\n";
}

}  // namespace

std::string render_check_report(const CheckReport& r, const std::string& format) {
  if (format == "text") return text(r);
  if (format == "github") return github(r);
  if (format == "junit") return junit(r);
  if (format == "json") return json(r);
  throw ConfigError("unknown report format '" + format + "' (expected text, github, junit or json)");
}

}  // namespace netconv
