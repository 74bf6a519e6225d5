// The run report from a run folder: what `netconv report DIR` does, and what a conversion does
// with the report it is about to commit. Library side of the CLI command; throws IoError (exit 3)
// naming the file that could not be read or written.
#pragma once
#include <string>

#include "report/html_report.hpp"

namespace netconv::report {

// The page for a report.json text (timing line included) and its rejects; IoError when the text
// is not a JSON object (`source` names it in the message).
std::string render_report_text(const std::string& report_json, const RejectDigest& rejects, const HtmlOptions& options,
                               const std::string& source);

// Reads DIR/report.json and streams DIR/rejects.ndjson (a missing rejects.ndjson is a run
// without rejects files: an error, since every completed run has one).
std::string render_run_folder(const std::string& dir, const HtmlOptions& options);

// Replaces DIR/report.html with `html`: written to a temporary in DIR, synced, renamed over the
// old page, while holding DIR's lock (a conversion into DIR at the same time is refused: IoError).
void write_report_html(const std::string& dir, const std::string& html);

}  // namespace netconv::report
