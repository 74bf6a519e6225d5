// Clinical rules of issue K (items 6, 7, 9): what a treatment's dates and status say, what it
// is given for, and how a metastasis names its primary -- in FHIR and CDA alike.
#include <gtest/gtest.h>

#include "core/ids.hpp"
#include "mapping/mapper.hpp"
#include "support/records.hpp"
#include "support/shipped_tables.hpp"
#include "writers/cda_document.hpp"
#include "writers/fhir_json.hpp"

namespace netconv {
namespace {

const MappingSet& tables() { return test_support::shipped_tables(); }

// An ileal NET diagnosed 2019-06-11 with the fields of `extra` appended (repeated names kept).
model::PatientCases patient(const test_support::Fields& extra) {
  test_support::Fields all{{"patient_id", "P1"}, {"primary_site", "C17.2"}, {"histology", "8240/3"}, {"diagnosis_date", "2019-06-11"}};
  all.insert(all.end(), extra.begin(), extra.end());
  return test_support::patient_cases(test_support::map_with_shipped_tables(test_support::make_record(all)));
}

std::vector<std::string> fhir(const model::PatientCases& pc, const std::string& type) {
  static FhirJsonWriter w(tables());
  std::vector<std::string> out;
  for (const auto& r : w.render(pc))
    if (r.type == type) out.push_back(r.json);
  return out;
}

std::string cda_doc(const model::PatientCases& pc) {
  static cda::Context c(tables(), cda::Config{});
  return cda::render_document(c, pc);
}

bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

// The CDA entry (substanceAdministration or procedure) whose id extension is `id`.
std::string cda_entry(const std::string& doc, const std::string& id) {
  auto at = doc.find("extension=\"" + id + "\"");
  if (at == std::string::npos) return "";
  auto start = doc.rfind("<entry", at);
  std::string e = doc.substr(start, doc.find("</entry>", at) - start), flat;
  for (std::size_t i = 0; i < e.size(); ++i) {  // without the indentation between tags
    if (e[i] == '\n') {
      while (i + 1 < e.size() && e[i + 1] == ' ') ++i;
      continue;
    }
    flat += e[i];
  }
  return flat;
}

}  // namespace

TEST(TreatmentCourse, AStartWithoutEndIsAnOpenPeriodNotCompleted) {
  auto pc = patient({{"treatments", "ssa:octreotide@2019-08"}});
  auto meds = fhir(pc, "MedicationAdministration");
  ASSERT_EQ(meds.size(), 1u);
  EXPECT_TRUE(has(meds[0], R"("status":"unknown")")) << meds[0];
  EXPECT_TRUE(has(meds[0], R"("effectivePeriod":{"start":"2019-08"})")) << meds[0];
  EXPECT_FALSE(has(meds[0], "effectiveDateTime")) << meds[0];
  auto entry = cda_entry(cda_doc(pc), pc.cases[0].tumor.treatments[0].resource_id);
  // CDA statusCode needs a code and has no "unknown": active, with the end unknown
  EXPECT_TRUE(has(entry, R"(</text><statusCode code="active"/>)")) << entry;
  EXPECT_TRUE(has(entry, R"(<effectiveTime xsi:type="IVL_TS"><low value="201908"/><high nullFlavor="UNK"/></effectiveTime>)")) << entry;
}

TEST(TreatmentCourse, AnEndDateSaysTheCourseIsCompleted) {
  auto pc = patient({{"treatments", "ssa:octreotide@2019-08/2020-02"}});
  auto meds = fhir(pc, "MedicationAdministration");
  ASSERT_EQ(meds.size(), 1u);
  EXPECT_TRUE(has(meds[0], R"("status":"completed")")) << meds[0];
  EXPECT_TRUE(has(meds[0], R"("effectivePeriod":{"start":"2019-08","end":"2020-02"})")) << meds[0];
  auto entry = cda_entry(cda_doc(pc), pc.cases[0].tumor.treatments[0].resource_id);
  EXPECT_TRUE(has(entry, R"(<statusCode code="completed"/>)")) << entry;
}

TEST(TreatmentCourse, AnUndatedCourseIsNotCompleted) {
  auto pc = patient({{"treatments", "chemo:capecitabine"}});
  auto meds = fhir(pc, "MedicationAdministration");
  ASSERT_EQ(meds.size(), 1u);
  EXPECT_TRUE(has(meds[0], R"("status":"unknown")")) << meds[0];
  EXPECT_TRUE(has(meds[0], R"("effectivePeriod":{"extension":[)")) << meds[0];
}

TEST(TreatmentCourse, ASurgeryOnADayIsDoneThatDay) {
  auto pc = patient({{"treatments", "surgery:small_bowel_resection@2019-07-02"}});
  auto procs = fhir(pc, "Procedure");
  ASSERT_EQ(procs.size(), 1u);
  EXPECT_TRUE(has(procs[0], R"("status":"completed")")) << procs[0];
  EXPECT_TRUE(has(procs[0], R"("performedDateTime":"2019-07-02")")) << procs[0];
  auto entry = cda_entry(cda_doc(pc), pc.cases[0].tumor.treatments[0].resource_id);
  EXPECT_TRUE(has(entry, R"(<statusCode code="completed"/><effectiveTime value="20190702"/>)")) << entry;
}

TEST(TreatmentReason, TelotristatTreatsCarcinoidSyndrome) {
  auto pc = patient({{"carcinoid_syndrome", "Y"}, {"treatments", "other:telotristat_ethyl@2020-01|ssa:octreotide@2019-08"}});
  const auto& tu = pc.cases[0].tumor;
  std::string syndrome_id;
  for (const auto& c : tu.conditions)
    if (c.kind == "carcinoid_syndrome") syndrome_id = c.resource_id;
  ASSERT_FALSE(syndrome_id.empty());
  for (const auto& med : fhir(pc, "MedicationAdministration")) {
    bool telotristat = has(med, "telotristat");
    // telotristat names the syndrome, not the tumor; octreotide (no indications.tsv row) the tumor
    EXPECT_EQ(has(med, "Condition/" + syndrome_id), telotristat) << med;
    EXPECT_EQ(has(med, "Condition/" + tu.condition_id), !telotristat) << med;
  }
  auto doc = cda_doc(pc);
  for (const auto& tr : tu.treatments) {
    auto entry = cda_entry(doc, tr.resource_id);
    EXPECT_EQ(has(entry, "35868009"), tr.agent == "telotristat_ethyl") << entry;  // Carcinoid syndrome
  }
}

TEST(TreatmentReason, TelotristatWithoutARecordedSyndromeNamesTheTumor) {
  auto pc = patient({{"treatments", "other:telotristat_ethyl@2020-01"}});
  auto meds = fhir(pc, "MedicationAdministration");
  ASSERT_EQ(meds.size(), 1u);
  EXPECT_TRUE(has(meds[0], "Condition/" + pc.cases[0].tumor.condition_id)) << meds[0];
}

TEST(SecondaryCancerCondition, NamesItsPrimaryWithConditionRelated) {
  auto pc = patient({{"metastatic_sites", "liver"}});
  const auto& tu = pc.cases[0].tumor;
  ASSERT_EQ(tu.metastases.size(), 1u);
  bool found = false;
  for (const auto& c : fhir(pc, "Condition"))
    if (has(c, tu.metastases[0].resource_id)) {
      found = true;
      EXPECT_TRUE(has(c, R"({"url":"http://hl7.org/fhir/StructureDefinition/condition-related","valueReference":{"reference":"Condition/)" +
                             tu.condition_id + "\"}}"))
          << c;
      EXPECT_FALSE(has(c, "mcode-related-condition")) << c;
    }
  EXPECT_TRUE(found);
}

}  // namespace netconv

namespace netconv {

TEST(StandInCodes, AStandInCarriesTheRegistryTermSoEmbolizationsDiffer) {
  auto pc = patient({{"treatments", "liver_directed:chemoembolization@2020-03-01|liver_directed:hepatic_artery_embolization@2020-06-01"}});
  auto procs = fhir(pc, "Procedure");
  ASSERT_EQ(procs.size(), 2u);
  for (const auto& p : procs) EXPECT_TRUE(has(p, R"("code":"41209002")")) << p;
  EXPECT_TRUE(has(procs[0], R"x("text":"Transarterial chemoembolization (TACE)")x")) << procs[0];
  EXPECT_TRUE(has(procs[1], R"x("text":"Hepatic artery embolization (bland)")x")) << procs[1];
  auto doc = cda_doc(pc);
  EXPECT_TRUE(has(doc, "Transarterial chemoembolization (TACE)"));
  EXPECT_TRUE(has(doc, "Hepatic artery embolization (bland)"));
  // the CDA code points its originalText at that narrative
  auto entry = cda_entry(doc, pc.cases[0].tumor.treatments[0].resource_id);
  EXPECT_TRUE(has(entry, R"(<code code="41209002")")) << entry;
  EXPECT_TRUE(has(entry, "<originalText><reference value=\"#procedure-1-name\"/></originalText>")) << entry;
}

TEST(StandInCodes, DistalPancreatectomyIsSentAsItsOwnTermOverTheSubtotalCode) {
  auto pc = patient({{"treatments", "surgery:distal_pancreatectomy@2020-03-01"}});
  auto procs = fhir(pc, "Procedure");
  ASSERT_EQ(procs.size(), 1u);
  EXPECT_TRUE(has(procs[0], R"("code":"401004")")) << procs[0];
  EXPECT_TRUE(has(procs[0], R"("text":"Distal pancreatectomy")")) << procs[0];
}

}  // namespace netconv

namespace netconv {

// Issue K item 12: a known sex assigned at birth is a coded C-CDA Birth Sex Observation in
// Social History; "unknown" stays in the narrative (a null flavor is not a sex).
TEST(BirthSexObservation, AKnownSexAssignedAtBirthIsACodedSocialHistoryEntry) {
  auto pc = patient({{"birth_date", "1958-03-02"}, {"naaccr.sexAssignedAtBirth", "2"}});
  ASSERT_TRUE(pc.patient.birth_sex);
  auto doc = cda_doc(pc);
  auto at = doc.find("2.16.840.1.113883.10.20.22.4.200");
  ASSERT_NE(at, std::string::npos);
  auto section = doc.rfind("<section>", at);
  EXPECT_NE(doc.find("code=\"29762-2\"", section), std::string::npos) << "in the Social History section";
  auto entry = cda_entry(doc, hash_id({"cda:BirthSexObservation", pc.patient.resource_id}));
  EXPECT_TRUE(has(entry, R"(<templateId root="2.16.840.1.113883.10.20.22.4.200" extension="2016-06-01"/>)")) << entry;
  EXPECT_TRUE(has(entry, R"(<code code="76689-9" codeSystem="2.16.840.1.113883.6.1")")) << entry;
  EXPECT_TRUE(has(entry, R"(<statusCode code="completed"/><effectiveTime value="19580302"/>)")) << entry;
  EXPECT_TRUE(has(entry, R"(<value xsi:type="CD" code="F" codeSystem="2.16.840.1.113883.5.1")")) << entry;
  EXPECT_FALSE(has(entry, "nullFlavor")) << entry;

  auto unknown = patient({{"naaccr.sexAssignedAtBirth", "9"}});
  auto udoc = cda_doc(unknown);
  EXPECT_FALSE(has(udoc, "2.16.840.1.113883.10.20.22.4.200"));
  EXPECT_TRUE(has(udoc, "Sex assigned at birth"));
}

}  // namespace netconv

namespace netconv {

// Issue K item 11: NAACCR laterality of a paired organ is carried on the primary tumor's body
// site (mCODE mcode-laterality-qualifier; CDA targetSiteCode qualifier), never dropped.
TEST(Laterality, ALeftLungTumorSaysLeftOnItsBodySite) {
  auto pc = patient({{"primary_site", "C34.1"}, {"naaccr.laterality", "2"}});
  const auto& tu = pc.cases[0].tumor;
  ASSERT_TRUE(tu.laterality);
  std::string primary;
  for (const auto& c : fhir(pc, "Condition"))
    if (has(c, tu.condition_id) && has(c, "mcode-primary-cancer-condition")) primary = c;
  ASSERT_FALSE(primary.empty());
  EXPECT_TRUE(has(primary, R"("bodySite":[{"extension":[{"url":"http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-laterality-qualifier",)"
                           R"("valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"7771000")"))
      << primary;
  auto doc = cda_doc(pc);
  auto at = doc.find("<targetSiteCode");
  ASSERT_NE(at, std::string::npos);
  std::string site = doc.substr(at, doc.find("</targetSiteCode>", at) - at);
  EXPECT_TRUE(has(site, R"(<name code="272741003" codeSystem="2.16.840.1.113883.6.96" displayName="Laterality"/>)")) << site;
  EXPECT_TRUE(has(site, R"(<value code="7771000" codeSystem="2.16.840.1.113883.6.96")")) << site;
}

TEST(Laterality, NotPairedOrUnknownSideAddsNoQualifier) {
  for (const char* code : {"0", "3", "9"}) {
    auto pc = patient({{"primary_site", "C34.1"}, {"naaccr.laterality", code}});
    EXPECT_FALSE(pc.cases[0].tumor.laterality) << code;
    for (const auto& c : fhir(pc, "Condition")) EXPECT_FALSE(has(c, "laterality")) << code << c;
    EXPECT_FALSE(has(cda_doc(pc), "<qualifier>")) << code;
  }
}

}  // namespace netconv

namespace netconv {

TEST(Laterality, ACodeTheItemDoesNotHaveRejectsTheRecord) {
  auto r = test_support::make_record({{"patient_id", "P1"}, {"primary_site", "C34.1"}, {"histology", "8240/3"}, {"naaccr.laterality", "6"}}, "t.xml");
  auto o = test_support::map_with_shipped_tables(r);
  ASSERT_EQ(o.kind, RecordOutcome::Kind::rejected);
  EXPECT_EQ(o.reasons.at(0).code, "NC-NAACCR-031");
}

}  // namespace netconv
