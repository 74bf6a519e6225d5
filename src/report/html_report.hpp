// The run report people read: one self-contained HTML page (inline CSS, SVG charts drawn here, no
// script, nothing fetched — a Content-Security-Policy forbids it) drawn from a run's report.json
// and the digest of its rejects.ndjson. Every chart has the table behind it; tables are capped
// (top entries plus one "others" row) so the page stays small for any run size; it prints on A4.
//
// Contract: the same inputs give the same bytes. The values that differ between two runs of the
// same input (durations, rates, validation time, output bytes) are each on a line of their own
// starting `<tr class="varies">`, so comparisons can drop them. Patient identifiers (record keys)
// appear only with show_values; messages and codes never carry values (README "rejects.ndjson").
#pragma once
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "report/reject_digest.hpp"

namespace netconv::report {

struct HtmlOptions {
  bool show_values = false;  // show record keys (patient/tumor) in the reject examples
};

// Rows shown per table and chart before the rest is summed into one row.
constexpr std::size_t kTableRows = 25;

std::string render_html(const nlohmann::json& report, const RejectDigest& rejects, const HtmlOptions& options);

// Escapes & < > " ' for text and attribute values.
std::string html_escape(std::string_view text);

}  // namespace netconv::report
