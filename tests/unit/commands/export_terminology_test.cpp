// export-terminology: deterministic, well-formed terminology resources from the shipped tables.
#include "commands/export_terminology.hpp"
#include "support/files.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace netconv {
namespace fs = std::filesystem;

namespace {
using test_support::slurp;
}  // namespace

TEST(ExportTerminology, DeterministicAndShaped) {
  const test_support::TempDir temp("export");
  const fs::path& base = temp.dir;
  ExportOptions o{NETCONV_MAPPINGS_DIR, (base / "a").string()};
  auto a = export_terminology(o);
  o.output_dir = (base / "b").string();
  auto b = export_terminology(o);
  ASSERT_EQ(a.files, b.files);
  ASSERT_GT(a.files.size(), 10u);
  bool concept_map = false, value_set = false, code_system = false, octreotide_unmatched = false, men1 = false, e34_0_dated = false;
  for (const auto& f : a.files) {
    auto sa = slurp(base / "a" / f);
    EXPECT_EQ(sa, slurp(base / "b" / f)) << f;
    auto j = nlohmann::json::parse(sa);
    auto type = j["resourceType"].get<std::string>();
    EXPECT_EQ(f, type + "-" + j["id"].get<std::string>() + ".json");
    EXPECT_EQ(j["status"], "active");
    concept_map = concept_map || type == "ConceptMap";
    value_set = value_set || type == "ValueSet";
    code_system = code_system || type == "CodeSystem";
    if (type == "ConceptMap")
      for (const auto& g : j["group"])
        for (const auto& e : g["element"])
          for (const auto& t : e["target"]) {
            ASSERT_TRUE(t.contains("equivalence"));
            if (e["code"] == "octreotide" && t["equivalence"] == "unmatched") octreotide_unmatched = true;
            if (e["code"] == "MEN1" && t.value("code", "") == "E31.21") men1 = true;
            // a code of some fiscal years only says so (issue K item 4)
            if (e["code"] == "Y" && t.value("code", "") == "E34.0")
              e34_0_dated = t.value("comment", "").find("FY2016-FY2024") != std::string::npos;
          }
  }
  EXPECT_TRUE(concept_map && value_set && code_system);
  EXPECT_TRUE(octreotide_unmatched);  // unverified RxNorm code: never exported as a mapping
  EXPECT_TRUE(men1);
  EXPECT_TRUE(e34_0_dated);
  // a re-export replaces its own files only
  std::ofstream(base / "a" / "keep.json") << "{}";
  export_terminology({NETCONV_MAPPINGS_DIR, (base / "a").string()});
  EXPECT_TRUE(fs::exists(base / "a" / "keep.json"));
}

}  // namespace netconv
