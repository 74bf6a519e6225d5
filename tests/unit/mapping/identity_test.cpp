// Resource ids come from what identifies a fact, never from its values: a correction keeps every
// id, adding or removing a fact changes only that fact's id, identical items are distinct facts,
// explicit item ids (contract 1.2) win, and registries never share an id.
#include "core/ids.hpp"
#include "mapping/mapper.hpp"
#include "support/records.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

namespace netconv {
namespace {

using test_support::Fields;

const Fields kBase = {
    {"patient_id", "P1"},
    {"birth_date", "1960-04-02"},
    {"sex", "F"},
    {"tumor_id", "1"},
    {"diagnosis_date", "2021-03-10"},
    {"primary_site", "C17.2"},
    {"histology", "8240"},
    {"grade", "G2"},
    {"ki67_percent", "5"},
    {"mitotic_count", "3"},
    {"differentiation", "well"},
    {"metastatic_sites", "liver|bone"},
    {"syndromes", "MEN1"},
    {"carcinoid_syndrome", "Y"},
    {"symptoms", "flushing|diarrhea"},
    {"treatments", "surgery:small_bowel_resection@2021-04-01|ssa:octreotide@2021-05-01|chemo:capecitabine@2021-06-01|chemo:capecitabine@2021-09-01"},
    {"diagnostics", "ct@2021-02-01|biopsy@2021-02-10"},
    {"labs", "chromogranin_a=350 ng/mL@2021-02-01|chromogranin_a=120 ng/mL@2021-08-01"},
    {"vital_status", "alive"},
    {"last_contact_date", "2022-01-01"},
};

RecordOutcome map(const Fields& fields, MapperOptions opt = {test_support::kTestPatientIdSystem}) {
  return test_support::map_with_shipped_tables(test_support::make_record(fields), opt);
}

std::string first_reason(const RecordOutcome& o) { return o.reasons.empty() ? "" : o.reasons[0].code + " " + o.reasons[0].message; }

// Every resource id of a converted record with its stable key.
std::map<std::string, std::string> ids(const RecordOutcome& o) {
  EXPECT_EQ(o.kind, RecordOutcome::Kind::converted) << first_reason(o);
  std::map<std::string, std::string> r;
  std::size_t n = 0;
  auto add = [&](const std::string& id, const std::string& key) {
    ++n;
    EXPECT_FALSE(id.empty());
    EXPECT_FALSE(key.empty()) << id;
    r[id] = key;
  };
  const auto& nc = o.net_case;
  add(nc.patient.resource_id, nc.patient.id_value);
  add(nc.tumor.condition_id, nc.tumor.condition_key);
  if (!nc.tumor.grade_observation_id.empty()) add(nc.tumor.grade_observation_id, nc.tumor.grade_observation_key);
  for (const auto& x : nc.tumor.observations) add(x.resource_id, x.stable_key);
  for (const auto& x : nc.tumor.metastases) add(x.resource_id, x.stable_key);
  for (const auto& x : nc.tumor.conditions) add(x.resource_id, x.stable_key);
  for (const auto& x : nc.tumor.treatments) add(x.resource_id, x.stable_key);
  for (const auto& x : nc.tumor.diagnostics) add(x.resource_id, x.stable_key);
  for (const auto& x : nc.tumor.labs) add(x.resource_id, x.stable_key);
  EXPECT_EQ(r.size(), n) << "two resources of one record share an id";
  return r;
}

std::set<std::string> id_set(const std::map<std::string, std::string>& m) {
  std::set<std::string> s;
  for (const auto& [id, key] : m) s.insert(id);
  return s;
}

}  // namespace

TEST(Identity, StableKeysAreReadableAndNameTheFact) {
  auto o = map(kBase);
  auto m = ids(o);
  std::set<std::string> keys;
  for (const auto& [id, key] : m) keys.insert(key);
  for (const char* k : {"P1", "P1/1/primary", "P1/1/grade", "P1/1/ki67", "P1/1/mitotic_count", "P1/1/differentiation",
                        "P1/1/metastasis/liver", "P1/1/syndrome/men1", "P1/1/carcinoid_syndrome", "P1/1/symptom/flushing",
                        "P1/1/treatment/surgery/small_bowel_resection/1", "P1/1/treatment/chemo/capecitabine/1",
                        "P1/1/treatment/chemo/capecitabine/2", "P1/1/diagnostic/ct/1", "P1/1/lab/chromogranin_a/1",
                        "P1/1/lab/chromogranin_a/2"})
    EXPECT_TRUE(keys.count(k)) << k;
  EXPECT_EQ(o.net_case.patient.fact_system, std::string(kDefaultFactSystem));
}

struct Correction {
  const char* what;
  Fields change;
};

TEST(Identity, CorrectingAValueKeepsEveryId) {
  const Correction cases[] = {
      {"treatment date", {{"treatments", "surgery:small_bowel_resection@2021-04-02|ssa:octreotide@2021-05-01|chemo:capecitabine@2021-06-01|chemo:capecitabine@2021-09-01"}}},
      {"treatment end date", {{"treatments", "surgery:small_bowel_resection@2021-04-01|ssa:octreotide@2021-05-01/2022-01-01|chemo:capecitabine@2021-06-01|chemo:capecitabine@2021-09-01"}}},
      {"treatment date dropped", {{"treatments", "surgery:small_bowel_resection|ssa:octreotide|chemo:capecitabine|chemo:capecitabine"}}},
      {"diagnosis date", {{"diagnosis_date", "2021-03-11"}}},
      {"birth date", {{"birth_date", "1961"}}},
      {"sex", {{"sex", "M"}}},
      {"grade", {{"grade", "G1"}}},
      {"grade code schema", {{"grade", "2"}}},
      {"Ki-67 value", {{"ki67_percent", "12.5"}}},
      {"mitotic count", {{"mitotic_count", "4"}}},
      {"differentiation", {{"differentiation", "moderate"}}},
      {"histology code", {{"histology", "8241"}}},
      {"site code", {{"primary_site", "C17.0"}}},
      {"lab value, unit and date", {{"labs", "chromogranin_a=351 nmol/L@2021-02-02|chromogranin_a=<120 ng/mL"}}},
      {"diagnostic dates", {{"diagnostics", "ct@2021-02-03|biopsy"}}},
      {"vital status", {{"vital_status", "dead"}}},
  };
  const auto base = id_set(ids(map(kBase)));
  for (const auto& c : cases) {
    auto o = map(test_support::with_fields(kBase, c.change));
    EXPECT_EQ(id_set(ids(o)), base) << c.what;
  }
}

struct Edit {
  const char* what;
  Fields change;
  int added, removed;  // resources
};

TEST(Identity, AddingOrRemovingAFactChangesOnlyItsIds) {
  const Edit cases[] = {
      {"treatment added", {{"treatments", "surgery:small_bowel_resection@2021-04-01|ssa:octreotide@2021-05-01|chemo:capecitabine@2021-06-01|chemo:capecitabine@2021-09-01|prrt:lutetium_lu177_dotatate"}}, 1, 0},
      {"treatment removed", {{"treatments", "surgery:small_bowel_resection@2021-04-01|chemo:capecitabine@2021-06-01|chemo:capecitabine@2021-09-01"}}, 0, 1},
      {"last of two equal treatments removed", {{"treatments", "surgery:small_bowel_resection@2021-04-01|ssa:octreotide@2021-05-01|chemo:capecitabine@2021-06-01"}}, 0, 1},
      {"metastasis added", {{"metastatic_sites", "liver|bone|lung"}}, 1, 0},
      {"metastasis removed", {{"metastatic_sites", "bone"}}, 0, 1},
      {"symptom removed", {{"symptoms", "diarrhea"}}, 0, 1},
      {"lab added", {{"labs", "chromogranin_a=350 ng/mL@2021-02-01|chromogranin_a=120 ng/mL@2021-08-01|gastrin=80 pg/mL"}}, 1, 0},
      {"diagnostic removed", {{"diagnostics", "ct@2021-02-01"}}, 0, 1},
      {"differentiation removed", {{"differentiation", ""}}, 0, 1},
  };
  const auto base = id_set(ids(map(kBase)));
  for (const auto& c : cases) {
    auto now = id_set(ids(map(test_support::with_fields(kBase, c.change))));
    std::vector<std::string> added, removed;
    std::set_difference(now.begin(), now.end(), base.begin(), base.end(), std::back_inserter(added));
    std::set_difference(base.begin(), base.end(), now.begin(), now.end(), std::back_inserter(removed));
    EXPECT_EQ(added.size(), static_cast<std::size_t>(c.added)) << c.what;
    EXPECT_EQ(removed.size(), static_cast<std::size_t>(c.removed)) << c.what;
  }
}

TEST(Identity, IdenticalItemsAreDistinctFacts) {
  auto o = map(test_support::with_fields(kBase, {{"treatments", "ssa:octreotide@2021-05-01|ssa:octreotide@2021-05-01"},
                                                 {"diagnostics", "ct|ct"},
                                                 {"labs", "gastrin=80 pg/mL|gastrin=80 pg/mL"}}));
  auto m = ids(o);  // asserts that no two resources share an id
  const auto& tu = o.net_case.tumor;
  ASSERT_EQ(tu.treatments.size(), 2u);
  EXPECT_EQ(tu.treatments[1].stable_key, "P1/1/treatment/ssa/octreotide/2");
  ASSERT_EQ(tu.diagnostics.size(), 2u);
  ASSERT_EQ(tu.labs.size(), 2u);
  EXPECT_NE(tu.labs[0].resource_id, tu.labs[1].resource_id);
}

TEST(Identity, ExplicitItemIdWins) {
  auto a = map(test_support::with_fields(kBase, {{"treatments", "chemo:capecitabine@2021-02-01#T7|chemo:capecitabine+temozolomide#T8"},
                                                 {"diagnostics", "ct@2021-02-01#D-1"},
                                                 {"labs", "gastrin=80 pg/mL#L.1"}}));
  ASSERT_EQ(a.kind, RecordOutcome::Kind::converted) << first_reason(a);
  const auto& tu = a.net_case.tumor;
  ASSERT_EQ(tu.treatments.size(), 3u);
  EXPECT_EQ(tu.treatments[0].stable_key, "P1/1/treatment/#T7/1");
  EXPECT_EQ(tu.treatments[2].stable_key, "P1/1/treatment/#T8/2");
  EXPECT_EQ(tu.diagnostics[0].stable_key, "P1/1/diagnostic/#D-1");
  EXPECT_EQ(tu.labs[0].stable_key, "P1/1/lab/#L.1");
  // with the id given, even the agent and the kind can be corrected
  auto b = map(test_support::with_fields(kBase, {{"treatments", "targeted:everolimus@2021-03-01#T7|chemo:capecitabine+temozolomide#T8"},
                                                 {"diagnostics", "mri#D-1"},
                                                 {"labs", "serotonin=80 ng/mL#L.1"}}));
  EXPECT_EQ(id_set(ids(a)), id_set(ids(b)));
}

TEST(Identity, BadOrDuplicateItemIdsReject) {
  const struct {
    const char* field;
    const char* value;
    const char* code;
  } cases[] = {
      {"treatments", "chemo:capecitabine#", "NC-ID-001"},
      {"treatments", "chemo:capecitabine#T 7", "NC-ID-001"},
      {"treatments", "chemo:capecitabine#T/7", "NC-ID-001"},
      {"diagnostics", "ct#\xC3\xA9", "NC-ID-001"},
      {"labs", "gastrin=80 pg/mL#01234567890123456789012345678901234567890123456789012345678901234", "NC-ID-001"},
      {"treatments", "chemo:capecitabine#T7|ssa:octreotide#T7", "NC-ID-002"},
      {"labs", "gastrin=80 pg/mL#X|gastrin=81 pg/mL#X", "NC-ID-002"},
  };
  for (const auto& c : cases) {
    auto o = map(test_support::with_fields(kBase, {{c.field, c.value}}));
    EXPECT_EQ(o.kind, RecordOutcome::Kind::rejected) << c.value;
    bool found = std::any_of(o.reasons.begin(), o.reasons.end(), [&](const Diagnostic& d) { return d.code == c.code; });
    EXPECT_TRUE(found) << c.value << " -> " << first_reason(o);
  }
  // one id on two lists of one tumor names two items: also a duplicate
  auto o = map(test_support::with_fields(kBase, {{"treatments", "chemo:capecitabine#A"}, {"labs", "gastrin=80 pg/mL#A"}}));
  EXPECT_EQ(o.kind, RecordOutcome::Kind::rejected);
  // 64 characters is the bound, not beyond it
  auto ok = map(test_support::with_fields(kBase, {{"treatments", "chemo:capecitabine#" + std::string(64, 'x')}}));
  EXPECT_EQ(ok.kind, RecordOutcome::Kind::converted) << first_reason(ok);
}

TEST(Identity, TwoRegistriesWithTheSameLocalIdsNeverShareAnId) {
  MapperOptions a{registry_system("reg-a", "patient")}, b{registry_system("reg-b", "patient")};
  a.registry_id = "reg-a";
  b.registry_id = "reg-b";
  auto oa = map(kBase, a), ob = map(kBase, b);
  auto ia = id_set(ids(oa)), ib = id_set(ids(ob));
  std::vector<std::string> shared;
  std::set_intersection(ia.begin(), ia.end(), ib.begin(), ib.end(), std::back_inserter(shared));
  EXPECT_TRUE(shared.empty()) << shared.size() << " ids shared";
  EXPECT_EQ(oa.net_case.patient.fact_system, "urn:netconv:registry:reg-a:fact");
  EXPECT_EQ(oa.net_case.patient.id_system, "urn:netconv:registry:reg-a:patient");
  EXPECT_NE(oa.net_case.tumor.key, ob.net_case.tumor.key);  // CDA-only ids derive from it
}

TEST(Identity, KeyPartsNeverSplitAKey) {
  std::string k;
  append_key_part(k, "a/b");
  append_key_part(k, "100%");
  EXPECT_EQ(k, "a%2Fb/100%25");
  auto one = fact_id("s", "a%2Fb", {"1"}), two = fact_id("s", "a", {"b/1"});
  EXPECT_NE(one.key, two.key);
  EXPECT_NE(one.id, two.id);
  auto o = map(test_support::with_fields(kBase, {{"patient_id", "P/1"}}));
  EXPECT_EQ(o.net_case.tumor.condition_key, "P%2F1/1/primary");
}

TEST(Identity, RegistryAndItemIdTokens) {
  for (const char* good : {"a", "REG-1", "x.y_z", "0123456789"}) EXPECT_TRUE(valid_registry_id(good)) << good;
  for (const std::string bad : {std::string(), std::string("a b"), std::string("a:b"), std::string("a/b"), std::string(65, 'a')})
    EXPECT_FALSE(valid_registry_id(bad)) << bad;
  EXPECT_EQ(registry_system("R1", "fact"), "urn:netconv:registry:R1:fact");
}

}  // namespace netconv
