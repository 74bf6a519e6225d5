// The rule-layer check of issue K item 9: an mCODE SecondaryCancerCondition names its primary
// through its profile's own slice relatedPrimaryCancerCondition (condition-related), which the open
// extension slicing of the snapshot alone would not enforce.
#include <gtest/gtest.h>

#include <memory>

#include "core/errors.hpp"
#include "validation/fhir_validator.hpp"

namespace {

const netconv::FhirValidator* validator() {
  static std::unique_ptr<netconv::FhirValidator> v;
  static bool tried = false;
  if (!tried) {
    tried = true;
    try {
      v = std::make_unique<netconv::FhirValidator>(netconv::FhirValidator::load(netconv::resolve_fhir_packages_dir("")));
    } catch (const netconv::ConfigError&) {
    }
  }
  return v.get();
}

std::string secondary(const std::string& url) {
  return R"({"resourceType":"Condition","id":"s1","meta":{"profile":["http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-secondary-cancer-condition"]},)"
         R"("extension":[{"url":")" + url + R"(","valueReference":{"reference":"Condition/p1"}}],)"
         R"("verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":"confirmed"}]},)"
         R"("category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-category","code":"problem-list-item"}]}],)"
         R"("code":{"coding":[{"system":"http://snomed.info/sct","code":"94381002"}]},"subject":{"reference":"Patient/x"}})";
}

int rule_hits(const std::vector<netconv::ValidationIssue>& issues) {
  int n = 0;
  for (const auto& i : issues) n += i.rule == "mcode-secondary-related-primary";
  return n;
}

}  // namespace

TEST(SecondaryCancerConditionRule, ASecondaryConditionNamesItsPrimaryThroughTheProfilesOwnSlice) {
  if (!validator()) GTEST_SKIP() << "FHIR packages not installed: run scripts/install-fhir-packages.sh";
  const auto& v = *validator();
  auto good = v.validate(secondary("http://hl7.org/fhir/StructureDefinition/condition-related"));
  EXPECT_EQ(rule_hits(good), 0);
  for (const auto& i : good) EXPECT_NE(i.severity, netconv::Severity::error) << i.rule << " " << i.path << ": " << i.message;
  // the Observation-side extension is accepted by the open slicing, but is not the slice's
  auto bad = v.validate(secondary("http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-related-condition"));
  ASSERT_EQ(rule_hits(bad), 1);
  for (const auto& i : bad)
    if (i.rule == "mcode-secondary-related-primary") {
      EXPECT_EQ(i.severity, netconv::Severity::error);
      EXPECT_EQ(i.path, "Condition.extension[0].url");
    }
  // the same twice (the result cache answers the repeat) and via errors()
  EXPECT_EQ(rule_hits(v.validate(secondary("http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-related-condition"))), 1);
  EXPECT_EQ(rule_hits(v.errors(secondary("http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-related-condition"))), 1);
}
