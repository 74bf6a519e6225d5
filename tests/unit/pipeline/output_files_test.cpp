#include "pipeline/output_files.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace netconv {
namespace fs = std::filesystem;

namespace {
std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

// Gathered appends keep the pieces' order, skip empty pieces, take more pieces than one
// writev accepts, and follow what earlier appends of the same file left in stdio's buffer.
TEST(OutputFiles, GatheredAppendsKeepOrder) {
  fs::path dir = fs::temp_directory_path() / ("netconv-output-files-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  std::string expected = "head\n";
  {
    OutputFiles files(dir.string());
    files.append("fhir/Patient.ndjson", std::string("head\n"));
    std::vector<std::string> texts;
    for (int i = 0; i < 3000; ++i) texts.push_back(i % 7 == 0 ? "" : std::to_string(i) + "\n");
    std::vector<std::string_view> pieces(texts.begin(), texts.end());
    for (const auto& t : texts) expected += t;
    files.append("fhir/Patient.ndjson", pieces);
    files.append("fhir/Patient.ndjson", std::string("tail\n"));
    expected += "tail\n";
    EXPECT_EQ(files.commit(), std::vector<std::string>{"fhir/Patient.ndjson"});
  }
  EXPECT_EQ(read_all(dir / "fhir/Patient.ndjson"), expected);
  fs::remove_all(dir);
}

}  // namespace netconv
