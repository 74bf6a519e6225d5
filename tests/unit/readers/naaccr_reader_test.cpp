// NAACCR XML reader: structure, item checks, field mapping, security (table-driven).
#include <gtest/gtest.h>

#include "support/shared_reference.hpp"

#include <algorithm>

#include "naaccr_test_util.hpp"
#include "readers/naaccr_dictionary.hpp"
#include "support/param_names.hpp"

namespace netconv {
namespace {

using naaccr_test::ReadResult;
using naaccr_test::field_value;
using naaccr_test::read_text;

std::string file(const std::string& patients, const std::string& root_items = "<Item naaccrId=\"registryId\">0000012345</Item>",
                 const std::string& version = "250") {
  return "<?xml version=\"1.0\"?>\n<NaaccrData baseDictionaryUri=\"http://naaccr.org/naaccrxml/naaccr-dictionary-" + version +
         ".xml\" recordType=\"I\" specificationVersion=\"1.7\" xmlns=\"http://naaccr.org/naaccrxml\">\n" + root_items + "\n" + patients +
         "\n</NaaccrData>\n";
}
std::string item(const std::string& id, const std::string& v) { return "<Item naaccrId=\"" + id + "\">" + v + "</Item>"; }
std::string net_tumor(const std::string& extra = "", const std::string& date = "20210315") {
  return "<Tumor>" + item("primarySite", "C172") + item("histologicTypeIcdO3", "8240") + item("behaviorCodeIcdO3", "3") +
         item("dateOfDiagnosis", date) + extra + "</Tumor>";
}
std::string patient(const std::string& tumors, const std::string& items = item("patientIdNumber", "00000001")) {
  return "<Patient>" + items + tumors + "</Patient>";
}

struct ItemCase {
  const char* name;
  std::string tumor_extra;    // items added to a valid NET tumor
  std::string patient_items;  // patient-level items
  std::string expect_code;    // "" = the tumor is clean
};
NETCONV_PRINT_CASE_AS_NAME(ItemCase)

class ItemChecks : public ::testing::TestWithParam<ItemCase> {};

TEST_P(ItemChecks, GiveTheDocumentedDiagnostic) {
  const auto& c = GetParam();
  ReadResult r;
  read_text(file(patient(net_tumor(c.tumor_extra), item("patientIdNumber", "00000001") + c.patient_items)), r);
  ASSERT_FALSE(r.failed);
  ASSERT_EQ(r.records.size(), 1u);
  if (std::string(c.expect_code).empty()) {
    EXPECT_TRUE(r.records[0].problems.empty()) << r.records[0].problems.front().code << " " << r.records[0].problems.front().message;
  } else {
    ASSERT_FALSE(r.records[0].problems.empty());
    EXPECT_EQ(r.records[0].problems.front().code, c.expect_code) << r.records[0].problems.front().message;
    EXPECT_NE(r.records[0].problems.front().location.line, 0u);
    EXPECT_NE(r.records[0].problems.front().message.find("patient 1"), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Naaccr, ItemChecks,
    ::testing::Values(
        ItemCase{"clean", "", "", ""},
        ItemCase{"unknown_item", item("notAnItem", "1"), "", "NC-NAACCR-020"},
        ItemCase{"sex_unknown_in_v26_is_only_unknown_there", "", item("sexAssignedAtBirth", "2"), "NC-NAACCR-020"},  // file is v25
        ItemCase{"too_long", item("laterality", "12"), "", "NC-NAACCR-022"},
        ItemCase{"too_short_digits", item("rxSummChemo", "1"), "", ""},  // leftZero padding: 1 -> 01
        ItemCase{"too_short_mixed", item("rxSummSurgPrimSite2023", "A20"), "", "NC-NAACCR-023"},
        ItemCase{"bad_for_digits", item("laterality", "R"), "", "NC-NAACCR-024"},
        ItemCase{"bad_date_shape", item("rxDateChemo", "2021-03-01"), "", "NC-NAACCR-022"},
        ItemCase{"bad_date_month", item("rxDateChemo", "20211301"), "", "NC-NAACCR-024"},
        ItemCase{"impossible_date", item("rxDateChemo", "20230231"), "", "NC-NAACCR-025"},
        ItemCase{"leading_space", item("rxSummOther", " 1"), "", "NC-NAACCR-029"},
        ItemCase{"trailing_space_text", item("ki67", "4.5 "), "", "NC-NAACCR-029"},
        ItemCase{"wrong_naaccr_num", "<Item naaccrId=\"laterality\" naaccrNum=\"411\">1</Item>", "", "NC-NAACCR-026"},
        ItemCase{"right_naaccr_num", "<Item naaccrId=\"laterality\" naaccrNum=\"410\">1</Item>", "", ""},
        ItemCase{"wrong_level_tumor_item_in_patient", "", item("laterality", "1"), "NC-NAACCR-027"},
        ItemCase{"wrong_level_patient_item_in_tumor", item("dateOfBirth", "19600101"), "", "NC-NAACCR-027"},
        ItemCase{"duplicate_item", item("laterality", "1") + item("laterality", "2"), "", "NC-NAACCR-028"},
        ItemCase{"item_without_id", "<Item>1</Item>", "", "NC-NAACCR-010"},
        ItemCase{"unknown_naaccr_element", "<Extra>1</Extra>", "", "NC-NAACCR-008"},
        ItemCase{"bad_sex_code", "", item("sex", "7"), "NC-NAACCR-031"}),
    netconv::test_support::CaseName{});

TEST(NaaccrReader, OneRecordPerTumorWithPatientAndRootItems) {
  ReadResult r;
  std::string p1 = patient(net_tumor() + net_tumor("", "2019") + "<Tumor>" + item("primarySite", "C509") + item("histologicTypeIcdO3", "8500") + "</Tumor>",
                           item("patientIdNumber", "00000001") + item("dateOfBirth", "196005") + item("sex", "2"));
  std::string p2 = patient(net_tumor(), item("patientIdNumber", "2"));  // leftZero padding
  read_text(file(p1 + p2), r);
  ASSERT_FALSE(r.failed);
  ASSERT_EQ(r.records.size(), 4u);
  const auto& t1 = r.records[0];
  EXPECT_TRUE(t1.problems.empty());
  EXPECT_EQ(field_value(t1, "patient_id"), "00000001");
  EXPECT_EQ(field_value(t1, "patient_id_system"), "urn:netconv:naaccr:registry:0000012345:patient-id");
  EXPECT_EQ(field_value(t1, "birth_date"), "196005");
  EXPECT_EQ(field_value(t1, "sex"), "F");
  EXPECT_EQ(field_value(t1, "naaccr.sex"), "2");
  EXPECT_EQ(field_value(t1, "primary_site"), "C172");
  EXPECT_EQ(field_value(t1, "histology"), "8240");
  EXPECT_EQ(field_value(t1, "behavior"), "3");
  EXPECT_EQ(field_value(t1, "diagnosis_date"), "20210315");
  EXPECT_EQ(field_value(t1, "tumor_id"), "1");
  EXPECT_EQ(field_value(t1, "tumor_key"), "C172|8240|20210315");
  EXPECT_EQ(field_value(r.records[1], "tumor_id"), "2");
  EXPECT_EQ(field_value(r.records[1], "diagnosis_date"), "2019");
  EXPECT_EQ(field_value(r.records[3], "patient_id"), "00000002");
  EXPECT_EQ(field_value(r.records[3], "sex"), "<absent>");  // patient items do not leak to the next patient
  EXPECT_EQ(field_value(r.records[3], "birth_date"), "<absent>");
  EXPECT_EQ(r.records[0].get("primary_site")->location.field, "primarySite");
  EXPECT_GT(r.records[0].get("primary_site")->location.line, 0u);
}

TEST(NaaccrReader, SameSiteHistologyDateGetDistinctKeys) {
  ReadResult r;
  read_text(file(patient(net_tumor(item("tumorRecordNumber", "01")) + net_tumor(item("tumorRecordNumber", "02")))), r);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_NE(field_value(r.records[0], "tumor_key"), field_value(r.records[1], "tumor_key"));
  EXPECT_EQ(field_value(r.records[1], "tumor_key"), "C172|8240|20210315|record:02");
}

struct PriorityCase {
  const char* name;
  std::string items;
  const char* grade;
};
NETCONV_PRINT_CASE_AS_NAME(PriorityCase)
class GradePriority : public ::testing::TestWithParam<PriorityCase> {};
TEST_P(GradePriority, PicksTheInformativeItem) {
  ReadResult r;
  read_text(file(patient(net_tumor(GetParam().items))), r);
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(field_value(r.records[0], "grade"), GetParam().grade);
}
INSTANTIATE_TEST_SUITE_P(
    Naaccr, GradePriority,
    ::testing::Values(PriorityCase{"pathological_first", item("gradeClinical", "1") + item("gradePathological", "2"), "2"},
                      PriorityCase{"unknown_pathological_falls_back", item("gradeClinical", "1") + item("gradePathological", "9"), "1"},
                      PriorityCase{"only_unknown", item("gradePathological", "9"), "9"},
                      PriorityCase{"pre2018_last", item("grade", "2") + item("gradeClinical", "3"), "3"},
                      PriorityCase{"pre2018_alone", item("grade", "2"), "2"},
                      PriorityCase{"none", "", "<absent>"}),
    netconv::test_support::CaseName{});

TEST(NaaccrReader, Ki67PercentOrCategory) {
  ReadResult r;
  read_text(file(patient(net_tumor(item("ki67", "12.5")) + net_tumor(item("ki67", "XXX.4"), "2022"))), r);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(field_value(r.records[0], "ki67_percent"), "12.5");
  EXPECT_EQ(field_value(r.records[1], "ki67_percent"), "<absent>");
  EXPECT_EQ(field_value(r.records[1], "naaccr.ki67"), "XXX.4");
}

TEST(NaaccrReader, PatientProblemRejectsEveryTumorOfThatPatientOnly) {
  ReadResult r;
  read_text(file(patient(net_tumor() + net_tumor("", "2020"), item("patientIdNumber", "000000012")) + patient(net_tumor(), item("patientIdNumber", "00000002"))), r);
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_FALSE(r.records[0].problems.empty());
  EXPECT_FALSE(r.records[1].problems.empty());
  EXPECT_TRUE(r.records[2].problems.empty());
}

TEST(NaaccrReader, BadTumorRejectsOnlyThatTumor) {
  ReadResult r;
  read_text(file(patient(net_tumor(item("rxDateChemo", "20230231")) + net_tumor("", "2020"))), r);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_FALSE(r.records[0].problems.empty());
  EXPECT_TRUE(r.records[1].problems.empty());
  EXPECT_NE(r.records[0].problems[0].message.find("tumor 1"), std::string::npos);
  EXPECT_EQ(r.records[0].problems[0].location.field, "rxDateChemo");
}

struct FileCase {
  const char* name;
  std::string xml;
  bool failed;
  const char* code;  // expected diagnostic code ("" = none expected)
};
NETCONV_PRINT_CASE_AS_NAME(FileCase)
class FileLevel : public ::testing::TestWithParam<FileCase> {};
TEST_P(FileLevel, StopsOrWarns) {
  ReadResult r;
  read_text(GetParam().xml, r);
  EXPECT_EQ(r.failed, GetParam().failed);
  if (*GetParam().code) EXPECT_TRUE(r.has(GetParam().code)) << ::testing::PrintToString(r.codes());
}
INSTANTIATE_TEST_SUITE_P(
    Naaccr, FileLevel,
    ::testing::Values(
        FileCase{"empty", "", true, "NC-NAACCR-001"},
        FileCase{"not_xml", "hello", true, "NC-NAACCR-001"},
        FileCase{"truncated", file(patient(net_tumor())).substr(0, 200), true, "NC-NAACCR-001"},
        FileCase{"wrong_root", "<Foo/>", true, "NC-NAACCR-003"},
        FileCase{"wrong_namespace", "<NaaccrData baseDictionaryUri=\"x\" xmlns=\"urn:other\"/>", true, "NC-NAACCR-003"},
        FileCase{"no_base_dictionary", "<NaaccrData xmlns=\"http://naaccr.org/naaccrxml\"/>", true, "NC-NAACCR-004"},
        FileCase{"no_namespace_relaxed", "<NaaccrData baseDictionaryUri=\"http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml\"/>", false, "NC-NAACCR-005"},
        FileCase{"old_version_best_effort", file(patient(net_tumor()), "", "180"), false, "NC-NAACCR-006"},
        FileCase{"extension_ignored", file(patient("<x:Ext xmlns:x=\"urn:x\"><x:Item naaccrId=\"zz\">1</x:Item></x:Ext>" + net_tumor())), false, "NC-NAACCR-007"},
        FileCase{"doctype_refused", "<?xml version=\"1.0\"?><!DOCTYPE NaaccrData [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><NaaccrData baseDictionaryUri=\"http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml\" xmlns=\"http://naaccr.org/naaccrxml\"><Patient>" + item("patientIdNumber", "&x;") + "</Patient></NaaccrData>", true, ""},
        FileCase{"billion_laughs", "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]><NaaccrData baseDictionaryUri=\"http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml\" xmlns=\"http://naaccr.org/naaccrxml\"><Patient>" + item("patientIdNumber", "&d;") + "</Patient></NaaccrData>", true, ""},
        FileCase{"external_dtd_not_fetched", "<?xml version=\"1.0\"?><!DOCTYPE NaaccrData SYSTEM \"http://example.invalid/x.dtd\"><NaaccrData baseDictionaryUri=\"http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml\" xmlns=\"http://naaccr.org/naaccrxml\"/>", true, "NC-NAACCR-002"}),
    netconv::test_support::CaseName{});

TEST(NaaccrReader, MalformedXmlKeepsEarlierTumorsAndNamesLineAndColumn) {
  std::string tumors;
  for (int i = 0; i < 30; ++i) tumors += net_tumor("", "20" + std::to_string(10 + i % 10));
  std::string xml = file(patient(tumors + "<Tumor><Item naaccrId=\"primarySite\">C172</Itm></Tumor>"));
  ReadResult r;
  read_text(xml, r);
  EXPECT_TRUE(r.failed);
  EXPECT_GT(r.records.size(), 10u);  // libxml2 parses a little ahead: the last few before the error are lost
  ASSERT_TRUE(r.has("NC-NAACCR-001"));
  const auto& d = r.sink.items.back();
  EXPECT_GT(d.location.line, 3u);
  EXPECT_GT(d.location.column, 0u);
}

TEST(NaaccrReader, PatientWithoutTumorReportsItsProblems) {
  ReadResult r;
  read_text(file(patient("", item("patientIdNumber", "123456789"))), r);
  // one record for the patient, carrying its problems, so it is counted (rejected), not lost
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(field_value(r.records[0], "naaccr.no_tumor"), "1");
  EXPECT_TRUE(r.has("NC-NAACCR-022"));
  EXPECT_FALSE(r.valid());
}

TEST(NaaccrReader, UserDictionaryItemsBecomeKnown) {
  std::string dict = std::string(NETCONV_SHARED_DIR) + "/reference/naaccr/samples/user-dictionary/my-dictionary.xml";
  NETCONV_NEEDS_SHARED(dict);
  std::string xml = file(patient(net_tumor(item("myVariable", "1"))));
  ReadResult without, with;
  read_text(xml, without);
  read_text(xml, with, dict);
  EXPECT_TRUE(without.has("NC-NAACCR-020"));
  EXPECT_TRUE(with.valid()) << ::testing::PrintToString(with.codes());
}

struct DateCase {
  const char* text;
  bool ok, impossible;
};
TEST(NaaccrDictionary, Dates) {
  for (const auto& c : {DateCase{"2021", true, false}, DateCase{"202103", true, false}, DateCase{"20210315", true, false},
                        DateCase{"20240229", true, false}, DateCase{"20230229", false, true}, DateCase{"20230231", false, true},
                        DateCase{"17991231", false, false}, DateCase{"2021031", false, false}, DateCase{"202113", false, false},
                        DateCase{"20210100", false, false}}) {
    bool impossible = false;
    EXPECT_EQ(naaccr::valid_naaccr_date(c.text, impossible), c.ok) << c.text;
    EXPECT_EQ(impossible, c.impossible) << c.text;
  }
  EXPECT_EQ(naaccr::version_from_uri("http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml"), 250);
  EXPECT_EQ(naaccr::version_from_uri("whatever"), 0);
}

}  // namespace
}  // namespace netconv
