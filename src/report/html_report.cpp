#include "report/html_report.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/quality_stats.hpp"

namespace netconv::report {
namespace {

using Rows = std::vector<std::pair<std::string, std::uint64_t>>;

const char* kStyle = R"(
:root{--ink:#1d2733;--muted:#5b6672;--line:#d5dbe1;--bar:#2f6f9f;--bad:#b3413b;--warn:#b7791f;--good:#2f855a}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);margin:0 auto;max-width:190mm;padding:12px 16px}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:17px;margin:22px 0 6px;border-bottom:2px solid var(--line);padding-bottom:2px}h3{font-size:14px;margin:14px 0 4px}
p{margin:4px 0}.muted{color:var(--muted)}
.status{display:inline-block;padding:2px 10px;border-radius:10px;color:#fff;font-weight:600}
.status.ok{background:var(--good)}.status.problems{background:var(--bad)}.status.interrupted{background:var(--warn)}
table{border-collapse:collapse;margin:4px 0 10px;width:100%}
th,td{border-bottom:1px solid var(--line);padding:2px 6px;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
caption{text-align:left;color:var(--muted);font-size:12px;padding:2px 0}
td code{white-space:nowrap}td.msg code,td.where code{white-space:normal}
code{font:12px ui-monospace,"DejaVu Sans Mono",monospace;overflow-wrap:anywhere}
figure{margin:6px 0 14px;break-inside:avoid;page-break-inside:avoid}
svg{display:block;max-width:100%;height:auto}
svg text{font:12px system-ui,"DejaVu Sans",sans-serif;fill:var(--ink)}
svg .bar{fill:var(--bar)}svg .bar.bad{fill:var(--bad)}svg .bar.warn{fill:var(--warn)}svg .bar.good{fill:var(--good)}
.tiles{display:flex;gap:8px;flex-wrap:wrap;margin:6px 0}
.tile{border:1px solid var(--line);border-radius:6px;padding:6px 12px;min-width:30mm}
.tile b{display:block;font-size:20px}
@page{size:A4;margin:14mm}
@media print{body{max-width:none;padding:0;font-size:11px}h2{break-after:avoid;page-break-after:avoid}section{break-inside:auto}}
)";

// 1234567 as "1,234,567": registry counts run to millions
std::string num(std::uint64_t v) {
  std::string digits = std::to_string(v), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// `text` escaped in <code>; nothing for an empty text (an empty element is noise to HTML checkers)
std::string code(std::string_view text) { return text.empty() ? std::string() : "<code>" + html_escape(text) + "</code>"; }

// part/whole as "12.3 %" in integer arithmetic: the same text on every machine
std::string percent(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return "";
  std::uint64_t tenths = (part * 1000 + whole / 2) / whole;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " %";
}

std::uint64_t count_of(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && is_count(*it) ? it->get<std::uint64_t>() : 0;
}

Rows rows_of(const Counts& m) { return Rows(m.begin(), m.end()); }

Rows rows_of(const nlohmann::json& j, const char* name) {
  Rows out;
  auto it = j.find(name);
  if (it == j.end() || !it->is_object()) return out;
  for (const auto& [k, v] : it->items())
    if (is_count(v)) out.emplace_back(k, v.get<std::uint64_t>());
  return out;
}

// The largest `n` rows (ties in key order), the rest summed into one row.
Rows capped(Rows rows, std::size_t n) {
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (rows.size() <= n) return rows;
  std::uint64_t rest = 0;
  for (std::size_t i = n; i < rows.size(); ++i) rest += rows[i].second;
  std::string label = "(" + std::to_string(rows.size() - n) + " others)";
  rows.resize(n);
  rows.emplace_back(label, rest);
  return rows;
}

std::string short_label(const std::string& s) {
  if (s.size() <= 30) return s;
  std::size_t cut = 28;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 sequence
  return s.substr(0, cut) + "\xE2\x80\xA6";
}

// A horizontal bar chart: one bar per row, its length in proportion to the largest row.
void bar_chart(std::string& out, const std::string& title, const Rows& rows, const char* tone) {
  const std::uint64_t max = rows.empty() ? 0 : std::max_element(rows.begin(), rows.end(), [](auto& a, auto& b) {
                                                 return a.second < b.second;
                                               })->second;
  const int row_h = 20, label_w = 210, bar_w = 340, height = 8 + row_h * int(rows.size());
  out += "<svg width=\"640\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 640 " +
         std::to_string(height) + "\" role=\"img\" aria-label=\"" + html_escape(title) + " (chart; the table below has the numbers)\">\n";
  int y = 4;
  for (const auto& [label, v] : rows) {
    const std::uint64_t w = max ? (v * bar_w + max - 1) / max : 0;
    out += "<text x=\"" + std::to_string(label_w - 6) + "\" y=\"" + std::to_string(y + 14) + "\" text-anchor=\"end\">" +
           html_escape(short_label(label)) + "</text><rect class=\"bar " + tone + "\" x=\"" + std::to_string(label_w) + "\" y=\"" +
           std::to_string(y + 3) + "\" width=\"" + std::to_string(w) + "\" height=\"14\"/><text x=\"" +
           std::to_string(label_w + w + 6) + "\" y=\"" + std::to_string(y + 14) + "\">" + num(v) + "</text>\n";
    y += row_h;
  }
  out += "</svg>\n";
}

void table(std::string& out, const std::string& caption, const std::string& key_header, const Rows& rows, std::uint64_t total) {
  out += "<table><caption>" + html_escape(caption) + "</caption>\n<thead><tr><th>" + html_escape(key_header) +
         "</th><th class=\"n\">count</th>" + (total ? "<th class=\"n\">share</th>" : "") + "</tr></thead><tbody>\n";
  for (const auto& [k, v] : rows) {
    out += "<tr><td>" + code(k) + "</td><td class=\"n\">" + num(v) + "</td>";
    if (total) out += "<td class=\"n\">" + percent(v, total) + "</td>";
    out += "</tr>\n";
  }
  out += "</tbody></table>\n";
}

// A chart and the table behind it; an empty set says so instead of drawing nothing.
void figure(std::string& out, const std::string& title, const std::string& key_header, const Rows& all, std::uint64_t total,
            const char* tone = "") {
  out += "<figure>\n<h3>" + html_escape(title) + "</h3>\n";
  if (all.empty()) {
    out += "<p class=\"muted\">none</p>\n</figure>\n";
    return;
  }
  Rows rows = capped(all, kTableRows);
  bar_chart(out, title, rows, tone);
  table(out, "the numbers behind the chart", key_header, rows, total);
  out += "</figure>\n";
}

}  // namespace

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

std::string join_strings(const nlohmann::json& j, const char* name) {
  std::string out;
  auto it = j.find(name);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it)
    if (v.is_string()) out += (out.empty() ? "" : ", ") + v.get<std::string>();
  return out;
}

std::string join_keys(const Counts& m) {
  std::string out;
  for (const auto& [k, v] : m) out += (out.empty() ? "" : ", ") + k + (v > 1 ? " (" + num(v) + " inputs)" : "");
  return out;
}

void header(std::string& out, const nlohmann::json& r) {
  const bool interrupted = r.value("interrupted", false);
  const std::uint64_t rejected = count_of(r, "rejected"), failed = count_of(r, "files_failed");
  const char* cls = interrupted ? "interrupted" : rejected || failed ? "problems" : "ok";
  const std::string what = interrupted ? "interrupted: these counts are not a completed run"
                           : rejected || failed ? num(rejected) + " rejected record(s), " + num(failed) + " input file(s) failed"
                                                : "every record converted or skipped";
  out += "<header>\n<h1>netconv run report</h1>\n<p><span class=\"status " + std::string(cls) + "\">" + html_escape(what) +
         "</span></p>\n";
  out += "<div class=\"tiles\">\n";
  for (const char* k : {"read", "converted", "rejected", "skipped", "patients_written"})
    out += "<div class=\"tile\" id=\"tile-" + std::string(k) + "\"><span class=\"muted\">" + k + "</span><b>" + num(count_of(r, k)) +
           "</b></div>\n";
  out += "</div>\n</header>\n";
}

// One run-varying value: a line of its own, so that comparisons can drop it (see the header).
void varies(std::string& out, const char* label, const std::string& value) {
  out += "<tr class=\"varies\"><th>" + std::string(label) + "</th><td>" + html_escape(value) + "</td></tr>\n";
}

std::string timing_text(const nlohmann::json& t, const char* name, const char* unit, const char* format) {
  auto it = t.find(name);
  if (it == t.end() || !it->is_number()) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, format, it->get<double>());
  return buf + std::string(unit);
}

void run_section(std::string& out, const nlohmann::json& r, const QualityStats& q) {
  out += "<section id=\"run\">\n<h2>Run</h2>\n<table>\n";
  auto row = [&](const char* k, const std::string& v) {
    out += "<tr><th>" + std::string(k) + "</th><td>" + code(v) + "</td></tr>\n";
  };
  row("tool", r.value("tool", std::string()) + " " + r.value("version", std::string()));
  row("inputs", join_strings(r, "inputs"));
  row("input formats", join_keys(q.input_formats));
  std::string formats;
  for (const auto& f : q.output_formats) formats += (formats.empty() ? "" : ", ") + f;
  // a report without them (written before they were recorded): the formats resources were written in
  if (q.output_formats.empty()) {
    for (const auto& [k, v] : rows_of(r, "resources_by_type")) {
      std::string f = k.substr(0, k.find(':'));
      if (formats.find(f) == std::string::npos) formats += (formats.empty() ? "" : ", ") + f;
    }
  }
  row("output formats", formats);
  row("mapping tables (sha256)", q.mapping_tables_sha256);
  const auto t = r.value("timing", nlohmann::json::object());
  varies(out, "duration", timing_text(t, "seconds", " s", "%.3f"));
  varies(out, "records per second", timing_text(t, "records_per_second", "", "%.0f"));
  varies(out, "output bytes", timing_text(t, "output_bytes", "", "%.0f"));
  out += "</table>\n</section>\n";
}

void records_section(std::string& out, const nlohmann::json& r) {
  const std::uint64_t read = count_of(r, "read");
  out += "<section id=\"records\">\n<h2>Records</h2>\n";
  out += "<p>read = converted + rejected + skipped: " + num(read) + " = " + num(count_of(r, "converted")) + " + " +
         num(count_of(r, "rejected")) + " + " + num(count_of(r, "skipped")) + "</p>\n";
  Rows rows = {{"converted", count_of(r, "converted")}, {"rejected", count_of(r, "rejected")}, {"skipped", count_of(r, "skipped")}};
  out += "<figure>\n<h3>Outcome of the records read</h3>\n";
  bar_chart(out, "Outcome of the records read", rows, "");
  table(out, "the numbers behind the chart", "outcome", rows, read);
  out += "</figure>\n";
  figure(out, "Rejected records by reason code", "code", rows_of(r, "rejected_by_code"), 0, "bad");
  figure(out, "Skipped records by reason", "reason", rows_of(r, "skipped_by_reason"), 0, "warn");
  out += "</section>\n";
}

void reasons_section(std::string& out, const RejectDigest& d, const HtmlOptions& o) {
  out += "<section id=\"reasons\">\n<h2>Most frequent reject reasons</h2>\n";
  auto top = d.top(kTableRows);
  if (top.empty()) {
    out += "<p class=\"muted\">no rejected records</p>\n</section>\n";
    return;
  }
  out += std::string("<p class=\"muted\">") + num(d.records()) + " rejected record(s) in rejects.ndjson; first " +
         num(RejectDigest::kExamples) + " places of each reason" +
         (o.show_values ? ", with record keys (--show-values)" : "; record keys are shown with --show-values") + ".</p>\n";
  out += "<table><thead><tr><th class=\"n\">count</th><th>code</th><th>field</th><th>message</th><th>where</th></tr></thead><tbody>\n";
  for (const auto& reason : top) {
    std::string where;
    for (const auto& e : reason.examples) {
      where += code(e.where);
      if (o.show_values && !e.record_key.empty()) where += " " + code(e.record_key);
      where += "<br>";
    }
    out += "<tr><td class=\"n\">" + num(reason.count) + "</td><td>" + code(reason.code) + "</td><td>" + code(reason.field) +
           "</td><td class=\"msg\">" + html_escape(reason.message) + "</td><td class=\"where\">" + where + "</td></tr>\n";
  }
  out += "</tbody></table>\n";
  if (d.unreadable()) out += "<p>" + num(d.unreadable()) + " line(s) of rejects.ndjson could not be read.</p>\n";
  out += "</section>\n";
}

void grade_figure(std::string& out, const QualityStats& q) {
  Rows rows;
  for (const auto& [g, n] : q.grade_given) rows.emplace_back(g + " given", n);
  for (const auto& [g, n] : q.grade_derived) rows.emplace_back(g + " derived", n);
  out += "<figure>\n<h3>WHO grade: given or derived</h3>\n";
  if (rows.empty()) {
    out += "<p class=\"muted\">no converted cases</p>\n</figure>\n";
    return;
  }
  bar_chart(out, "WHO grade: given or derived", rows, "");
  table(out, "the numbers behind the chart", "grade", rows, q.cases);
  out += "<p id=\"grade-contradictions\">given grades that Ki-67, mitoses or the tumor class contradict: <b>" +
         num(q.grade_contradictions) + "</b> " + percent(q.grade_contradictions, q.cases) + "</p>\n</figure>\n";
}

void quality_section(std::string& out, const QualityStats& q) {
  out += "<section id=\"quality\">\n<h2>Converted cases</h2>\n<p>" + num(q.cases) + " converted tumor record(s).</p>\n";
  figure(out, "Primary site groups", "site group", rows_of(q.site_groups), q.cases);
  figure(out, "Primary sites (ICD-O-3 topography)", "topography", rows_of(q.primary_sites), q.cases);
  grade_figure(out, q);
  Rows ki;
  for (std::size_t i = 0; i < kKi67Bins; ++i) ki.emplace_back(std::string(ki67_bin_labels()[i]) + " %", q.ki67[i]);
  ki.emplace_back("not given", q.ki67_missing);
  out += "<figure>\n<h3>Ki-67 index</h3>\n";
  bar_chart(out, "Ki-67 index", ki, "");
  table(out, "the numbers behind the chart (WHO: G1 below 3 %, G2 3-20 %, G3 above 20 %)", "Ki-67", ki, q.cases);
  out += "</figure>\n";
  figure(out, "Treatments by kind", "kind", rows_of(q.treatment_kinds), 0);
  figure(out, "Concepts written without a verified code (unverified-terminology)", "concept", rows_of(q.unverified_concepts), 0,
         "warn");
  out += "</section>\n";
}

void outputs_section(std::string& out, const nlohmann::json& r) {
  out += "<section id=\"outputs\">\n<h2>Warnings and outputs</h2>\n";
  figure(out, "Warnings by code", "code", rows_of(r, "warnings_by_code"), 0, "warn");
  figure(out, "Resources written by type", "type", rows_of(r, "resources_by_type"), 0, "good");
  figure(out, "Facts counted", "fact", rows_of(r, "counted"), 0);
  if (auto d = r.find("delta"); d != r.end() && d->is_object()) {  // a --since run: what the delta holds
    figure(out, "Resources since the previous run (--since)", "resources", rows_of(*d, "resources"), 0);
    figure(out, "Patients since the previous run (--since)", "patients", rows_of(*d, "patients"), 0);
  }
  out += "<h3>Validation cost</h3>\n<table>\n";
  const auto t = r.value("timing", nlohmann::json::object());
  varies(out, "checking every output before it is written (summed over threads)", timing_text(t, "validation_seconds", " s", "%.3f"));
  varies(out, "loading the validators", timing_text(t, "validator_load_seconds", " s", "%.3f"));
  out += "</table>\n</section>\n";
}

}  // namespace

std::string render_html(const nlohmann::json& r, const RejectDigest& rejects, const HtmlOptions& o) {
  const QualityStats q = QualityStats::from_json(r.value("quality", nlohmann::json::object()));
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>netconv run report</title>\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n";
  header(out, r);
  run_section(out, r, q);
  records_section(out, r);
  reasons_section(out, rejects, o);
  quality_section(out, q);
  outputs_section(out, r);
  out += "<footer><p class=\"muted\">Written by netconv from report.json and rejects.ndjson (netconv report DIR draws it again).";
  out += o.show_values ? " Record keys shown (--show-values): this page holds patient identifiers." : " No patient identifiers.";
  out += "</p></footer>\n</body>\n</html>\n";
  return out;
}

}  // namespace netconv::report
