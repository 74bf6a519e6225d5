// Every NAACCR XML file in ../shared/reference/naaccr/samples/ gets the verdict the reference
// NAACCR XML library gives it (samples README). One test per file; where netconv's policy
// differs from the library, the row says so (docs/naaccr.md "Policy differences").
#include <gtest/gtest.h>

#include "support/shared_reference.hpp"

#include <filesystem>
#include <fstream>
#include <set>

#include "naaccr_test_util.hpp"
#include "support/param_names.hpp"

namespace netconv {
namespace {

namespace fs = std::filesystem;
using naaccr_test::ReadResult;

std::string samples_dir() { return std::string(NETCONV_SHARED_DIR) + "/reference/naaccr/samples"; }

struct SampleCase {
  const char* path;            // under samples/
  const char* reference;       // the reference library's verdict: "valid" or "invalid"
  const char* netconv;         // netconv's verdict
  const char* expect_code;     // a diagnostic netconv must give ("" = none required)
  const char* dictionary;      // --naaccr-dictionary (under samples/), "" = none
  const char* policy;          // why netconv differs, "" when it agrees
};
[[maybe_unused]] void PrintTo(const SampleCase& c, std::ostream* os) { *os << c.path; }

const SampleCase kCases[] = {
    {"valid/valid_standard-file-1.xml", "valid", "valid", "", "", ""},
    {"valid/standard-file.xml", "valid", "valid", "NC-NAACCR-006", "", ""},  // v16: best effort, one warning
    {"valid/standard-file-extension.xml", "valid", "valid", "NC-NAACCR-007", "", ""},
    {"valid/valid_namespace-with-prefix-1.xml", "valid", "valid", "", "", ""},
    {"valid/xml-reader-special-characters.xml", "valid", "valid", "NC-NAACCR-005", "", ""},
    {"invalid/invalid_missing-required-attribute-1.xml", "invalid", "invalid", "NC-NAACCR-004", "", ""},
    {"invalid/invalid_extension-missing-namespace-1.xml", "invalid", "invalid", "NC-NAACCR-008", "", ""},
    {"invalid/invalid_default-namespace-missing-1.xml", "invalid", "valid", "NC-NAACCR-005", "",
     "no namespace: fails the XSD strictly, but the reference library reads it in relaxed mode and so does netconv, with a warning"},
    {"invalid/invalid_unknown-data-item-1.xml", "invalid", "invalid", "NC-NAACCR-020", "", ""},
    {"invalid/invalid_value-to-long-1.xml", "invalid", "invalid", "NC-NAACCR-022", "", ""},
    {"invalid/invalid_bad-naaccr-item-number.xml", "invalid", "invalid", "NC-NAACCR-026", "", ""},
    {"invalid/xml-reader-duplicate-items.xml", "invalid", "invalid", "NC-NAACCR-028", "", ""},
    {"realistic/naaccr-xml-sample-v250-abstract-10.xml", "valid", "valid", "", "", ""},
    {"user-dictionary/synthetic-data_naaccr-210-incidence_10-tumors_non-standard.xml", "valid", "valid", "", "user-dictionary/my-dictionary.xml", ""},
    {"user-dictionary/my-dictionary.xml", "valid", "invalid", "NC-NAACCR-003", "",
     "a dictionary, not a data file: valid as a dictionary (netconv reads it with --naaccr-dictionary, see the row above), refused as data input"},
    {"flat/synthetic-data_naaccr-180-incidence_10-tumors.xml", "valid", "valid", "NC-NAACCR-006", "",
     ""},  // v18: best effort; three SEER items retired before v23 are ignored with NC-NAACCR-021
};

class ReferenceSample : public ::testing::TestWithParam<SampleCase> {};

TEST_P(ReferenceSample, GetsTheReferenceVerdict) {
  const auto& c = GetParam();
  NETCONV_NEEDS_SHARED(samples_dir());
  std::string path = samples_dir() + "/" + c.path;
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing reference sample " << path;
  ReadResult r;
  naaccr_test::read_all(in, r, *c.dictionary ? samples_dir() + "/" + c.dictionary : "", c.path);
  std::string verdict = r.valid() ? "valid" : "invalid";
  EXPECT_EQ(verdict, c.netconv) << ::testing::PrintToString(r.codes());
  if (std::string(c.reference) != c.netconv) EXPECT_STRNE(c.policy, "") << "a verdict that differs from the reference needs a written policy";
  else EXPECT_STREQ(c.policy, "");
  if (*c.expect_code) EXPECT_TRUE(r.has(c.expect_code)) << ::testing::PrintToString(r.codes());
}

INSTANTIATE_TEST_SUITE_P(Naaccr, ReferenceSample, ::testing::ValuesIn(kCases), [](const auto& info) {
  return netconv::test_support::test_name_suffix(info.param.path);
});

TEST(ReferenceSamples, EveryXmlFileHasAVerdict) {
  std::set<std::string> listed;
  for (const auto& c : kCases) listed.insert(c.path);
  NETCONV_NEEDS_SHARED(samples_dir());
  ASSERT_TRUE(fs::is_directory(samples_dir()));
  for (const auto& e : fs::recursive_directory_iterator(samples_dir())) {
    if (!e.is_regular_file() || e.path().extension() != ".xml") continue;
    auto rel = fs::relative(e.path(), samples_dir()).string();
    EXPECT_TRUE(listed.count(rel)) << rel << " has no expected verdict";
  }
}

TEST(ReferenceSamples, UserDataFileWithoutItsDictionaryStillReadsBestEffort) {
  NETCONV_NEEDS_SHARED(samples_dir());
  // v21 file: netconv does not carry v21, so items it does not know (myVariable too) are ignored
  // with a warning instead of rejecting every tumor; with the dictionary, myVariable is known.
  std::ifstream in(samples_dir() + "/user-dictionary/synthetic-data_naaccr-210-incidence_10-tumors_non-standard.xml", std::ios::binary);
  ReadResult r;
  naaccr_test::read_all(in, r);
  EXPECT_TRUE(r.valid());
  EXPECT_TRUE(r.has("NC-NAACCR-030"));
  EXPECT_TRUE(r.has("NC-NAACCR-021"));
  EXPECT_EQ(r.records.size(), 10u);
}

}  // namespace
}  // namespace netconv
