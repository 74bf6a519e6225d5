// FhirValidator against the oracles' fixtures, the mCODE examples and tests/data/validation.
// Needs the FHIR packages (scripts/install-fhir-packages.sh); skipped with a message otherwise.
#include "validation/fhir_validator.hpp"

#include <gtest/gtest.h>

#include "support/shared_reference.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/errors.hpp"
#include "validation/fhir_schema.hpp"
#include "validation/json_tree.hpp"
#include "validation/validate_files.hpp"
#include "support/files.hpp"

namespace fs = std::filesystem;
using netconv::FhirValidator;
using netconv::ValidationIssue;

namespace {

const FhirValidator* validator() {
  static std::unique_ptr<FhirValidator> v;
  static bool tried = false;
  if (!tried) {
    tried = true;
    try {
      v = std::make_unique<FhirValidator>(FhirValidator::load(netconv::resolve_fhir_packages_dir("")));
    } catch (const netconv::ConfigError&) {
    }
  }
  return v.get();
}

#define NEED_PACKAGES()                                                                                    \
  if (!validator()) GTEST_SKIP() << "FHIR packages not installed: run scripts/install-fhir-packages.sh"; \
  [[maybe_unused]] const FhirValidator& v = *validator()

using netconv::test_support::slurp;

bool has_error(const std::vector<ValidationIssue>& is) {
  for (const auto& i : is)
    if (i.severity == netconv::Severity::error) return true;
  return false;
}

std::string dump(const std::vector<ValidationIssue>& is) {
  std::string s;
  for (const auto& i : is) s += "  [" + i.rule + "] " + i.path + ": " + i.message + "\n";
  return s;
}

std::vector<fs::path> files_in(const fs::path& d, const std::string& ext = ".json") {
  std::vector<fs::path> out;
  if (!fs::exists(d)) return out;
  for (const auto& e : fs::directory_iterator(d))
    if (e.path().extension() == ext) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// validate_files' FHIR checker, loaded once for every test (as validator() is)
const netconv::OutputChecker* fhir_checker() {
  static const auto c = netconv::builtin_formats().output("fhir")->checker(netconv::CheckerOptions{});
  return c.get();
}

int run_validate(const std::vector<std::string>& inputs, std::string* text = nullptr,
                 netconv::ValidateFilesOptions::Format fmt = netconv::ValidateFilesOptions::Format::text,
                 const std::string& profile = "") {
  netconv::ValidateFilesOptions o;
  o.inputs = inputs;
  o.format = fmt;
  o.profile = profile;
  o.checkers["fhir"] = fhir_checker();
  std::ostringstream out;
  int rc = netconv::validate_files(o, out);
  if (text) *text = out.str();
  return rc;
}

const fs::path kShared = NETCONV_SHARED_DIR;
const fs::path kData = NETCONV_TEST_DATA;

}  // namespace

TEST(FhirValidator, MissingPackagesIsAClearConfigError) {
  try {
    (void)FhirValidator::load("/nonexistent/fhir-packages");
    FAIL() << "expected ConfigError";
  } catch (const netconv::ConfigError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("install-fhir-packages.sh"), std::string::npos) << m;
    EXPECT_NE(m.find("hl7.fhir.us.mcode"), std::string::npos) << m;
  }
}

TEST(FhirValidator, ResolvesPackagesDir) {
  EXPECT_EQ(netconv::resolve_fhir_packages_dir("/x"), "/x");
  setenv("NETCONV_FHIR_PACKAGES", "/from-env", 1);
  EXPECT_EQ(netconv::resolve_fhir_packages_dir(""), "/from-env");
  unsetenv("NETCONV_FHIR_PACKAGES");
  EXPECT_NE(netconv::resolve_fhir_packages_dir("").find(".cache/netconv/fhir-packages"), std::string::npos);
}

TEST(FhirValidator, AcceptsOfficialMcodeExamples) {
  NEED_PACKAGES();
  NETCONV_NEEDS_SHARED(kShared / "reference/mcode/examples");
  auto files = files_in(kShared / "reference/mcode/examples");
  ASSERT_EQ(files.size(), 13u);
  for (const auto& f : files) {
    auto is = v.validate(slurp(f));
    EXPECT_FALSE(has_error(is)) << f << "\n" << dump(is);
  }
}

TEST(FhirValidator, AcceptsOracleGoodFixtures) {
  NEED_PACKAGES();
  NETCONV_NEEDS_SHARED(kShared / "oracles/fhir/selftest/mcode/good");
  auto files = files_in(kShared / "oracles/fhir/selftest/mcode/good");
  ASSERT_EQ(files.size(), 8u);
  for (const auto& f : files) {
    auto is = v.validate(slurp(f));
    EXPECT_FALSE(has_error(is)) << f << "\n" << dump(is);
  }
}

// Every bad mCODE fixture of the oracle fails, for the stated reason (rule + path).
TEST(FhirValidator, RejectsOracleBadFixturesForTheStatedReason) {
  NEED_PACKAGES();
  const std::map<std::string, std::pair<std::string, std::string>> expected = {
      {"histologic-grade-code-not-pattern.json", {"pattern", "Observation.code"}},
      {"histologic-grade-value-quantity.json", {"choice-type", "Observation.valueQuantity"}},
      {"medadmin-missing-effective.json", {"cardinality", "MedicationAdministration.effective[x]"}},
      {"patient-missing-identifier.json", {"cardinality", "Patient.identifier"}},
      {"primary-active-with-abatement.json", {"con-4", "Condition"}},
      {"primary-category-wrong-system.json", {"slice-cardinality", "Condition.category"}},
      {"primary-clinicalstatus-not-in-required-valueset.json", {"binding", "Condition.clinicalStatus"}},
      {"primary-extension-slice-repeated.json", {"slice-cardinality", "Condition.extension"}},
      {"primary-extension-wrong-value-type.json", {"choice-type", "Condition.extension[1].valueString"}},
      {"primary-missing-category.json", {"cardinality", "Condition.category"}},
      {"primary-nested-extension-wrong-value-type.json", {"choice-type", "Condition.bodySite[0].extension[0].valueCoding"}},
      {"primary-profile-url-typo.json", {"profile-unknown", "Condition.meta.profile"}},
      {"primary-unknown-mcode-extension.json", {"extension-unknown", "Condition.extension[2]"}},
      {"procedure-status-not-in-valueset.json", {"binding", "Procedure.status"}},
      {"procedure-with-condition-profile.json", {"profile-type", "Procedure.meta.profile"}},
      {"tumor-marker-category-not-laboratory.json", {"slice-cardinality", "Observation.category"}},
      {"tumor-marker-value-boolean.json", {"choice-type", "Observation.valueBoolean"}},
  };
  NETCONV_NEEDS_SHARED(kShared / "oracles/fhir/selftest/mcode/bad");
  auto files = files_in(kShared / "oracles/fhir/selftest/mcode/bad");
  ASSERT_EQ(files.size(), expected.size());
  for (const auto& f : files) {
    auto it = expected.find(f.filename().string());
    ASSERT_NE(it, expected.end()) << "new fixture without an expected reason: " << f;
    auto is = v.validate(slurp(f));
    bool found = false;
    for (const auto& i : is)
      found = found || (i.rule == it->second.first && i.path == it->second.second && i.severity == netconv::Severity::error);
    EXPECT_TRUE(found) << f << ": expected [" << it->second.first << "] at " << it->second.second << ", got\n" << dump(is);
  }
}

TEST(FhirValidator, OracleR4BadFixturesFail) {
  NEED_PACKAGES();
  NETCONV_NEEDS_SHARED(kShared / "oracles/fhir/selftest/bad");
  NETCONV_NEEDS_SHARED(kShared / "oracles/fhir/selftest/good");
  for (const auto& f : files_in(kShared / "oracles/fhir/selftest/bad")) EXPECT_EQ(run_validate({f.string()}), 1) << f;
  for (const auto& f : files_in(kShared / "oracles/fhir/selftest/bad", ".ndjson")) EXPECT_EQ(run_validate({f.string()}), 1) << f;
  EXPECT_EQ(run_validate({(kShared / "oracles/fhir/selftest/good").string()}), 0);
}

TEST(FhirValidator, ProjectFixturesValidPassInvalidFail) {
  NEED_PACKAGES();
  auto valid = kData / "validation/fhir/valid";
  auto invalid = kData / "validation/fhir/invalid";
  std::string text;
  EXPECT_EQ(run_validate({valid.string()}, &text), 0) << text;
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(invalid)) {
    if (e.path().extension() != ".json" && e.path().extension() != ".ndjson") continue;
    ++n;
    EXPECT_EQ(run_validate({e.path().string()}, &text), 1) << e.path() << "\n" << text;
  }
  EXPECT_GE(n, 30u);
}

// The converter asks for errors only: the same errors as validate() gives, in the same order,
// without warnings and without line numbers; for every fixture and every sample output.
TEST(FhirValidator, ErrorsAreValidatesErrorsWithoutLines) {
  NEED_PACKAGES();
  std::vector<std::string> texts;
  for (const auto& dir : {kData / "validation/fhir/valid", kData / "validation/fhir/invalid"})
    for (const auto& f : files_in(dir)) texts.push_back(slurp(f));
  texts.push_back(R"({"resourceType":"Condition","meta":{"profile":["http://hl7.org/fhir/us/core/StructureDefinition/us-core-condition-problems-health-concerns"]},"subject":{"reference":"Patient/1"},"code":{"text":"x"}})");
  texts.push_back("{not json");
  std::size_t with_warnings = 0, with_errors = 0;
  for (const auto& t : texts) {
    auto all = v.validate(t);
    std::string expected, got;
    for (const auto& i : all) {
      with_warnings += i.severity != netconv::Severity::error;
      if (i.severity == netconv::Severity::error) expected += i.rule + " " + i.path + ": " + i.message + "\n";
    }
    for (const auto& i : v.errors(t)) {
      EXPECT_EQ(i.severity, netconv::Severity::error);
      if (i.rule != "json") EXPECT_EQ(i.line, 0u) << t;
      got += i.rule + " " + i.path + ": " + i.message + "\n";
    }
    with_errors += !expected.empty();
    EXPECT_EQ(got, expected) << t;
  }
  EXPECT_GT(with_warnings, 0u) << "the comparison must include warnings left out";
  EXPECT_GT(with_errors, 30u);
}

TEST(FhirValidator, IssuesCarryPathRuleAndLine) {
  NEED_PACKAGES();
  auto is = v.validate(slurp(kData / "validation/fhir/invalid/condition-onset-month-13.json"));
  ASSERT_FALSE(is.empty());
  EXPECT_EQ(is[0].path, "Condition.onsetDateTime");
  EXPECT_EQ(is[0].rule, "format");
  EXPECT_GT(is[0].line, 1u);
  auto j = v.validate(R"({"resourceType":"Condition","subject":{"reference":"Patient/1"},
    "code":{"coding":[{"system":"http://snomed.info/sct","code":1}]}})");
  ASSERT_FALSE(j.empty()) << dump(j);
  EXPECT_EQ(j[0].path, "Condition.code.coding[0].code");
  EXPECT_EQ(j[0].line, 2u);
}

TEST(FhirValidator, ExplicitProfileArgument) {
  NEED_PACKAGES();
  const std::string cond = R"({"resourceType":"Condition","subject":{"reference":"Patient/1"},
    "code":{"coding":[{"system":"http://snomed.info/sct","code":"737313007"}]}})";
  EXPECT_FALSE(has_error(v.validate(cond)));
  auto is = v.validate(cond, "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-primary-cancer-condition");
  EXPECT_TRUE(has_error(is));
  auto wrong = v.validate(cond, "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-tumor-marker-test");
  ASSERT_FALSE(wrong.empty());
  EXPECT_EQ(wrong[0].rule, "profile-type");
  EXPECT_TRUE(v.knows_profile("http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-cancer-patient|4.0.0"));
}

TEST(FhirValidator, ChoiceTypesAreExclusiveAndPrimitiveExtensionsWork) {
  NEED_PACKAGES();
  auto two = v.validate(R"({"resourceType":"Condition","subject":{"reference":"Patient/1"},
    "onsetDateTime":"2020","onsetString":"2020"})");
  ASSERT_TRUE(has_error(two));
  bool choice = false;
  for (const auto& i : two) choice = choice || i.rule == "choice";
  EXPECT_TRUE(choice) << dump(two);
  auto dar = v.validate(R"({"resourceType":"Condition","subject":{"reference":"Patient/1"},
    "_onsetDateTime":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/data-absent-reason","valueCode":"unknown"}]}})");
  EXPECT_FALSE(has_error(dar)) << dump(dar);
  auto bad = v.validate(R"({"resourceType":"Condition","subject":{"reference":"Patient/1"},
    "_onsetDateTime":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/data-absent-reason","valueCode":"nope"}]}})");
  EXPECT_TRUE(has_error(bad));
  auto ref = v.validate(R"({"resourceType":"Condition","subject":{"reference":"#p1"}})");
  EXPECT_TRUE(has_error(ref)) << "ref-1: local reference without contained resource";
}

TEST(FhirValidator, DuplicateMembersAndMalformedJsonAreErrorsWithoutQuotingInput) {
  NEED_PACKAGES();
  auto dup = v.validate(R"({"resourceType":"Condition","subject":{"reference":"Patient/1"},
    "subject":{"reference":"Patient/2"}})");
  ASSERT_EQ(dup.size(), 1u) << dump(dup);
  EXPECT_EQ(dup[0].rule, "json-duplicate-key");
  EXPECT_EQ(dup[0].path, "Condition.subject");
  auto bad = v.validate("{\"resourceType\":\"Patient\",\n \"name\":[{\"family\":\"SECRET-NAME\x01\"}]}");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0].rule, "json");
  EXPECT_EQ(bad[0].line, 2u);
  EXPECT_EQ(bad[0].message.find("SECRET"), std::string::npos) << bad[0].message;
  auto overflow = v.validate(R"({"resourceType":"Observation","valueInteger":1e999})");
  ASSERT_EQ(overflow.size(), 1u);
  EXPECT_EQ(overflow[0].rule, "json");
}

TEST(FhirValidator, ThreadSafe) {
  NEED_PACKAGES();
  NETCONV_NEEDS_SHARED(kShared / "oracles/fhir/selftest/mcode");
  auto good = slurp(kShared / "oracles/fhir/selftest/mcode/good/condition-primary-cancer-condition.json");
  auto bad = slurp(kShared / "oracles/fhir/selftest/mcode/bad/primary-category-wrong-system.json");
  std::atomic<int> wrong{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (has_error(v.validate(good))) ++wrong;
        if (!has_error(v.validate(bad))) ++wrong;
      }
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(ValidateFiles, ExitCodesFormatsAndSummary) {
  NEED_PACKAGES();
  (void)v;
  std::string text;
  EXPECT_EQ(run_validate({}, &text), 2);
  EXPECT_EQ(run_validate({(kData / "validation/fhir/valid").string()}, &text), 0);
  EXPECT_NE(text.find(" passed, 0 failed\n"), std::string::npos) << text;
  auto nd = (kData / "validation/fhir/invalid/resources-bad-line2.ndjson").string();
  EXPECT_EQ(run_validate({nd}, &text), 1);
  EXPECT_NE(text.find(nd + ":2: error [type] Condition.subject"), std::string::npos) << text;
  EXPECT_NE(text.find("2 passed, 1 failed"), std::string::npos) << text;
  EXPECT_EQ(run_validate({nd}, &text, netconv::ValidateFilesOptions::Format::github), 1);
  EXPECT_NE(text.find("::error file=" + nd + ",line=2,title=type::Condition.subject"), std::string::npos) << text;
  EXPECT_EQ(run_validate({nd}, &text, netconv::ValidateFilesOptions::Format::json), 1);
  auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["failed"], 1);
  EXPECT_EQ(j["passed"], 2);
  auto bundle = (kData / "validation/fhir/invalid/bundle-one-bad-entry.json").string();
  EXPECT_EQ(run_validate({bundle}, &text), 1);
  EXPECT_NE(text.find("FAIL " + bundle), std::string::npos);
  EXPECT_NE(text.find("Bundle.entry[1].resource.onsetDateTime"), std::string::npos) << text;
  EXPECT_NE(text.find("3 passed, 1 failed"), std::string::npos) << text;  // 2 good entries + envelope, 1 bad entry
  EXPECT_EQ(run_validate({"/nonexistent.json"}, &text), 3);  // an I/O error, as in every command (README)
  EXPECT_THROW(netconv::parse_validate_format("xml"), std::invalid_argument);
}

TEST(FhirSchema, OfficialSchemaThroughValijson) {
  NEED_PACKAGES();
  (void)v;
  auto schema = fs::path(netconv::resolve_fhir_packages_dir("")) / "@asymmetrik__fhir-json-schema-validator#0.9.8/package/fhir.schema.json";
  if (!netconv::fhir::schema_support_available()) {
    EXPECT_THROW(netconv::fhir::SchemaValidator::load(schema.string()), netconv::ConfigError);
    GTEST_SKIP() << "built without valijson headers";
  }
  if (!fs::exists(schema)) GTEST_SKIP() << "run scripts/install-fhir-packages.sh --with-schema";
  netconv::FhirValidatorOptions o;
  o.schema_file = schema.string();
  auto sv = FhirValidator::load(netconv::resolve_fhir_packages_dir(""), o);
  EXPECT_TRUE(sv.has_schema());
  NETCONV_NEEDS_SHARED(kShared / "oracles/fhir/selftest/mcode/good");
  auto good = slurp(kShared / "oracles/fhir/selftest/mcode/good/condition-primary-cancer-condition.json");
  EXPECT_FALSE(has_error(sv.validate(good))) << dump(sv.validate(good));
  auto missing = sv.validate(slurp(kData / "validation/fhir/invalid/condition-missing-subject.json"));
  bool schema_hit = false;
  for (const auto& i : missing) schema_hit = schema_hit || i.rule == "json-schema";
  EXPECT_TRUE(schema_hit) << dump(missing);
  // hostile input: a 50,000-character string must not reach valijson's recursive std::regex
  auto j = nlohmann::json::parse(good);
  j["code"]["text"] = std::string(50000, 'x');
  auto is = sv.validate(j.dump());
  bool guarded = false;
  for (const auto& i : is) guarded = guarded || (i.rule == "json-schema" && i.path == "Condition.code.text");
  EXPECT_TRUE(guarded) << dump(is);
}

// Benchmark (prints numbers, asserts nothing about time): µs per resource for an nlohmann DOM
// parse (what validation cost before), the validator's own tree parse, parse + validation in
// full, and validation of repeats by the result cache, over netconv-shaped mCODE resources:
// repeats with their own ids (as a converter writes them: answered from their bytes) and
// byte-identical repeats.
TEST(FhirValidatorBenchmark, MicrosecondsPerResource) {
  NEED_PACKAGES();
  std::vector<std::string> docs;
  for (const auto& f : files_in(kData / "validation/fhir/valid"))
    if (f.filename().string().rfind("bundle", 0) != 0) docs.push_back(nlohmann::json::parse(slurp(f)).dump());
  ASSERT_FALSE(docs.empty());
  const int rounds = 2000;
  using clock = std::chrono::steady_clock;
  std::size_t sink = 0;
  auto t0 = clock::now();
  for (int r = 0; r < rounds; ++r)
    for (const auto& d : docs) sink += nlohmann::json::parse(d).size();
  auto t1 = clock::now();
  netconv::fhir::JsonTree tree;
  for (int r = 0; r < rounds; ++r)
    for (const auto& d : docs) sink += tree.parse(d) ? tree.root().size() : 0;
  auto t2 = clock::now();
  netconv::FhirValidatorOptions no_cache;
  no_cache.memoize = false;
  const auto full = FhirValidator::load(netconv::resolve_fhir_packages_dir(""), no_cache);
  std::size_t errors = 0;
  auto t3 = clock::now();
  for (int r = 0; r < rounds; ++r)
    for (const auto& d : docs) errors += has_error(full.validate(d)) ? 1 : 0;
  auto t4 = clock::now();
  for (int r = 0; r < rounds; ++r)
    for (const auto& d : docs) errors += has_error(v.validate(d)) ? 1 : 0;
  auto t5 = clock::now();
  std::vector<std::string> own_ids;  // each repeat with an id of its own, same length
  for (int r = 0; r < rounds; ++r)
    for (const auto& d : docs) {
      auto j = nlohmann::json::parse(d);
      j["id"] = "r" + std::to_string(100000 + r);
      own_ids.push_back(j.dump());
    }
  const auto byte_hits = v.memo_byte_hits();
  auto t6 = clock::now();
  for (const auto& d : own_ids) errors += has_error(v.validate(d)) ? 1 : 0;
  auto t7 = clock::now();
  const double n = static_cast<double>(rounds) * static_cast<double>(docs.size());
  auto us = [&](auto a, auto b) { return std::chrono::duration<double, std::micro>(b - a).count() / n; };
  std::printf("[bench] %zu resources x %d rounds: nlohmann parse %.2f us/resource, tree parse %.2f us/resource, "
              "parse+validate in full %.2f us/resource; repeats with their own ids %.2f us/resource (%.0f %% from their bytes), "
              "byte-identical repeats %.2f us/resource; load %.2f s\n",
              docs.size(), rounds, us(t0, t1), us(t1, t2), us(t3, t4), us(t6, t7),
              100.0 * static_cast<double>(v.memo_byte_hits() - byte_hits) / n, us(t4, t5), v.stats().load_seconds);
  std::printf("[bench] required bindings %zu, not expandable locally %zu; invariants not evaluated %zu\n",
              v.stats().required_bindings, v.stats().unexpandable.size(), v.stats().unimplemented_invariants.size());
  EXPECT_GT(sink, 0u);
  EXPECT_EQ(errors, 0u) << "the benchmark's resources are the valid fixtures";
}
