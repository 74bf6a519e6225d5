// Hostile and broken CSV and NDJSON (issue G, docs/security.md). A broken row is rejected with its
// line and the rows after it are still read when the framing allows; file-level breakage stops the
// file with a located diagnostic; huge inputs are never held whole.
#include <gtest/gtest.h>

#include "support/records.hpp"

#include "hostile_input_util.hpp"

namespace netconv {
namespace {

using hostile::Format;

using test_support::field_value;
const Diagnostic* problem(const SourceRecord& r) { return r.problems.empty() ? nullptr : &r.problems.front(); }

// ---- CSV ----

TEST(SecurityCsv, UnterminatedQuoteAtEndOfFile) {
  auto r = hostile::read(Format::csv, "patient_id,sex\nP1,F\nP2,\"M\nP3,F\n");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_TRUE(r.records[0].problems.empty());
  ASSERT_NE(problem(r.records[1]), nullptr);
  EXPECT_EQ(problem(r.records[1])->code, "NC-CSV-004");
  EXPECT_EQ(r.records[1].location.line, 3u);
  // regression csv-framing-errors-located-after-the-record: the quote was reported at the end of the file
  EXPECT_EQ(problem(r.records[1])->location.line, 3u);
  EXPECT_EQ(problem(r.records[1])->location.column, 4u);
}

TEST(SecurityCsv, HundredMegabyteFieldIsRejectedAndTheNextRowRead) {
  hostile::GeneratedBuf buf("patient_id,sex\nP1,", 'x', 100u << 20, "\nP2,M\n");
  std::istream in(&buf);
  long before = hostile::peak_rss_mib();
  auto r = hostile::read(Format::csv, in);
  EXPECT_LT(hostile::peak_rss_mib() - before, 64) << "MiB grown while reading a 100 MiB field";
  ASSERT_EQ(r.records.size(), 2u);
  ASSERT_NE(problem(r.records[0]), nullptr);
  EXPECT_EQ(problem(r.records[0])->code, "NC-CSV-007");
  EXPECT_EQ(r.records[0].location.line, 2u);
  EXPECT_EQ(problem(r.records[0])->location.line, 2u) << "located on the record, not the line after it";
  EXPECT_TRUE(r.records[1].problems.empty());
  EXPECT_EQ(field_value(r.records[1], "sex"), "M");
  EXPECT_EQ(r.records[1].location.line, 3u);
}

TEST(SecurityCsv, NulBytesRejectTheRow) {
  auto r = hostile::read(Format::csv, std::string("patient_id,sex\nP1,F\0X\nP2,M\n", 26));
  ASSERT_EQ(r.records.size(), 2u);
  ASSERT_NE(problem(r.records[0]), nullptr);
  EXPECT_EQ(problem(r.records[0])->code, "NC-CSV-005");
  EXPECT_EQ(problem(r.records[0])->location.line, 2u);
  EXPECT_TRUE(r.records[1].problems.empty());
}

TEST(SecurityCsv, NulByteInHeaderStopsTheFile) {
  auto r = hostile::read(Format::csv, std::string("patient_id,s\0ex\nP1,F\n", 21));
  EXPECT_TRUE(r.failed);
  EXPECT_TRUE(r.has("NC-CSV-005"));
}

TEST(SecurityCsv, InvalidUtf8RejectsTheRowByField) {
  auto r = hostile::read(Format::csv, "patient_id,sex\nP1,\xC3\x28\nP2,\xED\xA0\x80\nP3,\xC0\xAF\nP4,F\n");
  ASSERT_EQ(r.records.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    ASSERT_NE(problem(r.records[i]), nullptr) << i;
    EXPECT_EQ(problem(r.records[i])->code, "NC-CSV-003");
    EXPECT_EQ(problem(r.records[i])->location.field, "sex");
    EXPECT_EQ(problem(r.records[i])->location.line, static_cast<std::uint64_t>(i + 2));
  }
  EXPECT_TRUE(r.records[3].problems.empty());
}

TEST(SecurityCsv, MixedLineEndingsKeepLinesRight) {
  auto r = hostile::read(Format::csv, "patient_id,sex\r\nP1,F\rP2,M\nP3,F\r\n\"P4\",\"a\r\nb\"\nP5,M");
  ASSERT_EQ(r.records.size(), 5u);
  EXPECT_EQ(field_value(r.records[1], "patient_id"), "P2");
  EXPECT_EQ(r.records[1].location.line, 3u);
  EXPECT_EQ(r.records[2].location.line, 4u);
  EXPECT_EQ(field_value(r.records[3], "sex"), "a\r\nb");
  EXPECT_EQ(field_value(r.records[4], "patient_id"), "P5");
  EXPECT_EQ(r.records[4].location.line, 7u);
  for (const auto& rec : r.records) EXPECT_TRUE(rec.problems.empty());
}

TEST(SecurityCsv, DuplicateHeaderNamesStopTheFile) {
  auto r = hostile::read(Format::csv, "patient_id,sex,sex\nP1,F,M\n");
  EXPECT_TRUE(r.failed);
  EXPECT_TRUE(r.records.empty());
  EXPECT_TRUE(r.has("NC-CSV-008"));
  EXPECT_EQ(r.sink.items.back().location.line, 1u) << "regression csv-header-errors-located-on-line-2";
}

TEST(SecurityCsv, TooManyAndTooFewFieldsRejectTheRowOnly) {
  auto r = hostile::read(Format::csv, "patient_id,sex,grade\nP1,F\nP2,M,G1,extra\nP3,F,G2\n");
  ASSERT_EQ(r.records.size(), 3u);
  for (int i = 0; i < 2; ++i) {
    ASSERT_NE(problem(r.records[i]), nullptr);
    EXPECT_EQ(problem(r.records[i])->code, "NC-CSV-011");
    EXPECT_EQ(problem(r.records[i])->location.line, static_cast<std::uint64_t>(i + 2));
  }
  EXPECT_TRUE(r.records[2].problems.empty());
}

TEST(SecurityCsv, EmptyFile) {
  auto r = hostile::read(Format::csv, "");
  EXPECT_TRUE(r.failed);
  EXPECT_TRUE(r.has("NC-CSV-002"));
}

TEST(SecurityCsv, HeaderOnlyIsNoRecordsAndNoError) {
  for (const char* text : {"patient_id,sex\n", "patient_id,sex"}) {
    auto r = hostile::read(Format::csv, text);
    EXPECT_FALSE(r.failed);
    EXPECT_TRUE(r.records.empty());
    EXPECT_TRUE(r.sink.items.empty());
  }
}

TEST(SecurityCsv, Utf16FileStopsAtTheHeader) {
  std::string utf16 = "\xFF\xFE";
  for (char c : std::string("patient_id,sex\nP1,F\n")) {
    utf16 += c;
    utf16 += '\0';
  }
  auto r = hostile::read(Format::csv, utf16);
  EXPECT_TRUE(r.failed);
  EXPECT_TRUE(r.records.empty());
  ASSERT_EQ(r.sink.items.size(), 1u) << r.all_text();
  EXPECT_EQ(r.sink.items[0].code, "NC-CSV-005");
  EXPECT_EQ(r.sink.items[0].location.line, 1u);
}

// ---- NDJSON ----

TEST(SecurityJson, DeepNestingIsRejectedAndTheNextLineRead) {
  std::string deep = "{\"patient_id\":\"P1\",\"sex\":" + std::string(100000, '[') + std::string(100000, ']') + "}\n";
  long before = hostile::peak_rss_mib();
  auto r = hostile::read(Format::ndjson, deep + "{\"patient_id\":\"P2\",\"sex\":\"M\"}\n");
  EXPECT_LT(hostile::peak_rss_mib() - before, 64);
  ASSERT_EQ(r.records.size(), 2u);
  ASSERT_NE(problem(r.records[0]), nullptr);
  EXPECT_EQ(problem(r.records[0])->code, "NC-JSON-002");
  EXPECT_TRUE(r.records[1].problems.empty());
  EXPECT_EQ(r.records[1].location.line, 2u);
}

TEST(SecurityJson, HugeNumbersAreRejectedNotThrown) {
  // regression ndjson-number-overflow-aborted-the-run: 1e999 threw json out_of_range 406, which
  // ended the whole run as an internal error (exit 3) and printed the number
  auto r = hostile::read(Format::ndjson,
                         "{\"patient_id\":\"P1\",\"ki67_percent\":1e999}\n"
                         "{\"patient_id\":\"P2\",\"ki67_percent\":-1e400}\n"
                         "{\"patient_id\":\"P3\",\"ki67_percent\":123456789012345678901234567890}\n"
                         "{\"patient_id\":\"P4\",\"ki67_percent\":18446744073709551616}\n"
                         "{\"patient_id\":\"P5\",\"ki67_percent\":7.5}\n");
  ASSERT_EQ(r.records.size(), 5u);
  for (int i = 0; i < 4; ++i) {
    ASSERT_NE(problem(r.records[i]), nullptr) << i;
    EXPECT_EQ(problem(r.records[i])->code, "NC-JSON-007") << i;
    EXPECT_EQ(problem(r.records[i])->location.line, static_cast<std::uint64_t>(i + 1));
  }
  EXPECT_TRUE(r.records[4].problems.empty());
  EXPECT_EQ(r.all_text().find("1e999"), std::string::npos);
}

TEST(SecurityJson, DuplicateKeysAreRejected) {
  auto r = hostile::read(Format::ndjson, "{\"patient_id\":\"P1\",\"patient_id\":\"P2\"}\n{\"patient_id\":\"P3\"}\n");
  ASSERT_EQ(r.records.size(), 2u);
  ASSERT_NE(problem(r.records[0]), nullptr);
  EXPECT_EQ(problem(r.records[0])->code, "NC-JSON-006");
  EXPECT_TRUE(r.records[1].problems.empty());
}

TEST(SecurityJson, WrongTypesPerFieldAreRejectedWithTheField) {
  struct Case {
    const char* line;
    const char* field;
  } cases[] = {
      {"{\"patient_id\":true}", "patient_id"},
      {"{\"patient_id\":\"P1\",\"sex\":{\"a\":1}}", "sex"},
      {"{\"patient_id\":\"P1\",\"sex\":[\"F\"]}", "sex"},
      {"{\"patient_id\":\"P1\",\"symptoms\":[1,2]}", "symptoms"},
      {"{\"patient_id\":\"P1\",\"symptoms\":[[\"flushing\"]]}", "symptoms"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.line);
    auto r = hostile::read(Format::ndjson, std::string(c.line) + "\n");
    ASSERT_EQ(r.records.size(), 1u);
    ASSERT_NE(problem(r.records[0]), nullptr);
    EXPECT_EQ(problem(r.records[0])->code, "NC-JSON-008");
    EXPECT_EQ(problem(r.records[0])->location.field, c.field);
  }
  for (const char* line : {"[1,2]", "\"text\"", "42", "null"}) {
    auto r = hostile::read(Format::ndjson, std::string(line) + "\n");
    ASSERT_EQ(r.records.size(), 1u);
    ASSERT_NE(problem(r.records[0]), nullptr);
    EXPECT_EQ(problem(r.records[0])->code, "NC-JSON-004") << line;
  }
}

TEST(SecurityJson, HundredMegabyteLineIsRejectedNotHeld) {
  hostile::GeneratedBuf buf("{\"patient_id\":\"", 'x', 100u << 20, "\"}\n{\"patient_id\":\"P2\"}\n");
  std::istream in(&buf);
  long before = hostile::peak_rss_mib();
  auto r = hostile::read(Format::ndjson, in);
  EXPECT_LT(hostile::peak_rss_mib() - before, 64);
  ASSERT_EQ(r.records.size(), 2u);
  ASSERT_NE(problem(r.records[0]), nullptr);
  EXPECT_EQ(problem(r.records[0])->code, "NC-JSON-005");
  EXPECT_TRUE(r.records[1].problems.empty());
}

TEST(SecurityJson, InvalidUtf8AndTruncatedLines) {
  auto r = hostile::read(Format::ndjson, "{\"patient_id\":\"M\xFCller\"}\n{\"patient_id\":\"P2\"\n{\"patient_id\":\"P3\"}");
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(problem(r.records[0])->code, "NC-JSON-001");
  EXPECT_EQ(problem(r.records[1])->code, "NC-JSON-003");
  EXPECT_TRUE(r.records[2].problems.empty()) << "a last line without a newline is read";
}

}  // namespace
}  // namespace netconv
