// explain: table rows (file:line) and what a value becomes.
#include "commands/explain.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace netconv {

namespace {
std::string run(const std::vector<std::string>& values, const std::string& stdin_text = "", int* rc = nullptr) {
  std::istringstream in(stdin_text);
  std::ostringstream out;
  int r = explain({NETCONV_MAPPINGS_DIR, values}, in, out);
  if (rc) *rc = r;
  return out.str();
}
}  // namespace

TEST(Explain, Morphology) {
  auto s = run({"8249/3"});
  EXPECT_NE(s.find("icdo3-morphology.tsv:"), std::string::npos) << s;
  EXPECT_NE(s.find("morphology-scope.tsv:"), std::string::npos) << s;
  EXPECT_NE(s.find("convert, tumor class 'net'"), std::string::npos) << s;
  EXPECT_NE(s.find("histologyMorphologyBehavior"), std::string::npos) << s;
}

TEST(Explain, TopographyAndIcd10cmCode) {
  auto s = run({"C17.2"});
  EXPECT_NE(s.find("icdo3-topography.tsv:"), std::string::npos) << s;
  EXPECT_NE(s.find("sites.tsv:"), std::string::npos) << s;
  EXPECT_NE(s.find("dx.net.ileum"), std::string::npos) << s;
  EXPECT_NE(s.find("C7A.012"), std::string::npos) << s;
  EXPECT_NE(s.find("target code icd10cm C17.2"), std::string::npos) << s;  // also the MiNEN ICD-10-CM code
  EXPECT_NE(s.find("-> C-CDA"), std::string::npos) << s;
}

TEST(Explain, AgentContractValueAndUnknown) {
  auto s = run({"octreotide"});
  EXPECT_NE(s.find("agents.tsv:"), std::string::npos) << s;
  EXPECT_NE(s.find("UNVERIFIED"), std::string::npos) << s;
  EXPECT_NE(s.find("unverified-terminology"), std::string::npos) << s;
  s = run({"MEN1"});
  EXPECT_NE(s.find("values.tsv:"), std::string::npos) << s;
  EXPECT_NE(s.find("E31.21"), std::string::npos) << s;
  int rc = 0;
  s = run({"no-such-thing"}, "", &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(s.find("no table row matches"), std::string::npos);
}

TEST(Explain, CsvRowOnStdin) {
  int rc = -1;
  auto s = run({"-"},
               "patient_id,sex,primary_site,histology,grade,symptoms,treatments\n"
               "p1,F,C17.2,8240/3,G1,flushing,ssa:octreotide@2021-01-01\n",
               &rc);
  EXPECT_EQ(rc, 0) << s;
  EXPECT_NE(s.find("record 1"), std::string::npos) << s;
  EXPECT_NE(s.find("converted"), std::string::npos) << s;
  EXPECT_NE(s.find("field primary_site: C17.2"), std::string::npos) << s;
  EXPECT_NE(s.find("FHIR Condition/"), std::string::npos) << s;
  EXPECT_NE(s.find("FHIR MedicationAdministration/"), std::string::npos) << s;
}

}  // namespace netconv

namespace netconv {

// Dated ICD-10-CM alternatives say which diagnosis dates they are sent for (issue K item 4).
TEST(Explain, DatedIcd10cmCodesNameTheirFiscalYears) {
  auto s = run({"carcinoid_syndrome"});
  EXPECT_NE(s.find("E34.0 (if diagnosed FY2016-FY2024)"), std::string::npos) << s;
  EXPECT_NE(s.find("E34.00 (if diagnosed FY2025-FY2026)"), std::string::npos) << s;
  EXPECT_EQ(run({"MEN1"}).find("if diagnosed"), std::string::npos) << "a code valid in every year says nothing";
}

}  // namespace netconv
