#include "report/quality_stats.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/json_writer.hpp"

namespace netconv::report {
namespace {

model::NetCase make_case(const std::string& site, const std::string& grade, const std::string& source, double ki67) {
  model::NetCase c;
  c.tumor.site_group = "jejunum_ileum";
  c.tumor.topography = site;
  c.tumor.grade = grade;
  c.tumor.grade_source = source;
  c.tumor.topography_concept.codings.push_back({"http://terminology.hl7.org/CodeSystem/icd-o-3", "", site, ""});
  if (ki67 >= 0) {
    model::Observation o;
    o.kind = "ki67";
    o.quantity = model::Quantity{{std::to_string(ki67), ki67}, "", "%", ""};
    c.tumor.observations.push_back(o);
  }
  return c;
}

std::string json_of(const QualityStats& s) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  s.write_json(w);
  w.end_object();
  return out;
}

}  // namespace

TEST(Ki67Bins, WhoThresholdsFallOnBinEdges) {
  EXPECT_EQ(ki67_bin(0), 0u);
  EXPECT_EQ(ki67_bin(2.99), 1u);
  EXPECT_EQ(ki67_bin(3), 2u);   // G2 starts at 3 %
  EXPECT_EQ(ki67_bin(20), 4u);  // and ends at 20 % inclusive
  EXPECT_EQ(ki67_bin(20.01), 5u);
  EXPECT_EQ(ki67_bin(100), 7u);
  EXPECT_EQ(ki67_bin_labels()[4], "10-20");
}

TEST(QualityStats, CountsSitesGradesKi67TreatmentsAndUnverifiedConcepts) {
  QualityStats s;
  auto c = make_case("C17.2", "G2", "given", 5);
  c.tumor.grade_conflict = "Ki-67 says G1";
  model::Treatment t;
  t.kind = "ssa";
  t.code.key = "drug.octreotide";  // no verified coding: unverified
  c.tumor.treatments.push_back(t);
  s.add(c);
  s.add(make_case("C25.3", "G1", "derived", -1));
  EXPECT_EQ(s.cases, 2u);
  EXPECT_EQ(s.primary_sites, (Counts{{"C17.2", 1}, {"C25.3", 1}}));
  EXPECT_EQ(s.grade_given, (Counts{{"G2", 1}}));
  EXPECT_EQ(s.grade_derived, (Counts{{"G1", 1}}));
  EXPECT_EQ(s.grade_contradictions, 1u);
  EXPECT_EQ(s.ki67[3], 1u);
  EXPECT_EQ(s.ki67_missing, 1u);
  EXPECT_EQ(s.treatment_kinds, (Counts{{"ssa", 1}}));
  // the verified topography is not counted; the morphology and diagnosis of these bare cases are
  EXPECT_EQ(s.unverified_concepts.count("drug.octreotide"), 1u);
}

// Workers count separately; merged, the counters and their JSON are what one counter gives.
TEST(QualityStats, MergeIsTheSameAsCountingEverythingInOnePlace) {
  std::vector<model::NetCase> cases = {make_case("C17.2", "G1", "given", 1), make_case("C17.2", "G3", "derived", 40),
                                       make_case("C34.1", "", "", -1), make_case("C25.3", "G2", "given", 20)};
  QualityStats all, a, b;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    all.add(cases[i]);
    (i % 2 ? a : b).add(cases[i]);
  }
  a.merge(b);
  EXPECT_EQ(json_of(a), json_of(all));
}

TEST(QualityStats, JsonRoundTripsAndKeepsAFixedKeyOrder) {
  QualityStats s;
  s.add(make_case("C17.2", "G2", "given", 12));
  s.input_formats["csv"] = 2;
  s.output_formats = {"fhir", "cda"};
  s.mapping_tables_sha256 = "ab";
  const std::string text = json_of(s);
  EXPECT_EQ(text.find("{\"quality\":{\"cases\":1,\"input_formats\":{\"csv\":2},\"output_formats\":[\"fhir\",\"cda\"],\"mapping_tables_sha256\":\"ab\""), 0u) << text;
  auto back = QualityStats::from_json(nlohmann::json::parse(text)["quality"]);
  EXPECT_EQ(json_of(back), text);
  // a report without the section (an older run) reads as nothing counted
  EXPECT_EQ(QualityStats::from_json(nlohmann::json()).cases, 0u);
}

TEST(QualityStats, MappingTablesDigestChangesWithTheTables) {
  const std::string shipped = mapping_tables_sha256(NETCONV_MAPPINGS_DIR);
  EXPECT_EQ(shipped.size(), 64u);
  EXPECT_EQ(shipped, mapping_tables_sha256(NETCONV_MAPPINGS_DIR));
  EXPECT_NE(shipped, mapping_tables_sha256(NETCONV_TEST_DATA));
}

}  // namespace netconv::report
