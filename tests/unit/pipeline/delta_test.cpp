// The manifest diff behind convert --since: each resource unchanged, changed, new or deleted;
// previous patients missing from the export deleted only when asked, and only within the
// run's scope (a shard); and what the delta writes for each layout.
#include "pipeline/delta.hpp"

#include <gtest/gtest.h>


namespace netconv {
namespace {

ManifestResource res(const char* type, const char* id, const char* content) { return {type, id, content_hash(content)}; }

TEST(Delta, DiffPatientTable) {
  const ManifestEntry prev{"p", {res("Patient", "p", "v1"), res("Condition", "c1", "a"), res("Observation", "o1", "x")}};
  struct Case {
    const char* name;
    std::vector<ManifestResource> current;
    std::vector<Change> expect;
    std::vector<std::string> deleted;  // ids
    bool any_change;
  } cases[] = {
      {"all unchanged", prev.resources, {Change::unchanged, Change::unchanged, Change::unchanged}, {}, false},
      {"order does not matter", {prev.resources[2], prev.resources[0], prev.resources[1]},
       {Change::unchanged, Change::unchanged, Change::unchanged}, {}, false},
      {"one changed", {res("Patient", "p", "v1"), res("Condition", "c1", "b"), res("Observation", "o1", "x")},
       {Change::unchanged, Change::changed, Change::unchanged}, {}, true},
      {"one new", {res("Patient", "p", "v1"), res("Condition", "c1", "a"), res("Observation", "o1", "x"), res("Observation", "o2", "y")},
       {Change::unchanged, Change::unchanged, Change::unchanged, Change::added}, {}, true},
      {"one deleted", {res("Patient", "p", "v1"), res("Condition", "c1", "a")}, {Change::unchanged, Change::unchanged}, {"o1"}, true},
      {"same id, other type is new", {res("Patient", "p", "v1"), res("Condition", "c1", "a"), res("Procedure", "o1", "x")},
       {Change::unchanged, Change::unchanged, Change::added}, {"o1"}, true},
      {"everything gone but the patient", {res("Patient", "p", "v2")}, {Change::changed}, {"c1", "o1"}, true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto d = diff_patient(&prev, ManifestEntry{"p", c.current});
    EXPECT_EQ(d.resources, c.expect);
    std::vector<std::string> ids;
    for (const auto& r : d.deleted) ids.push_back(r.id);
    EXPECT_EQ(ids, c.deleted);
    EXPECT_EQ(d.any_change(), c.any_change);
    EXPECT_FALSE(d.new_patient);
  }
  auto fresh = diff_patient(nullptr, ManifestEntry{"q", {res("Patient", "q", "v")}});
  EXPECT_TRUE(fresh.new_patient);
  EXPECT_TRUE(fresh.any_change());
  EXPECT_EQ(fresh.resources, std::vector<Change>{Change::added});
}

TEST(Delta, MissingPatientsTable) {
  std::string text;
  for (const char* p : {"a", "b", "c", "d"}) text += manifest_line({p, {res("Patient", p, p)}});
  const auto prev = PreviousManifest::parse(text, "m");
  const std::vector<bool> seen{true, false, true, false};  // b and d absent from the export
  const PatientScope shard_b = [](const ManifestEntry& e) { return e.patient != "d"; };
  struct Case {
    const char* name;
    bool delete_missing;
    PatientScope scope;
    std::vector<std::size_t> deleted, kept;
  } cases[] = {
      {"kept without the flag", false, {}, {}, {1, 3}},
      {"deleted with the flag", true, {}, {1, 3}, {}},
      {"other shard's patient untouched", true, shard_b, {1}, {}},
      {"other shard's patient not carried", false, shard_b, {}, {1}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto m = missing_patients(prev, seen, c.delete_missing, c.scope);
    EXPECT_EQ(m.deleted, c.deleted);
    EXPECT_EQ(m.kept, c.kept);
  }
}

TEST(Delta, DeleteBundleListsThePatientLast) {
  EXPECT_EQ(delete_bundle({res("Patient", "p", ""), res("Condition", "c", "")}),
            R"({"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"DELETE","url":"Condition/c"}},)"
            R"({"request":{"method":"DELETE","url":"Patient/p"}}]})"
            "\n");
}

// A patient's output as the FHIR writer hands it over: a Patient and a Condition.
RenderedPatient two_resources(bool bundle, const std::string& condition) {
  const std::string patient = R"({"resourceType":"Patient","id":"p"})";
  RenderedPatient out;
  if (bundle) {
    std::string head = R"({"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:1","resource":)";
    std::string mid = R"(,"request":{"method":"PUT","url":"Patient/p"}},{"fullUrl":"urn:uuid:2","resource":)";
    std::string line = head + patient + mid + condition + R"(,"request":{"method":"PUT","url":"Condition/c"}}]})" + "\n";
    out.chunks.push_back({"fhir/bundles.ndjson", line, false});
    out.targets.push_back({"fhir-json", "", "", 0, head.size(), patient.size()});
    out.targets.push_back({"fhir-json", "", "", 0, head.size() + patient.size() + mid.size(), condition.size()});
  } else {
    out.chunks.push_back({"fhir/Patient.ndjson", patient + "\n", false});
    out.chunks.push_back({"fhir/Condition.ndjson", condition + "\n", false});
    out.targets.push_back({"fhir-json", "", "", 0, 0, patient.size()});
    out.targets.push_back({"fhir-json", "", "", 1, 0, condition.size()});
  }
  return out;
}

std::string chunk_text(const RenderedPatient& out, const std::string& path) {
  for (const auto& c : out.chunks)
    if (c.path == path) return c.bytes;
  return "(none)";
}

TEST(Delta, StageWritesOnlyWhatChanged) {
  const std::string c1 = R"({"resourceType":"Condition","id":"c","code":{"text":"a"}})";
  const std::string c2 = R"({"resourceType":"Condition","id":"c","meta":{"source":"urn:run:2"},"code":{"text":"b"}})";
  for (bool bundle : {false, true}) {
    SCOPED_TRACE(bundle ? "bundle" : "bulk");
    const char* layout = bundle ? "bundle" : "bulk";
    // the first run: the manifest line only, the output as rendered
    std::vector<RenderedPatient> first{two_resources(bundle, c1)};
    ConvertSummary counts;
    std::vector<std::size_t> matched;
    ManifestStage(0, nullptr, layout).apply(first, counts, matched);
    const std::string line = chunk_text(first[0], "manifest.ndjson");
    ASSERT_NE(line, "(none)");
    const auto prev = PreviousManifest::parse(line + manifest_line({"gone", {res("Patient", "gone", "")}}), "m");
    ManifestStage delta(0, &prev, layout);
    // unchanged (also with a meta.source of its own): nothing but the manifest line
    std::vector<RenderedPatient> same{two_resources(bundle, R"({"resourceType":"Condition","id":"c","meta":{"source":"urn:run:9"},"code":{"text":"a"}})")};
    delta.apply(same, counts, matched);
    ASSERT_EQ(same[0].chunks.size(), 1u);
    EXPECT_EQ(same[0].chunks[0].path, "manifest.ndjson");
    EXPECT_EQ(matched, std::vector<std::size_t>{0});
    // the Condition changed: it alone is written
    std::vector<RenderedPatient> changed{two_resources(bundle, c2)};
    delta.apply(changed, counts, matched);
    if (bundle) {
      EXPECT_EQ(chunk_text(changed[0], "fhir/bundles.ndjson"),
                R"({"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:2","resource":)" + c2 +
                    R"(,"request":{"method":"PUT","url":"Condition/c"}}]})" + "\n");
    } else {
      EXPECT_EQ(chunk_text(changed[0], "fhir/Condition.ndjson"), c2 + "\n");
      EXPECT_EQ(chunk_text(changed[0], "fhir/Patient.ndjson"), "(none)");
    }
    EXPECT_EQ(counts.delta_resources["unchanged"], 3u);
    EXPECT_EQ(counts.delta_resources["changed"], 1u);
    EXPECT_EQ(counts.delta_patients["unchanged"], 1u);
    EXPECT_EQ(counts.delta_patients["changed"], 1u);
  }
}

TEST(Delta, StageDeletesVanishedResources) {
  const std::string c1 = R"({"resourceType":"Condition","id":"c","code":{"text":"a"}})";
  const std::string c9 = R"({"resourceType":"Condition","id":"c9","code":{"text":"a"}})";
  for (bool bundle : {false, true}) {
    SCOPED_TRACE(bundle ? "bundle" : "bulk");
    const char* layout = bundle ? "bundle" : "bulk";
    std::vector<RenderedPatient> first{two_resources(bundle, c1)};
    ConvertSummary counts;
    std::vector<std::size_t> matched;
    ManifestStage(0, nullptr, layout).apply(first, counts, matched);
    const auto prev = PreviousManifest::parse(chunk_text(first[0], "manifest.ndjson"), "m");
    std::vector<RenderedPatient> now{two_resources(bundle, c9)};  // c replaced by c9
    ManifestStage(0, &prev, layout).apply(now, counts, matched);
    const std::string del = R"({"request":{"method":"DELETE","url":"Condition/c"}})";
    if (bundle) {
      const auto b = chunk_text(now[0], "fhir/bundles.ndjson");
      EXPECT_NE(b.find(c9), std::string::npos) << b;
      EXPECT_NE(b.find("," + del + "]}\n"), std::string::npos) << b;
      EXPECT_EQ(b.find("Patient/p"), std::string::npos) << b;
    } else {
      EXPECT_EQ(chunk_text(now[0], "fhir/Condition.ndjson"), c9 + "\n");
      EXPECT_EQ(chunk_text(now[0], "fhir/deleted.ndjson"),
                R"({"resourceType":"Bundle","type":"transaction","entry":[)" + del + "]}\n");
    }
    EXPECT_EQ(counts.delta_resources["deleted"], 1u);
    EXPECT_EQ(counts.delta_resources["new"], 1u);
  }
}

}  // namespace
}  // namespace netconv
