#include <gtest/gtest.h>

#include <sstream>

#include "readers/reader.hpp"
#include "support/records.hpp"

namespace netconv {
namespace {

struct ReadResult {
  std::vector<SourceRecord> records;
  CollectingSink diags;
  bool failed = false;
};

ReadResult read_csv(const std::string& text, const ColumnMap* cols = nullptr, std::size_t max_bytes = 1 << 20) {
  ReadResult r;
  std::istringstream in(text);
  ReaderConfig cfg{"t.csv", cols};
  cfg.max_record_bytes = max_bytes;
  auto reader = make_csv_reader(in, cfg, r.diags);
  SourceRecord rec;
  while (reader->next(rec)) r.records.push_back(rec);
  r.failed = reader->failed();
  return r;
}

using test_support::field_value;

}  // namespace

TEST(CsvReader, QuotesCommasAndCrlf) {
  auto r = read_csv("\xEF\xBB\xBFpatient_id,symptoms,treatments\r\n\"P1\",\"flushing|diarrhea\",\"a,b\"\r\nP2,,\"say \"\"hi\"\"\"\r\n");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(field_value(r.records[0], "patient_id"), "P1");
  EXPECT_EQ(field_value(r.records[0], "treatments"), "a,b");
  EXPECT_EQ(field_value(r.records[1], "treatments"), "say \"hi\"");
  EXPECT_TRUE(r.records[0].problems.empty());
  EXPECT_EQ(r.records[1].location.line, 3u);
}

TEST(CsvReader, QuotedNewlineKeepsLineNumbersOfLaterRows) {
  auto r = read_csv("patient_id,symptoms\nP1,\"a\nb\"\nP2,x\n");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[1].location.line, 4u);
}

TEST(CsvReader, FieldLocationsNameLineColumnAndField) {
  auto r = read_csv("patient_id,sex\nP1,F\n");
  const auto* f = r.records[0].get("sex");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->location.line, 2u);
  EXPECT_EQ(f->location.column, 4u);
  EXPECT_EQ(f->location.field, "sex");
}

struct BrokenCase {
  const char* name;
  std::string text;
  const char* code;   // expected problem code on the first record (or file-level diag)
  std::size_t records;
  bool file_failed;
};

TEST(CsvReader, BrokenInputTable) {
  const BrokenCase cases[] = {
      {"unterminated quote at EOF", "patient_id,sex\nP1,F\nP2,\"F\n", "NC-CSV-004", 2, false},
      {"NUL byte", std::string("patient_id,sex\nP1,F\0\n", 21), "NC-CSV-005", 1, false},
      {"invalid UTF-8", "patient_id,sex\nP\xff,F\n", "NC-CSV-003", 1, false},
      {"too many fields", "patient_id,sex\nP1,F,x\n", "NC-CSV-011", 1, false},
      {"too few fields", "patient_id,sex\nP1\n", "NC-CSV-011", 1, false},
      {"quote inside unquoted field", "patient_id,sex\nP\"1,F\n", "NC-CSV-006", 1, false},
      {"empty file", "", "NC-CSV-002", 0, true},
      {"duplicate header", "patient_id,sex,sex\nP1,F,F\n", "NC-CSV-008", 0, true},
      {"no patient_id", "sex\nF\n", "NC-CSV-009", 0, true},
  };
  for (const auto& c : cases) {
    auto r = read_csv(c.text);
    EXPECT_EQ(r.records.size(), c.records) << c.name;
    EXPECT_EQ(r.failed, c.file_failed) << c.name;
    bool found = false;
    for (const auto& rec : r.records)
      for (const auto& p : rec.problems) found = found || p.code == c.code;
    for (const auto& d : r.diags.items) found = found || d.code == c.code;
    EXPECT_TRUE(found) << c.name;
  }
}

TEST(CsvReader, RowsAfterABrokenRowStillRead) {
  auto r = read_csv("patient_id,sex\nP1,F,extra\nP2,M\n");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_FALSE(r.records[0].problems.empty());
  EXPECT_TRUE(r.records[1].problems.empty());
}

TEST(CsvReader, HugeFieldIsRejectedNotBuffered) {
  std::string big(5'000'000, 'x');
  auto r = read_csv("patient_id,sex\nP1," + big + "\nP2,M\n", nullptr, 1 << 16);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].problems.at(0).code, "NC-CSV-007");
  EXPECT_LE(field_value(r.records[0], "sex").size(), std::size_t(1 << 16));
  EXPECT_TRUE(r.records[1].problems.empty());
}

TEST(CsvReader, MixedLineEndings) {
  auto r = read_csv("patient_id,sex\r\nP1,F\nP2,M\rP3,F\r\n");
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(field_value(r.records[2], "patient_id"), "P3");
}

TEST(CsvReader, UnknownColumnWarnsOnceAndIsIgnored) {
  auto r = read_csv("patient_id,comment\nP1,x\nP2,y\n");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(field_value(r.records[0], "comment"), "<absent>");
  std::size_t warnings = 0;
  for (const auto& d : r.diags.items) warnings += d.code == "NC-CSV-010";
  EXPECT_EQ(warnings, 1u);
}

TEST(CsvReader, HeaderOnlyGivesNoRecords) {
  auto r = read_csv("patient_id,sex\n");
  EXPECT_TRUE(r.records.empty());
  EXPECT_FALSE(r.failed);
}

TEST(CsvReader, ColumnMapRenamesSiteHeaders) {
  ColumnMap map;
  map.renames = {{"PatientNr", "patient_id"}, {"Geschlecht", "sex"}};
  auto r = read_csv("PatientNr,Geschlecht\nP1,F\n", &map);
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(field_value(r.records[0], "sex"), "F");
}

}  // namespace netconv
