// NAACCR treatment summaries, Ki-67 categories and birth sex through reader + mapper (table-driven).
#include <gtest/gtest.h>

#include <algorithm>

#include "mapping/mapper.hpp"
#include "naaccr_test_util.hpp"
#include "support/param_names.hpp"

namespace netconv {
namespace {

const MappingSet& tables() {
  static std::vector<Diagnostic> problems;
  static MappingSet t = MappingSet::load(NETCONV_MAPPINGS_DIR, problems);
  return t;
}

RecordOutcome map_tumor(const std::string& tumor_items, const std::string& patient_items = "", const std::string& version = "250") {
  std::string xml = "<NaaccrData baseDictionaryUri=\"http://naaccr.org/naaccrxml/naaccr-dictionary-" + version +
                    ".xml\" xmlns=\"http://naaccr.org/naaccrxml\"><Patient><Item naaccrId=\"patientIdNumber\">00000001</Item>" +
                    patient_items +
                    "<Tumor><Item naaccrId=\"primarySite\">C172</Item><Item naaccrId=\"histologicTypeIcdO3\">8240</Item>"
                    "<Item naaccrId=\"behaviorCodeIcdO3\">3</Item><Item naaccrId=\"dateOfDiagnosis\">20210315</Item>" +
                    tumor_items + "</Tumor></Patient></NaaccrData>";
  naaccr_test::ReadResult r;
  naaccr_test::read_text(xml, r);
  EXPECT_EQ(r.records.size(), 1u);
  Mapper m(tables(), MapperOptions{"urn:test"});
  return m.map(r.records.at(0));
}

std::string it(const std::string& id, const std::string& v) { return "<Item naaccrId=\"" + id + "\">" + v + "</Item>"; }

struct TrtCase {
  const char* name;
  std::string items;
  int treatments;          // Procedures made
  const char* status;      // status of the first: completed, unknown (a course without end date), not-done
  const char* reason_key;  // status reason concept key of the first ("" none)
  const char* counted;     // a counted fact expected ("" none)
  const char* local_code;  // registry code kept beside the generic code ("" none)
};
NETCONV_PRINT_CASE_AS_NAME(TrtCase)
class Treatments : public ::testing::TestWithParam<TrtCase> {};
TEST_P(Treatments, FollowTheTable) {
  const auto& c = GetParam();
  auto o = map_tumor(c.items);
  ASSERT_EQ(o.kind, RecordOutcome::Kind::converted) << (o.reasons.empty() ? "" : o.reasons[0].code + " " + o.reasons[0].message);
  const auto& trs = o.net_case.tumor.treatments;
  ASSERT_EQ(static_cast<int>(trs.size()), c.treatments);
  if (c.treatments > 0) {
    EXPECT_EQ(trs[0].status, c.status);
    EXPECT_EQ(trs[0].status_reason ? trs[0].status_reason->key : "", c.reason_key);
    EXPECT_EQ(trs[0].resource, "Procedure");
    if (*c.local_code) {
      bool found = std::any_of(trs[0].code.codings.begin(), trs[0].code.codings.end(), [&](const model::Coding& k) { return k.code == c.local_code; });
      EXPECT_TRUE(found || trs[0].code.text.find(c.local_code) != std::string::npos);
    }
  }
  if (*c.counted) EXPECT_NE(std::find(o.counted.begin(), o.counted.end(), c.counted), o.counted.end()) << ::testing::PrintToString(o.counted);
}
INSTANTIATE_TEST_SUITE_P(
    Naaccr, Treatments,
    ::testing::Values(
        TrtCase{"surgery_resection", it("rxSummSurgPrimSite", "30") + it("rxDateSurgery", "20210402"), 1, "completed", "", "", "30"},
        TrtCase{"surgery_none", it("rxSummSurgPrimSite", "00"), 0, "", "", "naaccr.surgery.none", ""},
        TrtCase{"surgery_unknown", it("rxSummSurgPrimSite", "99"), 0, "", "", "naaccr.surgery.unknown", ""},
        TrtCase{"surgery_refused", it("rxSummSurgPrimSite", "00") + it("reasonForNoSurgery", "7"), 1, "not-done", "reason.refused", "", ""},
        TrtCase{"surgery_2023", it("rxSummSurgPrimSite2023", "A250"), 1, "completed", "", "", "A250"},
        TrtCase{"chemo_given", it("rxSummChemo", "03") + it("rxDateChemo", "202105"), 1, "unknown", "", "", ""},
        TrtCase{"chemo_contraindicated", it("rxSummChemo", "82"), 1, "not-done", "reason.contraindicated", "", ""},
        TrtCase{"chemo_died", it("rxSummChemo", "85"), 1, "not-done", "reason.patient_died", "", ""},
        TrtCase{"chemo_not_given_no_reason", it("rxSummChemo", "86"), 1, "not-done", "", "", ""},
        TrtCase{"chemo_recommended_unknown", it("rxSummChemo", "88"), 0, "", "", "naaccr.chemo.recommended_unknown_if_given", ""},
        TrtCase{"hormone_given", it("rxSummHormone", "01"), 1, "unknown", "", "", ""},
        TrtCase{"immunotherapy_unknown", it("rxSummBrm", "99"), 0, "", "", "naaccr.immunotherapy.unknown", ""},
        TrtCase{"transplant_endocrine_both", it("rxSummTransplntEndocr", "40"), 2, "unknown", "", "", ""},
        TrtCase{"other_refused", it("rxSummOther", "7"), 1, "not-done", "reason.refused", "", ""},
        TrtCase{"radiation_phase1_beats_reason", it("phase1RadiationTreatmentModality", "02") + it("reasonForNoRadiation", "0"), 1, "unknown", "", "", ""},
        TrtCase{"radiation_refused", it("rxSummRadiation", "7"), 1, "not-done", "reason.refused", "", ""},
        TrtCase{"radiation_none", it("rxSummRadiation", "0") + it("reasonForNoRadiation", "1"), 0, "", "", "naaccr.radiation.none", ""},
        TrtCase{"uninterpreted_code", it("rxSummChemo", "05"), 0, "", "", "naaccr.treatment_code_not_interpreted", ""}),
    netconv::test_support::CaseName{});

TEST(NaaccrKi67, CategoriesGiveComparatorsAndGrades) {
  struct C { const char* code; const char* comparator; const char* grade; };
  for (const auto& c : {C{"XXX.4", "<", "G1"}, C{"XXX.5", "", "G2"}, C{"XXX.6", ">", "G3"}, C{"XXX.9", "", ""}}) {
    auto o = map_tumor(it("ki67", c.code));
    ASSERT_EQ(o.kind, RecordOutcome::Kind::converted) << c.code;
    const auto& tu = o.net_case.tumor;
    const model::Observation* ki = nullptr;
    for (const auto& ob : tu.observations) if (ob.kind == "ki67") ki = &ob;
    if (*c.comparator) {
      ASSERT_TRUE(ki && ki->quantity) << c.code;
      EXPECT_EQ(ki->quantity->comparator, c.comparator);
    } else {
      EXPECT_EQ(ki, nullptr) << c.code;
    }
    EXPECT_EQ(tu.grade, c.grade) << c.code;
  }
  auto bad = map_tumor(it("ki67", "XXX.1"));
  EXPECT_EQ(bad.kind, RecordOutcome::Kind::rejected);
}

TEST(NaaccrBirthSex, FromV26ItemNotGender) {
  auto o = map_tumor("", it("sexAssignedAtBirth", "2"), "260");
  ASSERT_EQ(o.kind, RecordOutcome::Kind::converted);
  ASSERT_TRUE(o.net_case.patient.birth_sex);
  EXPECT_EQ(o.net_case.patient.birth_sex->key, "birth_sex.female");
  EXPECT_FALSE(o.net_case.patient.gender);
  auto v25 = map_tumor("", it("sex", "2"));
  EXPECT_TRUE(v25.net_case.patient.gender);
  EXPECT_FALSE(v25.net_case.patient.birth_sex);
}

TEST(NaaccrIdentifiers, RecordNumberIsAnIdentifierNotAnId) {
  auto a = map_tumor(it("tumorRecordNumber", "01"));
  auto b = map_tumor(it("tumorRecordNumber", "07"));
  EXPECT_EQ(a.net_case.tumor.condition_id, b.net_case.tumor.condition_id);
  ASSERT_EQ(a.net_case.tumor.identifiers.size(), 1u);
  EXPECT_EQ(a.net_case.tumor.identifiers[0].value, "00000001-01");
}

}  // namespace
}  // namespace netconv

namespace netconv {
namespace {
// Issue K item 8: the registry's site-specific surgery codes share their range's label; a code
// never claims that label as its own display.
TEST(NaaccrTreatments, ASiteSpecificSurgeryCodeClaimsNoDisplayOfItsOwn) {
  auto o = map_tumor(it("rxSummSurgPrimSite", "30") + it("rxDateSurgery", "20210402"));
  ASSERT_EQ(o.kind, RecordOutcome::Kind::converted);
  const auto& tr = o.net_case.tumor.treatments.at(0);
  ASSERT_EQ(tr.code.codings.size(), 2u);
  EXPECT_EQ(tr.code.codings[1].code, "30");
  EXPECT_EQ(tr.code.codings[1].display, "") << "20-80 'resection' is the range's label, not code 30's meaning";
  EXPECT_TRUE(tr.code_unverified);
  EXPECT_NE(tr.code.text.find("rxSummSurgPrimSite 30"), std::string::npos) << tr.code.text;
  EXPECT_NE(tr.code.text.find("not verified"), std::string::npos) << tr.code.text;
  // a code its row names alone keeps that row's display
  auto nos = map_tumor(it("rxSummSurgPrimSite", "90"));
  ASSERT_EQ(nos.kind, RecordOutcome::Kind::converted);
  const auto& t90 = nos.net_case.tumor.treatments.at(0);
  ASSERT_EQ(t90.code.codings.size(), 2u);
  EXPECT_EQ(t90.code.codings[1].display, "Surgery, NOS");
  EXPECT_FALSE(t90.code_unverified);
}
}  // namespace
}  // namespace netconv
