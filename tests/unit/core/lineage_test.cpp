#include "core/lineage.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "core/errors.hpp"
#include "support/files.hpp"

namespace netconv {

// Pinned to values computed outside netconv (Python hashlib, the construction lineage.hpp states):
// a change here changes every fullUrl and meta.source of every output.
TEST(Lineage, ResourceUuidPinnedToTheDocumentedConstruction) {
  EXPECT_EQ(resource_uuid("Patient", "abc"), "eb9e1f04-11d5-8a7a-96d7-9fe4cab1b325");
}

TEST(Lineage, ResourceUuidIsAnRfc9562Version8UuidOfTypeAndId) {
  const std::regex v8("[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (auto id : {"", "a", "74c79c703e8ceb6bce55b87d51d264af"}) EXPECT_TRUE(std::regex_match(resource_uuid("Condition", id), v8)) << id;
  EXPECT_EQ(resource_uuid("Condition", "x"), resource_uuid("Condition", "x"));
  EXPECT_NE(resource_uuid("Condition", "x"), resource_uuid("Observation", "x"));  // the type is part of the name
  EXPECT_NE(resource_uuid("Conditio", "nx"), resource_uuid("Condition", "x"));
}

TEST(Lineage, FullUrlIsUrnUuidOrBaseTypeId) {
  EXPECT_EQ(bundle_full_url("", "Patient", "abc"), "urn:uuid:eb9e1f04-11d5-8a7a-96d7-9fe4cab1b325");
  EXPECT_EQ(bundle_full_url("https://fhir.example.org/r4", "Patient", "abc"), "https://fhir.example.org/r4/Patient/abc");
}

TEST(Lineage, BaseUrlMustBeAbsoluteHttpWithoutTrailingSlash) {
  for (auto ok : {"http://localhost:8103/fhir/R4", "https://fhir.example.org", "https://h/r4"})
    EXPECT_EQ(fhir_base_url_problem(ok), "") << ok;
  for (auto bad : {"", "fhir.example.org", "ftp://h/fhir", "https://", "https:///x", "https://h/fhir/", "https://h/a b",
                   "https://h/fhir?x=1", "https://h/fhir#f", "/fhir", "HTTPS//h"})
    EXPECT_NE(fhir_base_url_problem(bad), "") << bad;
}

TEST(Lineage, RunIdPinnedAndSensitiveToEveryPart) {
  EXPECT_EQ(run_id("1.0", "tables", {"a", "b"}), "e9a2189111daefd3");
  EXPECT_NE(run_id("1.1", "tables", {"a", "b"}), run_id("1.0", "tables", {"a", "b"}));
  EXPECT_NE(run_id("1.0", "tables2", {"a", "b"}), run_id("1.0", "tables", {"a", "b"}));
  EXPECT_NE(run_id("1.0", "tables", {"b", "a"}), run_id("1.0", "tables", {"a", "b"}));  // input order matters
  EXPECT_NE(run_id("1.0", "tables", {"ab"}), run_id("1.0", "tables", {"a", "b"}));
}

TEST(Lineage, MetaSourceNamesRegistryAndRun) {
  EXPECT_EQ(meta_source_uri("nrw-net", "e9a2189111daefd3"), "urn:netconv:registry:nrw-net:run:e9a2189111daefd3");
  EXPECT_EQ(meta_source_uri("", "e9a2189111daefd3"), "urn:netconv:registry:unspecified:run:e9a2189111daefd3");
}

TEST(Lineage, FileSha256MatchesSha256sum) {
  test_support::TempDir tmp("lineage");
  test_support::spit(tmp.dir / "in.csv", "hello\n");
  EXPECT_EQ(file_sha256_hex((tmp.dir / "in.csv").string()),
            "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
  EXPECT_THROW(file_sha256_hex((tmp.dir / "missing.csv").string()), IoError);
}

}  // namespace netconv
