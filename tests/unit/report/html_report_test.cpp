#include "report/html_report.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "report/run_folder.hpp"

namespace netconv::report {
namespace {

nlohmann::json small_report() {
  return nlohmann::json::parse(R"({"tool":"netconv","version":"0.1.0","inputs":["in<put>.csv"],"read":3,"converted":1,
    "rejected":2,"skipped":0,"patients_written":1,"files_failed":0,"interrupted":false,"skipped_by_reason":{},
    "rejected_by_code":{"NC-CODE-001":2},"warnings_by_code":{"NC-REC-005":1},"resources_by_type":{"fhir:Patient":1},
    "counted":{},"quality":{"cases":1,"unverified_concepts":{"a&b":1}},"outputs":[],
    "timing":{"seconds":1.5,"records_per_second":2,"output_bytes":10,"validation_seconds":0.25,"validator_load_seconds":0.5}})");
}

RejectDigest digest_of(const std::string& lines) {
  RejectDigest d;
  d.add_lines(lines);
  return d;
}

const char* kRejects =
    R"({"input":"in.csv","line":2,"record_key":"PAT-SECRET-1/1","reasons":[{"code":"NC-CODE-001","field":"primary_site","line":2,"column":36,"message":"primary_site is not <valid> & \"odd\" 'x'"}]})"
    "\n"
    R"({"input":"in.csv","line":3,"record_key":"PAT-SECRET-2/1","reasons":[{"code":"NC-CODE-001","field":"primary_site","line":3,"column":7,"message":"primary_site is not <valid> & \"odd\" 'x'"}]})"
    "\n";

}  // namespace

TEST(HtmlEscape, EscapesEveryMarkupCharacter) {
  EXPECT_EQ(html_escape("<a href=\"x\">Tom & Jerry's</a>"), "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
}

TEST(HtmlReport, ValuesFromTheRunAreEscaped) {
  const std::string page = render_html(small_report(), digest_of(kRejects), {});
  EXPECT_NE(page.find("in&lt;put&gt;.csv"), std::string::npos);
  EXPECT_NE(page.find("primary_site is not &lt;valid&gt; &amp; &quot;odd&quot; &#39;x&#39;"), std::string::npos);
  EXPECT_NE(page.find("<code>a&amp;b</code>"), std::string::npos);
  EXPECT_EQ(page.find("<valid>"), std::string::npos);
  EXPECT_EQ(page.find("in<put>"), std::string::npos);
}

TEST(HtmlReport, RecordKeysOnlyWithShowValues) {
  const auto digest = digest_of(kRejects);
  const std::string hidden = render_html(small_report(), digest, {false});
  EXPECT_EQ(hidden.find("PAT-SECRET"), std::string::npos);
  EXPECT_NE(hidden.find("in.csv:2:36"), std::string::npos);  // the place is shown all the same
  const std::string shown = render_html(small_report(), digest, {true});
  EXPECT_NE(shown.find("PAT-SECRET-1/1"), std::string::npos);
}

// No script, nothing to fetch: the only URL-like text allowed is none at all.
TEST(HtmlReport, SelfContained) {
  const std::string page = render_html(small_report(), digest_of(kRejects), {true});
  for (const char* banned : {"<script", "http://", "https://", "src=", "href=", "@import", "url("})
    EXPECT_EQ(page.find(banned), std::string::npos) << banned;
  EXPECT_NE(page.find("Content-Security-Policy"), std::string::npos);
}

TEST(HtmlReport, RunVaryingValuesAreOnLinesOfTheirOwn) {
  const std::string page = render_html(small_report(), digest_of(""), {});
  std::istringstream lines(page);
  int varies = 0;
  for (std::string line; std::getline(lines, line);) {
    const bool has_time = line.find("1.500 s") != std::string::npos || line.find("0.250 s") != std::string::npos;
    if (has_time) {
      EXPECT_EQ(line.rfind("<tr class=\"varies\">", 0), 0u) << line;
    }
    varies += line.rfind("<tr class=\"varies\">", 0) == 0;
  }
  EXPECT_EQ(varies, 5);
}

// A run with many distinct codes and reasons: the tables are capped, the page stays small.
TEST(HtmlReport, TablesAreCappedWhateverTheRunsSize) {
  auto report = small_report();
  RejectDigest digest;
  for (int i = 0; i < 20000; ++i) {
    report["rejected_by_code"]["NC-X-" + std::to_string(i)] = i;  // signed JSON integers are counts too
    report["quality"]["primary_sites"]["C" + std::to_string(i)] = 1;
    digest.add_line(R"({"input":"in.csv","line":)" + std::to_string(i + 2) + R"(,"record_key":"p/1","reasons":[{"code":"NC-X","field":"f","line":1,"column":1,"message":"m)" +
                    std::to_string(i) + R"("}]})");
  }
  const std::string page = render_html(report, digest, {});
  EXPECT_LT(page.size(), 200u * 1024);
  EXPECT_NE(page.find("(19976 others)"), std::string::npos);
  EXPECT_NE(page.find("NC-X-19999"), std::string::npos);  // the largest are the ones kept
  EXPECT_EQ(digest.records(), 20000u);
  EXPECT_LE(digest.top(1000).size(), RejectDigest::kMaxReasons + 1);
}

TEST(RejectDigest, MostFrequentFirstWithTheFirstPlaces) {
  RejectDigest d;
  d.add_lines(kRejects);
  d.add_line(R"({"input":"in.csv","line":9,"record_key":"k","reasons":[{"code":"NC-OUT-001","field":"Patient.name","output":"fhir/Patient.ndjson Patient/1","message":"m"}]})");
  d.add_line("not json");
  auto top = d.top(10);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].code, "NC-CODE-001");
  EXPECT_EQ(top[0].count, 2u);
  ASSERT_EQ(top[0].examples.size(), 2u);
  EXPECT_EQ(top[0].examples[0].where, "in.csv:2:36");
  EXPECT_EQ(top[1].examples[0].where, "fhir/Patient.ndjson Patient/1");
  EXPECT_EQ(d.records(), 3u);
  EXPECT_EQ(d.unreadable(), 1u);
}

// The page of a sample's run folder (its golden expected/) holds the counts but none of the
// sample's patient identifiers.
TEST(RunFolder, SamplePageHasNoPatientIdsWithoutShowValues) {
  const std::string dir = std::string(NETCONV_SAMPLES_DIR) + "/09-rejected-code-and-value-errors/expected";
  const std::string page = render_run_folder(dir, {false});
  EXPECT_EQ(page.find("NET-0801"), std::string::npos);
  EXPECT_NE(page.find("NC-CODE-002"), std::string::npos);
  EXPECT_NE(page.find("input.csv:2:42"), std::string::npos);
  EXPECT_NE(render_run_folder(dir, {true}).find("NET-0801/1"), std::string::npos);
  std::ifstream committed(dir + "/report.html");
  std::stringstream s;
  s << committed.rdbuf();
  EXPECT_EQ(s.str().find("NET-08"), std::string::npos);
}

}  // namespace netconv::report

namespace netconv::report {
TEST(HtmlReport, LargeCountsAreGroupedInThousands) {
  auto report = small_report();
  report["read"] = 1234567;
  const std::string page = render_html(report, RejectDigest(), {});
  EXPECT_NE(page.find("<b>1,234,567</b>"), std::string::npos);
}
}  // namespace netconv::report
