// convert() through the library API, as a program embedding netconv calls it: a sample converted
// in process writes the same FHIR and CDA bytes as the golden test's CLI run (samples/*/expected)
// and counts what report.json counts; the summary keeps read = converted + rejected + skipped.
#include "pipeline/convert.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <mutex>
#include <regex>
#include <string>

#include "support/files.hpp"
#include "support/param_names.hpp"
#include "support/shipped_tables.hpp"

namespace netconv {
namespace {
namespace fs = std::filesystem;

// Diagnostics arrive from worker threads.
class LockedSink : public DiagnosticSink {
 public:
  void report(const Diagnostic& d) override {
    std::lock_guard lock(mutex_);
    items.push_back(d);
  }
  std::vector<Diagnostic> items;

 private:
  std::mutex mutex_;
};

// The goldens write meta.source's run id as RUN (tests/golden/run_golden.sh says why); the run
// id itself is pinned by the lineage unit tests.
std::string without_run_id(const std::string& fhir) {
  const std::regex run_id(":run:[0-9a-f]{16}\"");
  return std::regex_replace(fhir, run_id, ":run:RUN\"");
}

struct SampleCase {
  const char* name;  // folder under samples/
};
NETCONV_PRINT_CASE_AS_NAME(SampleCase)

class ConvertLibrary : public ::testing::TestWithParam<SampleCase> {};

TEST_P(ConvertLibrary, WritesTheGoldenBytesAndCounts) {
  const fs::path sample = fs::path(NETCONV_SAMPLES_DIR) / GetParam().name;
  const test_support::TempDir temp(std::string("convert-") + GetParam().name);
  ConvertOptions o;
  o.inputs = {(sample / "input.csv").string()};
  o.to = {"fhir", "cda"};
  o.output_dir = (temp.dir / "out").string();
  o.jobs = 2;
  LockedSink diags;
  const ConvertSummary s = convert(o, test_support::shipped_tables(), diags);

  const auto report = nlohmann::json::parse(test_support::slurp(sample / "expected" / "report.json"));
  EXPECT_EQ(s.read, report["read"].get<std::uint64_t>());
  EXPECT_EQ(s.converted, report["converted"].get<std::uint64_t>());
  EXPECT_EQ(s.rejected, report["rejected"].get<std::uint64_t>());
  EXPECT_EQ(s.skipped, report["skipped"].get<std::uint64_t>());
  EXPECT_EQ(s.read, s.converted + s.rejected + s.skipped);
  EXPECT_EQ(std::to_string(s.exit_code), test_support::slurp(sample / "expected" / "exit_code").substr(0, 1));
  std::size_t compared = 0;
  for (const char* folder : {"fhir", "cda"}) {
    if (!fs::exists(sample / "expected" / folder)) continue;
    for (const auto& e : fs::directory_iterator(sample / "expected" / folder)) {
      const fs::path written = temp.dir / "out" / folder / e.path().filename();
      ASSERT_TRUE(fs::exists(written)) << written;
      EXPECT_EQ(without_run_id(test_support::slurp(written)), test_support::slurp(e.path())) << folder << "/" << e.path().filename().string();
      ++compared;
    }
  }
  EXPECT_GT(compared, 0u);
}

// One sample with converted records and warnings, one with rejects.
INSTANTIATE_TEST_SUITE_P(Samples, ConvertLibrary,
                         ::testing::Values(SampleCase{"01-ileal-net-carcinoid-syndrome"},
                                           SampleCase{"09-rejected-code-and-value-errors"}),
                         netconv::test_support::CaseName{});

}  // namespace
}  // namespace netconv
