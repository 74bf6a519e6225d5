// The checking seam (src/validation/checker.hpp): FHIR and CDA give the same issue type through
// the same interface, a session carries what a check reuses, and a session pool lends sessions.
#include "validation/checker.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/errors.hpp"
#include "validation/cda_validator.hpp"
#include "validation/fhir_validator.hpp"

namespace netconv {
namespace {

const std::string kSchema = std::string(NETCONV_SOURCE_DIR) + "/schemas/cda/netconv-ccda.xsd";

const FhirValidator* fhir() {
  static std::unique_ptr<FhirValidator> v;
  static bool tried = false;
  if (!tried) {
    tried = true;
    try {
      v = std::make_unique<FhirValidator>(FhirValidator::load(resolve_fhir_packages_dir("")));
    } catch (const ConfigError&) {
    }
  }
  return v.get();
}

const CdaValidator& cda() {
  static CdaValidator v(kSchema);
  return v;
}

TEST(Checker, OneIssueTypeForBothFormats) {
  std::vector<const Checker*> checkers{&cda()};
  if (fhir()) checkers.push_back(fhir());
  CheckSession session;
  for (const Checker* c : checkers) {
    const auto issues = c->check(session, "<not well formed", {"out/x", false, ""});
    ASSERT_FALSE(issues.empty()) << c->media();
    EXPECT_EQ(issues.front().severity, CheckSeverity::fatal) << c->media();
    EXPECT_EQ(issues.front().location.file, "out/x") << c->media();
    EXPECT_TRUE(issues.front().is_error());
    EXPECT_EQ(issues.front().diagnostic().severity, Severity::error);
  }
}

TEST(Checker, FhirIssuesCarryCodeRulePathAndLine) {
  if (!fhir()) GTEST_SKIP() << "FHIR packages not installed: run scripts/install-fhir-packages.sh";
  CheckSession session;
  const std::string text = "{\"resourceType\":\"Patient\",\n\"gender\":\"robot\"}";
  const auto issues = fhir()->check(session, text, {"fhir/Patient.ndjson", false, ""});
  ASSERT_FALSE(issues.empty());
  const CheckIssue& i = issues.front();
  EXPECT_EQ(i.code, "NC-OUT-001");
  EXPECT_EQ(i.rule, "binding");
  EXPECT_EQ(i.location.field, "Patient.gender");
  EXPECT_EQ(i.location.line, 2u);
  EXPECT_EQ(i.diagnostic().message, "binding: " + i.message);
  const auto errors = fhir()->check(session, text, {"fhir/Patient.ndjson", true, ""});
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors.front().location.line, 0u) << "errors only: no lines";
}

TEST(Checker, PoolLendsAtMostAsManySessionsAsBorrowedAtOnce) {
  CheckSessionPool pool;
  CheckSession *first = nullptr, *second = nullptr;
  {
    auto a = pool.borrow();
    auto b = pool.borrow();
    first = &*a;
    second = &*b;
    EXPECT_NE(first, second) << "two at once are two sessions";
  }
  auto c = pool.borrow();
  auto d = pool.borrow();
  EXPECT_TRUE((&*c == first && &*d == second) || (&*c == second && &*d == first)) << "returned sessions are lent again";
}

}  // namespace
}  // namespace netconv
