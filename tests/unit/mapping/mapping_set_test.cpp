// The shipped tables load clean; each kind of breakage is caught with its rule id and line.
#include "mapping/mapping_set.hpp"
#include "support/files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/errors.hpp"
#include "pipeline/convert.hpp"

namespace netconv {
namespace fs = std::filesystem;

namespace {

using test_support::TableCopy;

std::vector<Diagnostic> errors_of(const std::string& dir) {
  std::vector<Diagnostic> problems, errors;
  MappingSet::load(dir, problems);
  for (auto& p : problems)
    if (p.severity == Severity::error) errors.push_back(p);
  return errors;
}

}  // namespace

TEST(MappingTables, ShippedTablesHaveNoErrors) {
  auto errors = errors_of(NETCONV_MAPPINGS_DIR);
  for (const auto& e : errors) ADD_FAILURE() << format_diagnostic(e, true);
}

struct Breakage {
  const char* name;
  const char* file;
  const char* appended;  // a row appended to the file ("" = none)
  const char* from;      // or a replacement in the file
  const char* to;
  const char* rule;
  bool on_appended_line;
};

TEST(MappingTables, EveryBreakageIsCaughtWithRuleAndLine) {
  const Breakage cases[] = {
      {"wrong field count", "concepts.tsv", "symptom.x\tcode\tsct", "", "", "NC-MAP-007", true},
      {"unknown code system", "concepts.tsv", "symptom.x\tcode\tnosuch\t123\tX\tsrc\tyes\t", "", "", "NC-MAP-020", true},
      {"bad SNOMED check digit", "concepts.tsv", "symptom.x\tcode\tsct\t443492009\tX\tsrc\tyes\t", "", "", "NC-MAP-022", true},
      {"bad LOINC check digit", "concepts.tsv", "symptom.x\tcode\tloinc\t29593-2\tX\tsrc\tyes\t", "", "", "NC-MAP-023", true},
      {"malformed ICD-10-CM", "concepts.tsv", "symptom.x\tcode\ticd10cm\tC7A-012\tX\tsrc\tyes\t", "", "", "NC-MAP-021", true},
      {"coding without source", "concepts.tsv", "symptom.x\tcode\tsct\t443492008\tX\t\tyes\t", "", "", "NC-MAP-040", true},
      {"verified not yes/no", "concepts.tsv", "symptom.x\tcode\tsct\t443492008\tX\tsrc\tmaybe\t", "", "", "NC-MAP-041", true},
      {"conflicting codes of one system", "concepts.tsv", "symptom.flushing\tcode\tsct\t443492008\tX\tsrc\tyes\t", "", "", "NC-MAP-012", true},
      {"duplicate value", "values.tsv", "sex\tF\tsex.female\t", "", "", "NC-MAP-010", true},
      {"undefined concept", "values.tsv", "symptoms\tnewthing\tsymptom.nosuch\t", "", "", "NC-MAP-030", true},
      {"duplicate agent", "agents.tsv", "octreotide\tMedicationAdministration\tssa\tdrug.octreotide\t", "", "", "NC-MAP-010", true},
      {"agent with unknown kind", "agents.tsv", "newdrug\tMedicationAdministration\tnosuchkind\tdrug.octreotide\t", "", "", "NC-MAP-030", true},
      {"scope row with invalid histology", "morphology-scope.tsv", "8888\t3\tconvert\tnet\t\tsrc\tx", "", "", "NC-MAP-024", true},
      {"site row with invalid topography", "sites.tsv", "C99.9\tother\tother\t\tsrc\t", "", "", "NC-MAP-024", true},
      {"unknown column", "agents.tsv", "", "agent\t", "agentx\t", "NC-MAP-005", false},
      {"contract value not covered", "values.tsv", "", "\nsymptoms\tflushing\t", "\nsymptoms\tflushingx\t", "NC-MAP-031", false},
  };
  for (const auto& c : cases) {
    TableCopy copy(std::string(c.rule) + std::to_string(&c - cases));
    if (*c.appended) copy.append(c.file, c.appended);
    if (*c.from) copy.replace(c.file, c.from, c.to);
    auto line = copy.line_count(c.file);
    auto errors = errors_of(copy.dir.string());
    bool found = false;
    for (const auto& e : errors)
      if (e.code == c.rule && (!c.on_appended_line || (e.location.line == line && e.location.file.find(c.file) != std::string::npos)))
        found = true;
    EXPECT_TRUE(found) << c.name << ": expected " << c.rule << (c.on_appended_line ? " at line " + std::to_string(line) : "");
  }
}

TEST(MappingTables, MissingTableIsAnError) {
  TableCopy copy("missing");
  fs::remove(copy.dir / "agents.tsv");
  auto errors = errors_of(copy.dir.string());
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].code, "NC-MAP-001");
}

TEST(MappingTables, UnverifiedConceptIsTextWithLocalCode) {
  std::vector<Diagnostic> problems;
  auto t = MappingSet::load(NETCONV_MAPPINGS_DIR, problems);
  auto c = t.lookup("no.such.concept");
  EXPECT_FALSE(c.verified());
  EXPECT_EQ(c.local.code, "no.such.concept");
  EXPECT_EQ(c.local.system_uri, t.local_system_uri());
  auto verified = t.lookup("symptom.flushing");
  EXPECT_TRUE(verified.verified());
}

}  // namespace netconv

namespace netconv {

// A broken NAACCR table stops the run when the tables load, before the first record and whatever
// the input's format; before, it surfaced only when a NAACCR file was opened.
TEST(MappingTables, BrokenNaaccrTablesFailTheLoad) {
  struct Case {
    const char* file;
    const char* line;
    const char* code;
  } cases[] = {
      {"naaccr-items.tsv", "x\t1\tf\tnot-a-transform\t\t1\t\t250\tsrc\t", "NC-MAP-013"},
      {"naaccr-values.tsv", "a\tb", "NC-MAP-007"},
      {"naaccr-treatments.tsv", "f\ti\t9-1\tgiven\tc\tk\tp\ts\t\t\t\t\tsrc\t", "NC-MAP-013"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    TableCopy copy(std::string("naaccr-") + std::to_string(&c - cases));
    copy.append(c.file, c.line);
    auto line = copy.line_count(c.file);
    bool found = false;
    for (const auto& e : errors_of(copy.dir.string()))
      found = found || (e.code == c.code && e.location.line == line && e.location.file.find(c.file) != std::string::npos);
    EXPECT_TRUE(found) << "expected " << c.code << " at " << c.file << ":" << line;
  }
}

// The run's start (load_checked_tables) turns those errors into the configuration error, exit 2.
TEST(MappingTables, BrokenNaaccrTableStopsTheRunAtStart) {
  TableCopy copy("naaccr-start");
  copy.append("naaccr-values.tsv", "a\tb");
  CollectingSink diags;
  EXPECT_THROW((void)load_checked_tables(copy.dir.string(), diags), ConfigError);
  ASSERT_FALSE(diags.items.empty());
  EXPECT_NE(diags.items[0].location.file.find("naaccr-values.tsv"), std::string::npos);
}

TEST(MappingTables, NaaccrTablesAreOptional) {
  TableCopy copy("no-naaccr");
  for (const char* f : {"naaccr-items.tsv", "naaccr-values.tsv", "naaccr-treatments.tsv"}) fs::remove(copy.dir / f);
  std::vector<Diagnostic> problems;
  auto t = MappingSet::load(copy.dir.string(), problems);
  for (const auto& p : problems) EXPECT_NE(p.severity, Severity::error) << format_diagnostic(p, true);
  EXPECT_EQ(t.naaccr_tables_shared(), nullptr);
  EXPECT_THROW((void)t.naaccr_tables(), ConfigError);
}

}  // namespace netconv
