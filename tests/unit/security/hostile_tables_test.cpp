// Broken mapping tables (issue G, docs/security.md): every class of breakage stops the run with a
// located error (file:line); the CLI turns it into exit 2 (tests/cli/hostile_test.sh).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/errors.hpp"
#include "mapping/mapping_set.hpp"
#include "pipeline/convert.hpp"
#include "readers/naaccr_dictionary.hpp"
#include "mapping/naaccr_tables.hpp"

namespace netconv {
namespace {

namespace fs = std::filesystem;

// A fresh copy of mappings/ per test (the NAACCR tables are cached per directory).
class TableCopy {
 public:
  TableCopy() {
    char tmpl[] = "/tmp/netconv-hostile-maps-XXXXXX";
    dir_ = mkdtemp(tmpl);
    for (const auto& e : fs::directory_iterator(NETCONV_MAPPINGS_DIR))
      if (e.path().extension() == ".tsv") fs::copy_file(e.path(), fs::path(dir_) / e.path().filename());
  }
  ~TableCopy() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  const std::string& dir() const { return dir_; }
  std::string path(const std::string& table) const { return dir_ + "/" + table; }
  std::string read(const std::string& table) const {
    std::ifstream in(path(table), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  void write(const std::string& table, const std::string& bytes) const {
    std::ofstream(path(table), std::ios::binary | std::ios::trunc) << bytes;
  }
  // appends a line; returns its line number
  std::uint64_t append(const std::string& table, const std::string& line) const {
    auto text = read(table);
    write(table, text + line);
    return static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  }

 private:
  std::string dir_;
};

std::vector<Diagnostic> errors(const std::string& dir) {
  std::vector<Diagnostic> problems, out;
  (void)MappingSet::load(dir, problems);
  for (const auto& p : problems)
    if (p.severity == Severity::error) out.push_back(p);
  return out;
}

// the run stops (ConfigError) and an error names file and line
void expect_located(const TableCopy& t, const std::string& table, std::uint64_t line, const std::string& code) {
  auto errs = errors(t.dir());
  bool found = false;
  for (const auto& e : errs) found = found || (e.location.file == t.path(table) && e.location.line == line && e.code == code);
  EXPECT_TRUE(found) << "no " << code << " at " << table << ":" << line << "; first error: "
                     << (errs.empty() ? "none" : format_diagnostic(errs[0], false));
  CollectingSink sink;
  EXPECT_THROW((void)load_checked_tables(t.dir(), sink), ConfigError);
}

TEST(SecurityTables, ShippedTablesLoadClean) {
  TableCopy t;
  EXPECT_TRUE(errors(t.dir()).empty());
}

TEST(SecurityTables, NulByte) {
  TableCopy t;
  auto line = t.append("values.tsv", std::string("sex\tX\0Y\tsex.female\t\n", 20));
  expect_located(t, "values.tsv", line, "NC-MAP-003");
}

TEST(SecurityTables, InvalidUtf8) {
  TableCopy t;
  auto line = t.append("values.tsv", "sex\tM\xFCller\tsex.female\t\n");
  expect_located(t, "values.tsv", line, "NC-MAP-003");
}

TEST(SecurityTables, MixedLineEndings) {
  TableCopy t;
  auto line = t.append("values.tsv", "sex\tX\tsex.female\t\r\n");
  expect_located(t, "values.tsv", line, "NC-MAP-002");
}

TEST(SecurityTables, HugeLine) {
  TableCopy t;
  auto line = t.append("values.tsv", "sex\t" + std::string(200000, 'x') + "\tsex.female\t\n");
  expect_located(t, "values.tsv", line, "NC-MAP-002");
}

TEST(SecurityTables, DuplicateHeaderNames) {
  TableCopy t;
  auto text = t.read("values.tsv");
  auto pos = text.find("field\tvalue\tconcept\tnote\n");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, 25, "field\tvalue\tvalue\tnote\n");
  t.write("values.tsv", text);
  expect_located(t, "values.tsv", 2, "NC-MAP-004");
}

TEST(SecurityTables, TooManyAndTooFewFields) {
  for (const char* row : {"sex\tX\tsex.female\tnote\textra\n", "sex\tX\n"}) {
    TableCopy t;
    auto line = t.append("values.tsv", row);
    expect_located(t, "values.tsv", line, "NC-MAP-007");
  }
}

TEST(SecurityTables, EmptyFile) {
  TableCopy t;
  t.write("concepts.tsv", "");
  expect_located(t, "concepts.tsv", 0, "NC-MAP-006");
}

TEST(SecurityTables, HeaderOnly) {
  TableCopy t;
  t.write("values.tsv", "field\tvalue\tconcept\tnote\n");
  auto errs = errors(t.dir());
  ASSERT_FALSE(errs.empty());
  EXPECT_EQ(errs[0].location.file, t.path("values.tsv"));
  EXPECT_EQ(errs[0].code, "NC-MAP-031");  // the contract's values have no rows
}

TEST(SecurityTables, MissingTable) {
  TableCopy t;
  fs::remove(t.path("agents.tsv"));
  expect_located(t, "agents.tsv", 0, "NC-MAP-001");
}

TEST(SecurityTables, BrokenNaaccrTablesThrowWithLocation) {
  struct Case {
    const char* table;
    std::string line;
  } cases[] = {
      {"naaccr-items.tsv", std::string("x\t1\tf\tcopy\t1\t250\ts\0\t\t\t\n", 22)},
      {"naaccr-values.tsv", "a\tb\n"},
      {"naaccr-treatments.tsv", "f\ti\t9-1\tgiven\tc\tk\tp\ts\t\t\t\t\tsrc\t\n"},
      {"naaccr-dictionary.tsv", "x\tnot-a-number\t1\ttext\tnone\tTumor\tno\t250\tsrc\n"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.table);
    TableCopy t;
    auto line = t.append(c.table, c.line);
    std::string where = t.path(c.table) + ":" + std::to_string(line);
    try {
      if (std::string(c.table) == "naaccr-dictionary.tsv") (void)naaccr::Dictionary::load_table(t.path(c.table));
      else (void)naaccr::load_tables(t.dir());
      ADD_FAILURE() << "no ConfigError";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(where), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace netconv
