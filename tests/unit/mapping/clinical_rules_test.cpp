// Clinical rules of the second terminology review (issue K): each test names the rule it holds
// the mapping to, and runs through the shipped tables.
#include <gtest/gtest.h>

#include "mapping/mapper.hpp"
#include "support/records.hpp"
#include "support/shipped_tables.hpp"
#include "mapping/transforms.hpp"

namespace netconv {
namespace {

const MappingSet& tables() { return test_support::shipped_tables(); }

using test_support::Fields;

// A minimal converting CSV-contract record (ileal NET, 2021) with `extra` fields set or added.
RecordOutcome map(const Fields& extra) {
  Fields base{{"patient_id", "P1"}, {"primary_site", "C17.2"}, {"histology", "8240"}, {"diagnosis_date", "2021-03"}};
  return test_support::map_with_shipped_tables(test_support::make_record(test_support::with_fields(base, extra)));
}

bool has_code(const model::Concept& c, const std::string& system_uri, const std::string& code) {
  for (const auto& cd : c.codings)
    if (cd.system_uri == system_uri && cd.code == code) return true;
  return false;
}

const std::string kSct = "http://snomed.info/sct";
const std::string kIcd10cm = "http://hl7.org/fhir/sid/icd-10-cm";
const std::string kWhoIcd10 = "http://hl7.org/fhir/sid/icd-10";

const model::SimpleCondition* condition(const RecordOutcome& o, const std::string& key) {
  for (const auto& c : o.net_case.tumor.conditions)
    if (c.key == key) return &c;
  return nullptr;
}

}  // namespace

// --- cause of death (NAACCR #1910): WHO ICD-10 is written with a dot ---------------------------

TEST(ClinicalRules, WhoIcd10CauseOfDeathIsDottedAndFormatChecked) {
  EXPECT_EQ(who_icd10_dotted("C169").value_or("-"), "C16.9");
  EXPECT_EQ(who_icd10_dotted("C349").value_or("-"), "C34.9");
  EXPECT_EQ(who_icd10_dotted("C16.9").value_or("-"), "C16.9");
  EXPECT_EQ(who_icd10_dotted("C61").value_or("-"), "C61");
  for (const char* bad : {"", "C1", "C16.", "C1690", "C16.90", "c169", "1509", "CX69", "C16X", "0000", "7777"})
    EXPECT_FALSE(who_icd10_dotted(bad)) << bad;
}

TEST(ClinicalRules, NaaccrCauseOfDeathC169BecomesWhoIcd10C16_9WithItsOid) {
  auto o = map({{"naaccr.causeOfDeath", "C169"}});
  ASSERT_EQ(o.kind, RecordOutcome::Kind::converted);
  ASSERT_TRUE(o.net_case.patient.cause_of_death);
  const auto& cd = o.net_case.patient.cause_of_death->codings.at(0);
  EXPECT_EQ(cd.system_uri, kWhoIcd10);
  EXPECT_EQ(cd.code, "C16.9");
  EXPECT_EQ(cd.system_oid, "2.16.840.1.113883.6.3") << "net-review-2-codes.tsv codesystem.who_icd10.oid";
  auto odd = map({{"naaccr.causeOfDeath", "C16X"}});
  EXPECT_FALSE(odd.net_case.patient.cause_of_death) << "not WHO ICD-10 shaped: never guessed";
  ASSERT_EQ(odd.warnings.size(), 1u);
  EXPECT_EQ(odd.warnings[0].code, "NC-NAACCR-036");
  auto icd9 = map({{"naaccr.causeOfDeath", "1509"}});
  EXPECT_FALSE(icd9.net_case.patient.cause_of_death);
  EXPECT_TRUE(icd9.warnings.empty()) << "an ICD-9 code is counted, not warned about";
}

// --- newly sourced codes (net-review-2-codes.tsv) ---------------------------------------------

TEST(ClinicalRules, Men2SubtypesCarryTheirSnomedCtDisorders) {
  auto o = map({{"syndromes", "MEN2|MEN2A|MEN2B"}});
  ASSERT_EQ(o.kind, RecordOutcome::Kind::converted);
  const std::pair<const char*, const char*> expect[] = {{"men2", "61808009"}, {"men2a", "721188000"}, {"men2b", "61530001"}};
  for (const auto& [key, code] : expect) {
    const auto* c = condition(o, key);
    ASSERT_NE(c, nullptr) << key;
    EXPECT_TRUE(has_code(c->code, kSct, code)) << key;
  }
}

TEST(ClinicalRules, SexualDysfunctionIsCodedAsIcd10cmR37) {
  auto o = map({{"symptoms", "sexual_dysfunction"}});
  const auto* c = condition(o, "sexual_dysfunction");
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->code.verified());
  EXPECT_TRUE(has_code(c->code, kIcd10cm, "R37"));
}

}  // namespace netconv

namespace netconv {
namespace {

bool any_coding(const model::Tumor& tu, const std::string& system_uri, const std::string& code) {
  if (tu.grade_value && has_code(*tu.grade_value, system_uri, code)) return true;
  for (const auto& o : tu.observations)
    if (has_code(o.code, system_uri, code) || (o.value && has_code(*o.value, system_uri, code))) return true;
  return false;
}

const model::Observation* observation(const model::Tumor& tu, const std::string& kind) {
  for (const auto& o : tu.observations)
    if (o.kind == kind) return &o;
  return nullptr;
}

}  // namespace

// --- item 1: differentiation is its own observation, never a grade ----------------------------

TEST(ClinicalRules, ANetG3TumorCarriesNoG1Finding) {
  // a NET G3 is well differentiated (WHO 5th ed.): the differentiation must not become "G1 grade"
  auto o = map({{"grade", "G3"}, {"differentiation", "well"}});
  ASSERT_EQ(o.kind, RecordOutcome::Kind::converted);
  const auto& tu = o.net_case.tumor;
  EXPECT_EQ(tu.grade, "G3");
  for (const char* grade_finding : {"54102005", "1663004", "61026006", "258245003"})
    EXPECT_FALSE(any_coding(tu, kSct, grade_finding)) << "SNOMED CT G1-G4 grade finding " << grade_finding;
  const auto* d = observation(tu, "differentiation");
  ASSERT_NE(d, nullptr) << "the differentiation is still carried";
  EXPECT_FALSE(has_code(d->code, "http://loinc.org", "33732-9")) << "33732-9 is the histology grade, not differentiation";
  ASSERT_TRUE(d->value);
  EXPECT_EQ(d->value->text, "Well differentiated");
  EXPECT_FALSE(d->value->verified()) << "no sourced differentiation code: registry term + unverified tag";
}

TEST(ClinicalRules, AnUngradedThymicCarcinoidAndAGxTumorCarryNoGrade) {
  auto thymus = map({{"primary_site", "C37.9"}, {"grade", "1"}});  // differentiation schema: grade I
  ASSERT_EQ(thymus.kind, RecordOutcome::Kind::converted);
  EXPECT_FALSE(thymus.net_case.tumor.grade_value);
  EXPECT_FALSE(any_coding(thymus.net_case.tumor, kSct, "54102005")) << "differentiation code 1 is no G1 grade";
  auto gx = map({{"grade", "GX"}, {"differentiation", "well"}});
  EXPECT_FALSE(gx.net_case.tumor.grade_value);
  EXPECT_FALSE(any_coding(gx.net_case.tumor, kSct, "54102005"));
}

// --- item 10: HistologicGrade.method is WHO 5th edition when the grade is WHO-based -----------

TEST(ClinicalRules, WhoBasedGradeNamesWho5thEditionAsMethod) {
  for (const Fields& f : {Fields{{"grade", "G2"}}, Fields{{"grade", "2"}}, Fields{{"ki67_percent", "12"}},
                          Fields{{"histology", "8246"}, {"primary_site", "C18.2"}}}) {
    auto o = map(f);
    const auto& tu = o.net_case.tumor;
    ASSERT_TRUE(tu.grade_value) << f[0].first << "=" << f[0].second;
    ASSERT_TRUE(tu.grade_method) << f[0].first << "=" << f[0].second;
    EXPECT_TRUE(has_code(*tu.grade_method, kSct, "1149430001")) << f[0].first << "=" << f[0].second;
  }
}

// --- item 5: a given grade that Ki-67 contradicts carries the conflict in the output ----------

TEST(ClinicalRules, GivenG1WithKi67Of25PercentCarriesTheConflict) {
  auto o = map({{"grade", "G1"}, {"ki67_percent", "25"}});
  const auto& tu = o.net_case.tumor;
  EXPECT_EQ(tu.grade, "G1") << "the registry's grade is kept";
  EXPECT_NE(tu.grade_conflict.find("G3"), std::string::npos) << tu.grade_conflict;
  EXPECT_NE(tu.grade_conflict.find("Ki-67"), std::string::npos) << tu.grade_conflict;
  auto agree = map({{"grade", "G3"}, {"ki67_percent", "25"}});
  EXPECT_EQ(agree.net_case.tumor.grade_conflict, "") << "no conflict, no note";
  auto nec = map({{"histology", "8246"}, {"primary_site", "C18.2"}, {"grade", "G1"}});
  EXPECT_NE(nec.net_case.tumor.grade_conflict.find("neuroendocrine carcinoma"), std::string::npos);
  // NAACCR Ki-67 SSDI category XXX.6 (> 20 %) against a given G1
  auto naaccr = map({{"grade", "G1"}, {"naaccr.ki67", "XXX.6"}});
  EXPECT_EQ(naaccr.net_case.tumor.grade, "G1");
  EXPECT_NE(naaccr.net_case.tumor.grade_conflict.find("by the Ki-67 category it would be G3"), std::string::npos)
      << naaccr.net_case.tumor.grade_conflict;
}

}  // namespace netconv

#include "mapping/icd10cm_dates.hpp"

namespace netconv {
namespace {

std::vector<std::string> icd10cm_codes(const model::Concept& c) {
  std::vector<std::string> out;
  for (const auto& cd : c.codings)
    if (cd.system_uri == kIcd10cm) out.push_back(cd.code);
  return out;
}

std::vector<std::string> condition_icd10cm(const Fields& f, const std::string& key, bool current = false) {
  Fields all = f;
  Fields base{{"patient_id", "P1"}, {"primary_site", "C17.2"}, {"histology", "8240"}};
  for (const auto& kv : base) all.insert(all.begin(), kv);
  MapperOptions opt{test_support::kTestPatientIdSystem};
  opt.icd10cm_current_edition = current;
  auto o = test_support::map_with_shipped_tables(test_support::make_record(all), opt);
  EXPECT_EQ(o.kind, RecordOutcome::Kind::converted);
  for (const auto& c : o.net_case.tumor.conditions)
    if (c.key == key) return icd10cm_codes(c.code);
  return {"<no condition>"};
}

using Codes = std::vector<std::string>;

}  // namespace

// --- item 4: the ICD-10-CM code valid on the diagnosis date ------------------------------------

TEST(ClinicalRules, E34_0ForA2021DiagnosisE34_00For2025) {
  auto cs = [](const char* date) { return condition_icd10cm({{"diagnosis_date", date}, {"carcinoid_syndrome", "Y"}}, "carcinoid_syndrome"); };
  EXPECT_EQ(cs("2017-05-02"), Codes{"E34.0"});
  EXPECT_EQ(cs("2021-03"), Codes{"E34.0"});
  EXPECT_EQ(cs("2024-09-30"), Codes{"E34.0"}) << "last day of FY2024";
  EXPECT_EQ(cs("2024-10-01"), Codes{"E34.00"}) << "first day of FY2025";
  EXPECT_EQ(cs("2025-06"), Codes{"E34.00"});
  EXPECT_EQ(cs("2024"), Codes{"E34.0"}) << "a year-only date is taken as its fiscal year";
  EXPECT_EQ(cs("2012"), Codes{"E34.0"}) << "before ICD-10-CM (FY2016): the first edition's code";
  EXPECT_EQ(cs("2031-01"), Codes{"E34.00"}) << "after the newest edition read: the newest code";
}

TEST(ClinicalRules, Q85_8BeforeFy2023Q85_83FromIt) {
  auto vhl = [](const char* date) { return condition_icd10cm({{"diagnosis_date", date}, {"syndromes", "VHL"}}, "vhl"); };
  EXPECT_EQ(vhl("2022-09-30"), Codes{"Q85.8"});
  EXPECT_EQ(vhl("2022-10-01"), Codes{"Q85.83"});
  EXPECT_EQ(vhl("2019"), Codes{"Q85.8"});
}

TEST(ClinicalRules, WithoutADiagnosisDateOrWithCurrentEditionTheNewestCode) {
  EXPECT_EQ(condition_icd10cm({{"carcinoid_syndrome", "Y"}}, "carcinoid_syndrome"), Codes{"E34.00"});
  EXPECT_EQ(condition_icd10cm({{"diagnosis_date", "2021-03"}, {"carcinoid_syndrome", "Y"}}, "carcinoid_syndrome", true), Codes{"E34.00"});
  EXPECT_EQ(condition_icd10cm({{"diagnosis_date", "2021-03"}, {"syndromes", "MEN1"}}, "men1"), Codes{"E31.21"})
      << "a code valid in every year is left alone";
}

TEST(ClinicalRules, FiscalYearsStartOnTheFirstOfOctober) {
  using model::DatePrecision;
  EXPECT_EQ(fiscal_year({2024, 9, 30, DatePrecision::day}), 2024);
  EXPECT_EQ(fiscal_year({2024, 10, 1, DatePrecision::day}), 2025);
  EXPECT_EQ(fiscal_year({2024, 12, 0, DatePrecision::month}), 2025);
  EXPECT_EQ(fiscal_year({2024, 0, 0, DatePrecision::year}), 2024);
}

TEST(ClinicalRules, ValidityRangesOfAConceptTileTheFiscalYears) {
  EXPECT_EQ(icd10cm_range_problem({{"E34.0", {2016, 2024}}, {"E34.00", {2025, 2026}}}, 2016, 2026), "");
  EXPECT_NE(icd10cm_range_problem({{"E34.0", {2016, 2023}}, {"E34.00", {2025, 2026}}}, 2016, 2026).find("gap"), std::string::npos);
  EXPECT_NE(icd10cm_range_problem({{"E34.0", {2016, 2025}}, {"E34.00", {2025, 2026}}}, 2016, 2026).find("overlap"), std::string::npos);
  EXPECT_NE(icd10cm_range_problem({{"E34.00", {2025, 2026}}}, 2016, 2026).find("no code before FY2025"), std::string::npos)
      << "E34.00 alone leaves 2016-2024 diagnoses with a code that did not exist";
  EXPECT_NE(icd10cm_range_problem({{"E34.0", {2016, 2024}}}, 2016, 2026).find("before the newest"), std::string::npos);
}

}  // namespace netconv

#include <fstream>

namespace netconv {

// --- item 2: ICD-O-3 displays are ICD-O-3.2 terms, never coder notes ---------------------------

TEST(ClinicalRules, IcdO3DisplaysAreIcdO32TermsWithoutCoderNotes) {
  EXPECT_EQ(tables().morphology_display("8151/3"), "Insulinoma, NOS");
  EXPECT_EQ(tables().morphology_display("8150/3"), "Pancreatic neuroendocrine tumor, nonfunctioning");
  EXPECT_EQ(tables().morphology_display("8240/3"), "Neuroendocrine tumor, NOS");
  std::ifstream in(std::string(NETCONV_MAPPINGS_DIR) + "/icdo3-morphology.tsv");
  std::string line;
  int rows = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("code\t", 0) == 0) continue;
    ++rows;
    auto display = line.substr(line.find('\t') + 1);
    display = display.substr(0, display.find('\t'));
    EXPECT_EQ(display.find('['), std::string::npos) << "coder note in " << line.substr(0, 6) << ": " << display;
    EXPECT_EQ(display.find("(C"), std::string::npos) << "site hint in " << line.substr(0, 6) << ": " << display;
  }
  EXPECT_EQ(rows, 1371);
}

TEST(ClinicalRules, Icdo3_8249TermFitsTheCase) {
  auto term = [](const Fields& f) { return map(f).net_case.tumor.morphology_concept; };
  auto g3 = term({{"histology", "8249"}, {"grade", "G3"}});
  EXPECT_EQ(g3.text, "Neuroendocrine tumor, grade 3") << "a NET G3 is not called grade 2";
  EXPECT_EQ(g3.codings.at(0).display, "Neuroendocrine tumor, grade 3");
  EXPECT_EQ(term({{"histology", "8249"}, {"primary_site", "C34.1"}}).text, "Atypical carcinoid tumor");
  EXPECT_EQ(term({{"histology", "8249"}, {"grade", "G2"}}).text, "Neuroendocrine tumor, grade 2");
  EXPECT_EQ(term({{"histology", "8249"}, {"ki67_percent", "30"}}).text, "Neuroendocrine tumor, grade 3") << "derived G3";
}

}  // namespace netconv
