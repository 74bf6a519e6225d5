// Mapper behaviour on single records, through the shipped tables.
#include "mapping/mapper.hpp"
#include "support/records.hpp"

#include <gtest/gtest.h>

#include <set>

namespace netconv {
namespace {

SourceRecord record(const test_support::Fields& fields) { return test_support::make_record(fields); }

RecordOutcome map(const test_support::Fields& extra) {
  auto r = record({{"patient_id", "P1"}, {"primary_site", "C17.2"}, {"histology", "8240"}, {"diagnosis_date", "2021-03"}});
  for (const auto& [k, v] : extra) test_support::set_field(r, k, v);
  return test_support::map_with_shipped_tables(r);
}

bool has_reason(const RecordOutcome& o, const std::string& code) {
  for (const auto& r : o.reasons)
    if (r.code == code) return true;
  return false;
}

}  // namespace

TEST(Mapper, MinimalRecordConverts) {
  auto o = map({});
  ASSERT_EQ(o.kind, RecordOutcome::Kind::converted) << (o.reasons.empty() ? "" : o.reasons[0].message);
  EXPECT_EQ(o.net_case.tumor.topography, "C17.2");
  EXPECT_EQ(o.net_case.tumor.morphology, "8240/3");
  EXPECT_EQ(o.net_case.tumor.tumor_class, "net");
  EXPECT_TRUE(o.net_case.tumor.diagnosis.verified());
}

struct RejectCase {
  const char* field;
  const char* value;
  const char* code;
};

TEST(Mapper, BadValuesRejectWithCodes) {
  const RejectCase cases[] = {
      {"histology", "8888", "NC-CODE-002"},   {"primary_site", "C99.9", "NC-CODE-001"},
      {"ki67_percent", "140", "NC-VAL-002"},  {"ki67_percent", "-1", "NC-VAL-002"},
      {"ki67_percent", "abc", "NC-VAL-002"},  {"mitotic_count", "-2", "NC-VAL-003"},
      {"diagnosis_date", "2023-02-31", "NC-DATE-001"}, {"birth_date", "2022-01-01", "NC-DATE-002"},
      {"sex", "X", "NC-VAL-001"},             {"treatments", "surgery:nosuch@2021-04-01", "NC-TRT-003"},
      {"treatments", "immunotherapy:octreotide", "NC-TRT-002"}, {"treatments", "chemo:octreotide", "NC-TRT-004"},
      {"treatments", "ssa:octreotide@2021-05-01/2021-04-01", "NC-DATE-003"}, {"treatments", "octreotide", "NC-TRT-001"},
      {"symptoms", "hypoglycemia", "NC-VAL-001"}, {"metastatic_sites", "brain", "NC-VAL-001"},
      {"grade", "G5", "NC-GRADE-002"},        {"grade", "7", "NC-GRADE-002"},
      {"patient_id", "", "NC-REC-001"},       {"tumor_id", "a b", "NC-REC-003"},
      {"histology", "8240/3", nullptr},       {"behavior", "7", "NC-CODE-004"},
  };
  for (const auto& c : cases) {
    auto o = map({{c.field, c.value}});
    if (!c.code) {
      EXPECT_EQ(o.kind, RecordOutcome::Kind::converted) << c.field << "=" << c.value;
      continue;
    }
    EXPECT_EQ(o.kind, RecordOutcome::Kind::rejected) << c.field << "=" << c.value;
    EXPECT_TRUE(has_reason(o, c.code)) << c.field << "=" << c.value << " expected " << c.code;
    for (const auto& r : o.reasons) EXPECT_EQ(r.message.find(c.value[0] ? c.value : "\x01"), std::string::npos)
        << "value leaked into message: " << r.message;
  }
}

TEST(Mapper, OutOfScopeIsSkippedNotRejected) {
  auto o = map({{"histology", "8140"}});
  EXPECT_EQ(o.kind, RecordOutcome::Kind::skipped);
  EXPECT_EQ(o.skip_reason, "not-neuroendocrine");
}

TEST(Mapper, GradeDerivationAndContradiction) {
  auto derived = map({{"ki67_percent", "12.5"}});
  EXPECT_EQ(derived.net_case.tumor.grade, "G2");
  EXPECT_EQ(derived.net_case.tumor.grade_source, "derived");
  auto contradict = map({{"grade", "G1"}, {"ki67_percent", "25"}});
  EXPECT_EQ(contradict.kind, RecordOutcome::Kind::converted);
  EXPECT_EQ(contradict.net_case.tumor.grade, "G1");
  ASSERT_EQ(contradict.warnings.size(), 1u);
  EXPECT_EQ(contradict.warnings[0].code, "NC-GRADE-001");
  auto naaccr_code = map({{"grade", "3"}});
  EXPECT_EQ(naaccr_code.net_case.tumor.grade, "G3");
  auto lung = map({{"primary_site", "C34.1"}, {"ki67_percent", "25"}});
  EXPECT_EQ(lung.net_case.tumor.grade, "") << "thoracic carcinoids are not graded from Ki-67";
  auto nec = map({{"histology", "8246"}, {"primary_site", "C18.2"}});
  EXPECT_EQ(nec.net_case.tumor.grade, "G3") << "carcinomas are high grade by definition";
}

TEST(Mapper, IdsAreStableAndIndependentOfListOrder) {
  auto a = map({{"symptoms", "flushing|diarrhea"}, {"treatments", "ssa:octreotide@2021-05|surgery:appendectomy@2021-04"}});
  auto b = map({{"symptoms", "diarrhea|flushing"}, {"treatments", "surgery:appendectomy@2021-04|ssa:octreotide@2021-05"}});
  ASSERT_EQ(a.kind, RecordOutcome::Kind::converted);
  std::set<std::string> ida, idb;
  for (const auto& c : a.net_case.tumor.conditions) ida.insert(c.resource_id);
  for (const auto& t : a.net_case.tumor.treatments) ida.insert(t.resource_id);
  for (const auto& c : b.net_case.tumor.conditions) idb.insert(c.resource_id);
  for (const auto& t : b.net_case.tumor.treatments) idb.insert(t.resource_id);
  EXPECT_EQ(ida, idb);
  EXPECT_EQ(a.net_case.patient.resource_id, b.net_case.patient.resource_id);
  auto other = map({{"patient_id", "P2"}});
  EXPECT_NE(other.net_case.patient.resource_id, a.net_case.patient.resource_id);
  EXPECT_EQ(a.net_case.patient.resource_id.size(), 32u);
  EXPECT_EQ(a.net_case.patient.resource_id.find("P1"), std::string::npos);
}

TEST(Mapper, TreatmentWithoutDateIsKept) {
  auto o = map({{"treatments", "ssa:octreotide"}});
  ASSERT_EQ(o.kind, RecordOutcome::Kind::converted);
  ASSERT_EQ(o.net_case.tumor.treatments.size(), 1u);
  EXPECT_FALSE(o.net_case.tumor.treatments[0].start.has_value());
}

TEST(Mapper, CombinedRegimenGivesOneResourcePerAgent) {
  auto o = map({{"treatments", "chemo:capecitabine+temozolomide@2021-02-01/2021-08-01"}});
  ASSERT_EQ(o.kind, RecordOutcome::Kind::converted);
  ASSERT_EQ(o.net_case.tumor.treatments.size(), 2u);
  EXPECT_EQ(o.net_case.tumor.treatments[0].regimen, "capecitabine+temozolomide");
}

}  // namespace netconv
