#include "pipeline/output_files.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/errors.hpp"
#include "support/files.hpp"

namespace netconv {
namespace fs = std::filesystem;

namespace {
std::string read_all(const fs::path& p) { return test_support::slurp(p); }
void put(const fs::path& p, const std::string& text) { test_support::spit(p, text); }
// the folders the shipped output formats write to (FormatRegistry::output_directories())
const std::vector<std::string> kFormatDirs = {"fhir", "cda"};
// Every entry below `dir`, relative, sorted: what a reader of the folder sees.
std::vector<std::string> listing(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) out.push_back(fs::relative(e.path(), dir).string());
  std::sort(out.begin(), out.end());
  return out;
}

class OutputFilesTest : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directories(dir); }
  // A completed run of both formats, as an earlier netconv left it.
  void previous_run() {
    OutputFiles files(dir.string(), kFormatDirs);
    files.begin();
    files.ensure("rejects.ndjson");
    files.append("rejects.ndjson", std::string("old reject\n"));
    files.append("fhir/Patient.ndjson", std::string("old patient\n"));
    files.write_whole("cda/a.xml", "<old/>");
    files.finish();
    files.commit("old report\n");
  }
  test_support::TempDir temp{"output-files"};
  fs::path root = temp.dir, dir = root / "out";
};
}  // namespace

// Gathered appends keep the pieces' order, skip empty pieces, take more pieces than one
// writev accepts, and follow what earlier appends of the same file left in the buffer.
TEST_F(OutputFilesTest, GatheredAppendsKeepOrder) {
  std::string expected = "head\n";
  {
    OutputFiles files(dir.string(), kFormatDirs);
    files.begin();
    files.append("fhir/Patient.ndjson", std::string("head\n"));
    std::vector<std::string> texts;
    for (int i = 0; i < 3000; ++i) texts.push_back(i % 7 == 0 ? "" : std::to_string(i) + "\n");
    std::vector<std::string_view> pieces(texts.begin(), texts.end());
    for (const auto& t : texts) expected += t;
    files.append("fhir/Patient.ndjson", pieces);
    files.append("fhir/Patient.ndjson", std::string("tail\n"));
    expected += "tail\n";
    EXPECT_EQ(files.finish(), std::vector<std::string>{"fhir/Patient.ndjson"});
    EXPECT_EQ(files.bytes_written(), expected.size());
    files.commit("{}\n");
  }
  EXPECT_EQ(read_all(dir / "fhir/Patient.ndjson"), expected);
  EXPECT_EQ(read_all(dir / "report.json"), "{}\n");
  EXPECT_EQ(listing(dir), (std::vector<std::string>{"fhir", "fhir/Patient.ndjson", "report.json"}));
}

// A run that writes FHIR only replaces the previous run whole: its CDA folder and an interrupted
// run's report go, nothing of the switch stays behind.
TEST_F(OutputFilesTest, CommitReplacesThePreviousRunWhole) {
  previous_run();
  put(dir / "report.interrupted.json", "interrupted\n");
  {
    OutputFiles files(dir.string(), kFormatDirs);
    files.begin();
    files.ensure("rejects.ndjson");
    files.append("fhir/Condition.ndjson", std::string("new\n"));
    EXPECT_EQ(files.finish(), (std::vector<std::string>{"fhir/Condition.ndjson", "rejects.ndjson"}));
    files.commit("new report\n");
  }
  EXPECT_EQ(listing(dir), (std::vector<std::string>{"fhir", "fhir/Condition.ndjson", "rejects.ndjson", "report.json"}));
  EXPECT_EQ(read_all(dir / "report.json"), "new report\n");
  EXPECT_EQ(read_all(dir / "rejects.ndjson"), "");
}

// A run that fails or is dropped before commit leaves the previous run exactly as it was and
// no temporary file; an abandoned one adds its report under its own name only.
TEST_F(OutputFilesTest, AnUncommittedRunLeavesThePreviousRun) {
  previous_run();
  auto before = listing(dir);
  {
    OutputFiles files(dir.string(), kFormatDirs);
    files.begin();
    files.ensure("rejects.ndjson");
    files.append("rejects.ndjson", std::string("new reject\n"));
    files.append("fhir/Patient.ndjson", std::string("new patient\n"));
    files.write_whole("cda/b.xml", "<new/>");
  }
  EXPECT_EQ(listing(dir), before);
  EXPECT_EQ(read_all(dir / "rejects.ndjson"), "old reject\n");
  {
    OutputFiles files(dir.string(), kFormatDirs);
    files.begin();
    files.append("fhir/Patient.ndjson", std::string("new patient\n"));
    files.abandon("interrupted counts\n");
  }
  before.push_back("report.interrupted.json");
  std::sort(before.begin(), before.end());
  EXPECT_EQ(listing(dir), before);
  EXPECT_EQ(read_all(dir / "report.interrupted.json"), "interrupted counts\n");
  EXPECT_EQ(read_all(dir / "fhir/Patient.ndjson"), "old patient\n");
  EXPECT_EQ(read_all(dir / "report.json"), "old report\n");
}

// A link planted where netconv creates a file or folder is refused, never followed: nothing is
// created where it points.
TEST_F(OutputFilesTest, RefusesPlantedLinks) {
  fs::path outside = root / "outside";
  fs::create_directories(outside);
  {
    OutputFiles files(dir.string(), kFormatDirs);
    files.begin();
    fs::create_symlink(outside / "stolen.ndjson", dir / ".netconv-run/rejects.ndjson");
    EXPECT_THROW(files.ensure("rejects.ndjson"), IoError);
    fs::create_symlink(outside, dir / ".netconv-run/fhir");
    EXPECT_THROW(files.append("fhir/Patient.ndjson", std::string("data\n")), IoError);
    fs::create_directories(dir / ".netconv-run/cda");
    fs::create_symlink(outside / "doc.xml", dir / ".netconv-run/cda/doc.xml");
    EXPECT_THROW(files.write_whole("cda/doc.xml", "<data/>"), IoError);
    EXPECT_THROW(files.append("../escape.ndjson", std::string("x")), IoError);
  }
  EXPECT_TRUE(fs::is_empty(outside));
  EXPECT_TRUE(fs::is_empty(dir));
}

// A crash between the commit point and the end of the switch: the next run finishes it first.
TEST_F(OutputFilesTest, TheNextRunCompletesACommitACrashStopped) {
  previous_run();
  fs::path journal = dir / ".netconv-commit";
  put(journal / ".manifest", "report.json\nrejects.ndjson\nfhir\n");
  put(journal / "report.json", "new report\n");
  put(journal / "fhir/Observation.ndjson", "new\n");
  fs::rename(dir / "rejects.ndjson", root / "old-rejects");  // the crash came after rejects.ndjson moved in
  put(dir / "rejects.ndjson", "new reject\n");
  {
    OutputFiles files(dir.string(), kFormatDirs);
    files.begin();
  }
  EXPECT_EQ(listing(dir), (std::vector<std::string>{"fhir", "fhir/Observation.ndjson", "rejects.ndjson", "report.json"}));
  EXPECT_EQ(read_all(dir / "report.json"), "new report\n");
  EXPECT_EQ(read_all(dir / "rejects.ndjson"), "new reject\n");
}

// What killed runs leave (a staging folder, a trash folder, older versions' .part files) is gone
// after the next run.
TEST_F(OutputFilesTest, CleansWhatKilledRunsLeft) {
  put(dir / ".netconv-run/cda/x.xml", "<partial");
  put(dir / ".netconv-trash/fhir/Old.ndjson", "old\n");
  put(dir / "report.json.part", "partial");
  put(dir / "rejects.ndjson.part", "partial");
  {
    OutputFiles files(dir.string(), kFormatDirs);
    files.begin();
    files.ensure("rejects.ndjson");
    files.finish();
    files.commit("r\n");
  }
  EXPECT_EQ(listing(dir), (std::vector<std::string>{"rejects.ndjson", "report.json"}));
}

// ... and leaves the first run's staging folder alone.
TEST_F(OutputFilesTest, ASecondRunOnTheSameFolderIsRefused) {
  OutputFiles first(dir.string(), kFormatDirs);
  first.begin();
  first.append("fhir/Patient.ndjson", std::string("first\n"));
  {
    OutputFiles second(dir.string(), kFormatDirs);
    EXPECT_THROW(second.begin(), IoError);
  }
  EXPECT_TRUE(fs::exists(dir / ".netconv-run/fhir/Patient.ndjson"));
  first.finish();
  first.commit("r\n");
  EXPECT_EQ(read_all(dir / "fhir/Patient.ndjson"), "first\n");
}

// The disk filling at the last flush (here: the file-size limit) is an IoError naming the file,
// each descriptor is closed once, and the previous run is left as it was.
TEST_F(OutputFilesTest, AWriteErrorAtTheLastFlushLeavesThePreviousRun) {
  previous_run();
  auto before = listing(dir);
  rlimit saved;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = saved;
  small.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  std::string message;
  {
    OutputFiles files(dir.string(), kFormatDirs);
    files.begin();
    files.ensure("rejects.ndjson");
    files.append("rejects.ndjson", std::string(10000, 'r'));  // buffered: written by finish()
    try {
      files.finish();
    } catch (const IoError& e) {
      message = e.what();
    }
  }
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, old_handler);
  EXPECT_NE(message.find("rejects.ndjson"), std::string::npos) << message;
  EXPECT_EQ(listing(dir), before);
  EXPECT_EQ(read_all(dir / "rejects.ndjson"), "old reject\n");
}

}  // namespace netconv
