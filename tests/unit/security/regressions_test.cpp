// Replays tests/data/regressions/ (README there): every input that once crashed or misbehaved is
// read again by the parser its extension names and must come back as diagnostics, not exceptions.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "hostile_input_util.hpp"
#include "validation/fhir_validator.hpp"

namespace netconv {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputs(const std::string& ext) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(std::string(NETCONV_TEST_DATA) + "/regressions"))
    if (e.path().extension() == ext) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

void replay(const std::string& ext, hostile::Format f) {
  for (const auto& p : inputs(ext)) {
    SCOPED_TRACE(p.filename().string());
    std::ifstream in(p, std::ios::binary);
    hostile::ReadResult r;
    EXPECT_NO_THROW(r = hostile::read(f, in));
    EXPECT_TRUE(r.failed || !r.all_text().empty()) << "a regression input must produce a diagnostic";
  }
}

TEST(Regressions, CsvInputs) { replay(".csv", hostile::Format::csv); }
TEST(Regressions, NdjsonInputs) { replay(".ndjson", hostile::Format::ndjson); }
TEST(Regressions, NaaccrInputs) { replay(".xml", hostile::Format::naaccr); }

TEST(Regressions, FhirValidatorInputs) {
  auto files = inputs(".json");
  if (files.empty()) GTEST_SKIP() << "no .json regression inputs";
  std::unique_ptr<FhirValidator> v;
  try {
    v = std::make_unique<FhirValidator>(FhirValidator::load(resolve_fhir_packages_dir("")));
  } catch (const std::exception& e) {
    GTEST_SKIP() << "FHIR packages not installed: " << e.what();
  }
  for (const auto& p : files) {
    SCOPED_TRACE(p.filename().string());
    std::ifstream in(p, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<ValidationIssue> issues;
    EXPECT_NO_THROW(issues = v->validate(text));
    EXPECT_FALSE(issues.empty());
  }
}

}  // namespace
}  // namespace netconv
