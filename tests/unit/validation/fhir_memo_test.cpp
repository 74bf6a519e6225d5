// The result cache (src/validation/fhir_memo.hpp) must never change a verdict. Differential: a
// validator with the cache and one without see the same texts and must give the same issues
// (rule, path, message, severity, line), for every sample output, fixture and mCODE example and
// for same-shape variants of each (every scalar replaced by values that break formats, codes,
// references, invariants and slice discriminators), which is what exercises the cache's
// "same shape, re-run the leaf checks" path.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/errors.hpp"
#include "validation/fhir_validator.hpp"
#include "support/files.hpp"

namespace fs = std::filesystem;
using netconv::FhirValidator;
using netconv::ValidationIssue;
using Ordered = nlohmann::ordered_json;

namespace {

struct Pair {
  std::unique_ptr<FhirValidator> cached, plain;
};

const Pair* validators() {
  static Pair p;
  static bool tried = false;
  if (!tried) {
    tried = true;
    try {
      const auto dir = netconv::resolve_fhir_packages_dir("");
      netconv::FhirValidatorOptions with, without;
      without.memoize = false;
      p.cached = std::make_unique<FhirValidator>(FhirValidator::load(dir, with));
      p.plain = std::make_unique<FhirValidator>(FhirValidator::load(dir, without));
    } catch (const netconv::ConfigError&) {
      return nullptr;
    }
  }
  return p.cached ? &p : nullptr;
}

#define NEED_PACKAGES()                                                                                    \
  const Pair* pair = validators();                                                                         \
  if (!pair) GTEST_SKIP() << "FHIR packages not installed: run scripts/install-fhir-packages.sh"; \
  const FhirValidator& cached = *pair->cached;                                                             \
  const FhirValidator& plain = *pair->plain

std::string render(const std::vector<ValidationIssue>& issues) {
  std::string s;
  for (const auto& i : issues)
    s += std::to_string(static_cast<int>(i.severity)) + " [" + i.rule + "] " + i.path + " @" + std::to_string(i.line) + ": " +
         i.message + "\n";
  return s;
}

using netconv::test_support::slurp;

// Every resource the suite has: sample outputs (one per NDJSON line), fixtures, mCODE examples.
std::vector<std::string> corpus() {
  std::vector<std::string> out;
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(NETCONV_SAMPLES_DIR))
    if (e.path().extension() == ".ndjson" && e.path().parent_path().filename() == "fhir") files.push_back(e.path());
  for (const auto& e : fs::recursive_directory_iterator(fs::path(NETCONV_TEST_DATA) / "validation" / "fhir"))
    if (e.path().extension() == ".json") files.push_back(e.path());
  const fs::path examples = fs::path(NETCONV_SHARED_DIR) / "reference" / "mcode" / "examples";
  if (fs::exists(examples))
    for (const auto& e : fs::directory_iterator(examples))
      if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    if (f.extension() == ".ndjson") {
      // a few per file: the samples repeat their shapes, and the suite also runs under sanitizers
      std::istringstream in(slurp(f));
      int taken = 0;
      for (std::string line; taken < 6 && std::getline(in, line);)
        if (!line.empty()) {
          out.push_back(line);
          ++taken;
        }
    } else {
      out.push_back(slurp(f));
    }
  }
  return out;
}

// Values that break what a leaf check or a steering read looks at.
const std::vector<Ordered>& string_probes() {
  static const std::vector<Ordered> v = {"", "2021-02-30", "2021-13", "2021", "2021-03-04T10:00:00", "#", "#c1", "Patient/other",
                                         "x y", "urn:oid:2.16.840.1.113883.6.96", "http://snomed.info/sct",
                                         "http://loinc.org", "http://unitsofmeasure.org", "final", "active", "unknown",
                                         "completed", "not-done", "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-cancer-patient",
                                         "http://hl7.org/fhir/us/mcode/StructureDefinition/nope", "%", "mm", "G1"};
  return v;
}
const std::vector<Ordered>& number_probes() {
  static const std::vector<Ordered> v = {0, -1, 2147483648LL, 1.5, -0.25};
  return v;
}

// Calls f with a copy of doc where one scalar is replaced by a probe of its JSON type (the shape
// stays the same): every scalar, strings with a third of the probes and of the resource's own
// strings each.
template <class F>
void for_each_same_shape_variant(const Ordered& doc, const std::vector<Ordered>& own_strings, F f) {
  std::vector<Ordered::json_pointer> scalars;
  std::function<void(const Ordered&, const Ordered::json_pointer&)> collect = [&](const Ordered& n, const Ordered::json_pointer& at) {
    if (n.is_object()) {
      for (auto it = n.begin(); it != n.end(); ++it) collect(it.value(), at / it.key());
    } else if (n.is_array()) {
      for (std::size_t i = 0; i < n.size(); ++i) collect(n[i], at / i);
    } else {
      scalars.push_back(at);
    }
  };
  collect(doc, Ordered::json_pointer());
  std::size_t k = 0;  // each scalar gets every third probe, a different third per scalar
  for (const auto& at : scalars) {
    const Ordered& old = doc.at(at);
    std::vector<Ordered> probes;
    if (old.is_string()) {
      probes = string_probes();
      probes.insert(probes.end(), own_strings.begin(), own_strings.end());
    } else if (old.is_number()) {
      probes = number_probes();
    } else if (old.is_boolean()) {
      probes = {!old.get<bool>()};
    }
    for (const auto& p : probes) {
      if (p == old || (old.is_string() && ++k % 3 != 0)) continue;
      Ordered copy = doc;
      copy.at(at) = p;
      f(copy.dump());
    }
  }
}

TEST(FhirResultMemo, SameVerdictsAsWithoutTheCacheOnEveryResourceAndItsSameShapeVariants) {
  NEED_PACKAGES();
  const auto resources = corpus();
  ASSERT_GT(resources.size(), 100u) << "samples, fixtures or mCODE examples missing";
  cached.clear_result_memo();
  const auto hits_before = cached.memo_hits(), byte_hits_before = cached.memo_byte_hits();
  std::size_t compared = 0, mismatches = 0;
  auto compare = [&](const std::string& text) {
    ++compared;
    const auto a = render(cached.validate(text)), b = render(plain.validate(text));
    if (a != b && ++mismatches <= 5) ADD_FAILURE() << "verdicts differ for\n" << text << "\nwith the cache:\n" << a << "without:\n" << b;
  };
  for (const auto& text : resources) {
    compare(text);
    compare(text);  // the second time from the cache
    Ordered doc = Ordered::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) continue;
    // strings of this resource, moved to other places (codes, urls, references, dates)
    std::set<std::string> seen;
    std::vector<Ordered> own;
    std::function<void(const Ordered&)> strings = [&](const Ordered& n) {
      if (n.is_string() && seen.insert(n.get<std::string>()).second && own.size() < 8) own.push_back(n);
      if (n.is_structured())
        for (const auto& c : n) strings(c);
    };
    strings(doc);
    const std::string canonical = doc.dump();
    compare(canonical);  // remembered in this shape, so that the variants meet the cache
    std::size_t n = 0;
    for_each_same_shape_variant(doc, own, [&](const std::string& variant) {
      compare(variant);
      if (++n % 4 == 0) compare(canonical);  // and back: a variant's failure must not change what is remembered
    });
  }
  EXPECT_EQ(mismatches, 0u) << "of " << compared << " validations";
  const auto byte_hits = cached.memo_byte_hits() - byte_hits_before;
  std::printf("[memo] %zu validations, %llu answered from the cache, %llu of them from the bytes\n", compared,
              (unsigned long long)(cached.memo_hits() - hits_before), (unsigned long long)byte_hits);
  // the byte templates' path too: the variants differ from their canonical text in one value
  EXPECT_GT(byte_hits, compared / 8) << compared << " validations";
  // the cache answered a real share of them: otherwise this test would compare nothing
  EXPECT_GT(cached.memo_hits() - hits_before, compared / 4) << compared << " validations";
}

TEST(FhirResultMemo, AValueThatFailsALeafCheckIsNotAnsweredFromTheCache) {
  NEED_PACKAGES();
  cached.clear_result_memo();
  const std::string good =
      R"({"resourceType":"Observation","id":"o1","status":"final","code":{"text":"Ki-67"},"effectivePeriod":{"start":"2021-01-01","end":"2021-02-01"},"subject":{"reference":"Patient/p1"}})";
  ASSERT_EQ(render(cached.validate(good)), "");
  ASSERT_EQ(render(cached.validate(good)), "");
  const auto hits = cached.memo_hits();
  for (const std::string bad : {
           // per-1: end before start; ref-1: a local reference without contained; a bad date; a
           // status outside its required binding
           R"({"resourceType":"Observation","id":"o1","status":"final","code":{"text":"Ki-67"},"effectivePeriod":{"start":"2021-03-01","end":"2021-02-01"},"subject":{"reference":"Patient/p1"}})",
           R"({"resourceType":"Observation","id":"o1","status":"final","code":{"text":"Ki-67"},"effectivePeriod":{"start":"2021-01-01","end":"2021-02-01"},"subject":{"reference":"#p1"}})",
           R"({"resourceType":"Observation","id":"o1","status":"final","code":{"text":"Ki-67"},"effectivePeriod":{"start":"2021-02-30","end":"2021-03-01"},"subject":{"reference":"Patient/p1"}})",
           R"({"resourceType":"Observation","id":"o1","status":"done","code":{"text":"Ki-67"},"effectivePeriod":{"start":"2021-01-01","end":"2021-02-01"},"subject":{"reference":"Patient/p1"}})",
       }) {
    const auto with = render(cached.validate(bad));
    EXPECT_NE(with, "") << bad;
    EXPECT_EQ(with, render(plain.validate(bad))) << bad;
  }
  EXPECT_EQ(cached.memo_hits(), hits) << "a failing variant was answered from the cache";
  // a variant whose values differ but pass is answered from the cache, with no issue
  const std::string other =
      R"({"resourceType":"Observation","id":"o2","status":"amended","code":{"text":"Mitotic count"},"effectivePeriod":{"start":"2022-01-01","end":"2022-02-01"},"subject":{"reference":"Patient/p2"}})";
  EXPECT_EQ(render(cached.validate(other)), "");
  EXPECT_EQ(cached.memo_hits(), hits + 1);
}

TEST(FhirResultMemo, ValuesThatSteerTheWalkAreComparedNotReplayed) {
  NEED_PACKAGES();
  cached.clear_result_memo();
  // the profile url decides which rules apply: the same shape under another profile is validated
  // in full, not answered with the first one's (empty) result
  const std::string plain_condition =
      R"({"resourceType":"Condition","id":"c1","meta":{"profile":["http://hl7.org/fhir/StructureDefinition/Condition"]},"subject":{"reference":"Patient/p1"}})";
  const std::string mcode_condition =
      R"({"resourceType":"Condition","id":"c1","meta":{"profile":["http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-primary-cancer-condition"]},"subject":{"reference":"Patient/p1"}})";
  EXPECT_EQ(render(cached.validate(plain_condition)), render(plain.validate(plain_condition)));
  const auto with = render(cached.validate(mcode_condition));
  EXPECT_NE(with, "");
  EXPECT_EQ(with, render(plain.validate(mcode_condition)));
}

}  // namespace

namespace {

// Input whose shapes never repeat would pay for remembering on every resource: after a window of
// lookups with too few answers, remembering pauses; verdicts stay the validator's.
TEST(FhirResultMemo, RememberingPausesWhenShapesNeverRepeat) {
  NEED_PACKAGES();
  cached.clear_result_memo();
  auto unique = [](int i) {
    return R"({"resourceType":"Observation","id":"o1","status":"final","code":{"text":"Ki-67"},"unknown)" + std::to_string(i) +
           R"(":1})";
  };
  for (int i = 0; i < 1024; ++i) ASSERT_EQ(render(cached.validate(unique(i))), render(plain.validate(unique(i))));
  const auto hits = cached.memo_hits();
  const std::string repeated = R"({"resourceType":"Observation","id":"o1","status":"final","code":{"text":"Ki-67"}})";
  EXPECT_EQ(render(cached.validate(repeated)), "");
  EXPECT_EQ(render(cached.validate(repeated)), "");
  EXPECT_EQ(cached.memo_hits(), hits) << "remembered although the last window's shapes never repeated";
  cached.clear_result_memo();
  EXPECT_EQ(render(cached.validate(repeated)), "");
  EXPECT_EQ(render(cached.validate(repeated)), "");
  EXPECT_EQ(cached.memo_hits(), hits + 1) << "a fresh cache remembers again";
}

}  // namespace

namespace {

// The byte templates (src/validation/fhir_byte_template.hpp): once a second resource of a variant
// has shown where resources differ, a third is answered from its bytes, re-running only the checks
// that read those holes — including checks that also read fixed values (per-1 reads start and end).
TEST(FhirResultMemo, ByteTemplatesAnswerOnlyWhenTheChecksOnTheirHolesPass) {
  NEED_PACKAGES();
  cached.clear_result_memo();
  auto obs = [](std::string_view id, std::string_view end, std::string_view subject, std::string_view status = "final") {
    return R"({"resourceType":"Observation","id":")" + std::string(id) + R"(","status":")" + std::string(status) +
           R"(","code":{"text":"Ki-67"},"effectivePeriod":{"start":"2021-01-01","end":")" + std::string(end) +
           R"("},"subject":{"reference":")" + std::string(subject) + R"("}})";
  };
  ASSERT_EQ(render(cached.validate(obs("o1", "2021-02-01", "Patient/p1"))), "");
  ASSERT_EQ(render(cached.validate(obs("o2", "2021-03-01", "Patient/p2"))), "");  // teaches the holes
  auto byte_hits = cached.memo_byte_hits();
  EXPECT_EQ(render(cached.validate(obs("o3", "2021-04-01", "Patient/p3"))), "");
  EXPECT_EQ(cached.memo_byte_hits(), ++byte_hits) << "a resource differing only in the holes is answered from its bytes";
  EXPECT_EQ(render(cached.validate(obs(R"(o\u0034)", "2021-04-01", "Patient/p3"))), "") << "escapes in a hole are read";
  EXPECT_EQ(cached.memo_byte_hits(), ++byte_hits);

  for (const auto& bad : {obs("o5", "2020-12-01", "Patient/p5"),  // per-1: end before the fixed start
                          obs("o6", "2021-02-30", "Patient/p6"),  // not a date
                          obs("o7", "2021-04-01", "#p7"),         // ref-1: no contained resource
                          obs("o 8", "2021-04-01", "Patient/p8"),  // not an id
                          obs("o9", "2021-04-01", std::string("Patient/\xC3", 9))}) {  // invalid UTF-8 in a hole
    const auto with = render(cached.validate(bad));
    EXPECT_NE(with, "") << bad;
    EXPECT_EQ(with, render(plain.validate(bad))) << bad;
  }
  EXPECT_EQ(cached.memo_byte_hits(), byte_hits) << "a failing resource was answered from its bytes";

  // a value outside the holes: answered by the tree path, which then adds the hole
  const auto hits = cached.memo_hits();
  EXPECT_EQ(render(cached.validate(obs("o10", "2021-04-01", "Patient/p10", "amended"))), "");
  EXPECT_EQ(cached.memo_hits(), hits + 1);
  EXPECT_EQ(cached.memo_byte_hits(), byte_hits);
  EXPECT_EQ(render(cached.validate(obs("o11", "2021-05-01", "Patient/p11", "corrected"))), "");
  EXPECT_EQ(cached.memo_byte_hits(), byte_hits + 1);
}

// A number hole takes numbers written the same way: an integer where a decimal was is another
// shape (validated on its own), never a byte-template answer.
TEST(FhirResultMemo, ANumberHoleKeepsItsKind) {
  NEED_PACKAGES();
  cached.clear_result_memo();
  auto obs = [](std::string_view id, std::string_view value) {
    return R"({"resourceType":"Observation","id":")" + std::string(id) +
           R"(","status":"final","code":{"text":"Ki-67"},"valueQuantity":{"value":)" + std::string(value) + R"(,"unit":"%"}})";
  };
  ASSERT_EQ(render(cached.validate(obs("o1", "1.5"))), "");
  ASSERT_EQ(render(cached.validate(obs("o2", "2.25"))), "");
  const auto byte_hits = cached.memo_byte_hits();
  EXPECT_EQ(render(cached.validate(obs("o3", "-0.5e1"))), "");
  EXPECT_EQ(cached.memo_byte_hits(), byte_hits + 1);
  for (const std::string v : {"3", "1e999", "01.5", "\"1.5\""}) {
    const auto text = obs("o4", v);
    EXPECT_EQ(render(cached.validate(text)), render(plain.validate(text))) << text;
    EXPECT_EQ(cached.memo_byte_hits(), byte_hits + 1) << text;
  }
}

}  // namespace
