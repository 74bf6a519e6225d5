// The checking seam (src/validation/checker.hpp): FHIR and CDA give the same issue type through
// the same interface, a session carries what a check reuses, and a session pool lends sessions.
#include "validation/checker.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
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

// Every sample's expected outputs of one kind: FHIR resources (one per NDJSON line) or CDA files.
std::vector<std::string> sample_outputs(const std::string& folder, const std::string& ext) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (const auto& sample : fs::directory_iterator(std::string(NETCONV_SOURCE_DIR) + "/samples")) {
    const fs::path dir = sample.path() / "expected" / folder;
    if (!fs::is_directory(dir)) continue;
    for (const auto& f : fs::directory_iterator(dir))
      if (f.path().extension() == ext) files.push_back(f.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> out;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (ext == ".ndjson") {
      for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    } else {
      std::stringstream ss;
      ss << in.rdbuf();
      out.push_back(ss.str());
    }
  }
  return out;
}

std::string render(const std::vector<CheckIssue>& issues) {
  std::string s;
  for (const auto& i : issues)
    s += std::string(to_string(i.severity)) + " " + i.code + " [" + i.rule + "] " + i.location.to_string() + ": " + i.message + "\n";
  return s;
}

// Each text checked twice (the second time a cache would answer) in three sessions: without
// caches, with caches and no practical bound, with caches bounded to almost nothing. The bounded
// one must drop its caches (never answering from them) and all three must agree.
void bounded_session_agrees(const Checker& checker, const std::vector<std::string>& texts) {
  CheckSession plain(CheckSessionOptions{false}), cached, bounded(CheckSessionOptions{true, 1});
  ASSERT_GT(texts.size(), 3u);
  for (int round = 0; round < 2; ++round)
    for (const auto& t : texts) {
      const CheckTarget target{"t", false, ""};
      const std::string expected = render(checker.check(plain, t, target));
      EXPECT_EQ(render(checker.check(cached, t, target)), expected);
      EXPECT_EQ(render(checker.check(bounded, t, target)), expected);
      EXPECT_LE(bounded.stats().cache_bytes, 1u) << "over the bound after a check";
    }
  const auto c = cached.stats(), b = bounded.stats();
  EXPECT_GT(c.fhir_hits + c.cda_hits, 0u) << "the unbounded session must answer repeats from its caches";
  EXPECT_EQ(c.resets, 0u);
  EXPECT_GT(b.resets, 0u) << "the bounded session must have dropped its caches";
  EXPECT_EQ(b.fhir_hits + b.cda_hits, 0u) << "dropped after every learning: nothing to answer from";
  EXPECT_EQ(plain.stats().cache_bytes, 0u);
  EXPECT_EQ(plain.stats().fhir_hits + plain.stats().cda_hits, 0u) << "a session without caches never answers from one";
}

TEST(CheckSession, MemoryBoundDropsFhirCachesWithoutChangingVerdicts) {
  if (!fhir()) GTEST_SKIP() << "FHIR packages not installed: run scripts/install-fhir-packages.sh";
  bounded_session_agrees(*fhir(), sample_outputs("fhir", ".ndjson"));
}

TEST(CheckSession, MemoryBoundDropsCdaCachesWithoutChangingVerdicts) {
  auto texts = sample_outputs("cda", ".xml");
  texts.push_back("<ClinicalDocument/>");  // invalid: never learned
  bounded_session_agrees(cda(), texts);
}

TEST(CheckSession, ClearForgetsWhatWasLearned) {
  CheckSession session;
  const auto texts = sample_outputs("cda", ".xml");
  ASSERT_FALSE(texts.empty());
  (void)cda().check(session, texts.front(), {"t", false, ""});
  EXPECT_GT(session.stats().cache_bytes, 0u);
  session.clear();
  EXPECT_EQ(session.stats().cache_bytes, 0u);
  (void)cda().check(session, texts.front(), {"t", false, ""});
  EXPECT_EQ(session.stats().cda_hits, 0u) << "after clear() the same document is not answered from the memo";
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
