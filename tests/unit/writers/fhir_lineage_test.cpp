// The FHIR writer's lineage: meta.source from the run's lineage on every resource (none without
// one), Bundle framing (type, fullUrl) and the Provenance, as the writer renders them in process.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/errors.hpp"
#include "core/lineage.hpp"
#include "support/records.hpp"
#include "support/shipped_tables.hpp"
#include "writers/fhir_json.hpp"

namespace netconv {
namespace {

model::PatientCases patient() {
  const test_support::Fields f{{"patient_id", "P1"}, {"primary_site", "C17.2"}, {"histology", "8240/3"},
                               {"diagnosis_date", "2019-06-11"}, {"grade", "G2"}, {"metastatic_sites", "liver"}};
  return test_support::patient_cases(test_support::map_with_shipped_tables(test_support::make_record(f, "exports/2026-11.csv")));
}

WriterOptions lineage_options() {
  WriterOptions o;
  o.lineage.run_id = "0123456789abcdef";
  o.lineage.meta_source = meta_source_uri("reg", o.lineage.run_id);
  o.lineage.tables_sha256 = std::string(64, 'a');
  o.lineage.inputs = {{"other.csv", std::string(64, 'b')}, {"exports/2026-11.csv", std::string(64, 'c')}};
  return o;
}

TEST(FhirLineage, BadBundleOptionsAreConfigErrors) {
  WriterOptions o;
  o.fhir_bundle_type = "collection";
  EXPECT_THROW(FhirJsonWriter(test_support::shipped_tables(), o), ConfigError);
  o.fhir_bundle_type = "batch";
  o.fhir_base_url = "https://h/fhir/";
  EXPECT_THROW(FhirJsonWriter(test_support::shipped_tables(), o), ConfigError);
}

TEST(FhirLineage, MetaSourceOnEveryResourceOnlyWithALineage) {
  const auto pc = patient();
  const FhirJsonWriter with(test_support::shipped_tables(), lineage_options()), without(test_support::shipped_tables());
  const auto a = with.render(pc), b = without.render(pc);
  ASSERT_EQ(a.size(), b.size());
  ASSERT_GT(a.size(), 2u);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(nlohmann::json::parse(a[i].json)["meta"]["source"], "urn:netconv:registry:reg:run:0123456789abcdef");
    EXPECT_FALSE(nlohmann::json::parse(b[i].json).contains("meta") && nlohmann::json::parse(b[i].json)["meta"].contains("source"));
    EXPECT_EQ(a[i].id, b[i].id);  // the run never changes an id
  }
}

TEST(FhirLineage, BundleEntriesCarryFullUrlAndTheChosenType) {
  const auto pc = patient();
  auto o = lineage_options();
  o.fhir_bundle_type = "batch";
  o.fhir_base_url = "http://localhost:8103/fhir/R4";
  const FhirJsonWriter w(test_support::shipped_tables(), o);
  const auto resources = w.render(pc);
  const auto b = nlohmann::json::parse(w.bundle(pc, resources));
  EXPECT_EQ(b["type"], "batch");
  for (const auto& e : b["entry"]) {
    const std::string type = e["resource"]["resourceType"], id = e["resource"]["id"];
    EXPECT_EQ(e["fullUrl"], "http://localhost:8103/fhir/R4/" + type + "/" + id);
  }
  const FhirJsonWriter plain(test_support::shipped_tables());
  const auto u = nlohmann::json::parse(plain.bundle(pc, resources));
  EXPECT_EQ(u["type"], "transaction");
  EXPECT_EQ(u["entry"][0]["fullUrl"], "urn:uuid:" + resource_uuid("Patient", pc.patient.resource_id));
}

TEST(FhirLineage, ProvenanceNamesItsTargetsTheToolAndOnlyThePatientsInputs) {
  const auto pc = patient();
  const FhirJsonWriter w(test_support::shipped_tables(), lineage_options());
  const auto p = w.provenance(pc, {"Patient/x", "Condition/y"});
  const auto j = nlohmann::json::parse(p.json);
  EXPECT_EQ(p.type, "Provenance");
  EXPECT_EQ(j["id"], p.id);
  EXPECT_EQ(j["meta"]["source"], "urn:netconv:registry:reg:run:0123456789abcdef");
  EXPECT_EQ(j["target"], nlohmann::json::parse(R"([{"reference":"Patient/x"},{"reference":"Condition/y"}])"));
  EXPECT_EQ(j["recorded"], "1970-01-01T00:00:00Z");
  EXPECT_EQ(j["agent"][0]["type"]["coding"][0]["code"], "assembler");
  EXPECT_NE(j["agent"][0]["who"]["display"].get<std::string>().find(std::string(64, 'a')), std::string::npos);
  ASSERT_EQ(j["entity"].size(), 1u);  // other.csv holds none of this patient's records
  EXPECT_EQ(j["entity"][0]["what"]["display"], "2026-11.csv");  // no folders
  EXPECT_EQ(j["entity"][0]["what"]["identifier"]["value"], std::string(64, 'c'));
  // another run of the same patient: another Provenance
  auto o = lineage_options();
  o.lineage.run_id = "fedcba9876543210";
  EXPECT_NE(FhirJsonWriter(test_support::shipped_tables(), o).provenance(pc, {}).id, p.id);
}

}  // namespace
}  // namespace netconv
