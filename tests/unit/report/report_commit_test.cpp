// report.html is part of the output folder's commit: staged with report.json, replaced by the
// next completed run, left as it was by a run that does not complete.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/errors.hpp"
#include "pipeline/output_files.hpp"
#include "report/run_folder.hpp"

namespace netconv {
namespace fs = std::filesystem;

namespace {
std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
struct TempDir {
  fs::path path = fs::temp_directory_path() / ("netconv-report-commit-" + std::to_string(::getpid()));
  TempDir() { fs::remove_all(path); }
  ~TempDir() { fs::remove_all(path); }
};
}  // namespace

TEST(ReportCommit, CommittedWithTheRunAndKeptWhenARunDoesNotComplete) {
  TempDir t;
  const fs::path out = t.path / "out";
  {
    OutputFiles files(out.string(), {"fhir", "cda"});
    files.begin();
    files.ensure("rejects.ndjson");
    files.finish();
    files.commit("{\"read\":1}\n", "<p>first</p>\n");
  }
  EXPECT_EQ(read_all(out / "report.html"), "<p>first</p>\n");
  {
    OutputFiles files(out.string(), {"fhir", "cda"});
    files.begin();
    files.ensure("rejects.ndjson");
    files.abandon("{\"interrupted\":true}\n");
  }
  EXPECT_EQ(read_all(out / "report.html"), "<p>first</p>\n");
  {
    OutputFiles files(out.string(), {"fhir", "cda"});
    files.begin();
    files.ensure("rejects.ndjson");
  }  // failed: destroyed without commit
  EXPECT_EQ(read_all(out / "report.html"), "<p>first</p>\n");
  {
    OutputFiles files(out.string(), {"fhir", "cda"});
    files.begin();
    files.ensure("rejects.ndjson");
    files.finish();
    files.commit("{\"read\":2}\n");  // a run without a page: the old page is not left behind
  }
  EXPECT_FALSE(fs::exists(out / "report.html"));
}

TEST(ReportCommit, RedrawReplacesThePageAndRefusesAFolderARunHolds) {
  TempDir t;
  const fs::path out = t.path / "out";
  fs::create_directories(out);
  std::ofstream(out / "report.html") << "old";
  report::write_report_html(out.string(), "new");
  EXPECT_EQ(read_all(out / "report.html"), "new");
  EXPECT_FALSE(fs::exists(out / ".netconv-report.html.part"));
  OutputFiles run(out.string(), {"fhir", "cda"});
  run.begin();  // holds the folder's lock
  EXPECT_THROW(report::write_report_html(out.string(), "x"), IoError);
  EXPECT_THROW(report::render_run_folder((t.path / "missing").string(), {}), IoError);
}

}  // namespace netconv
