#include <gtest/gtest.h>

#include <sstream>

#include "readers/reader.hpp"

namespace netconv {
namespace {

std::vector<SourceRecord> read_ndjson(const std::string& text, CollectingSink& diags) {
  std::istringstream in(text);
  ReaderConfig cfg{"t.ndjson", nullptr};
  cfg.max_record_bytes = 4096;
  auto reader = make_ndjson_reader(in, cfg, diags);
  std::vector<SourceRecord> out;
  SourceRecord rec;
  while (reader->next(rec)) out.push_back(rec);
  return out;
}

}  // namespace

TEST(NdjsonReader, ArraysNumbersAndStrings) {
  CollectingSink d;
  auto r = read_ndjson(R"({"patient_id":"P1","ki67_percent":12.5,"symptoms":["flushing","diarrhea"],"grade":null})" "\n", d);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].problems.empty());
  EXPECT_EQ(r[0].get("ki67_percent")->value, "12.5");
  EXPECT_TRUE(r[0].get("symptoms")->is_list);
  EXPECT_EQ(r[0].get("symptoms")->items.size(), 2u);
  EXPECT_EQ(r[0].get("grade")->value, "");
}

struct JsonBroken {
  const char* name;
  std::string line;
  const char* code;
};

TEST(NdjsonReader, BrokenLinesAreRejectedWithCodes) {
  const JsonBroken cases[] = {
      {"malformed", R"({"patient_id":"P1",)", "NC-JSON-003"},
      {"not an object", R"(["P1"])", "NC-JSON-004"},
      {"duplicate key", R"({"patient_id":"P1","patient_id":"P2"})", "NC-JSON-006"},
      {"deep nesting", std::string(100, '[') + std::string(100, ']'), "NC-JSON-002"},
      {"object for scalar", R"({"patient_id":{"a":1}})", "NC-JSON-008"},
      {"bool for scalar", R"({"sex":true})", "NC-JSON-008"},
      {"non-string list item", R"({"symptoms":[1]})", "NC-JSON-008"},
      {"huge number", R"({"ki67_percent":1e308})", "NC-JSON-007"},
      {"invalid UTF-8", "{\"patient_id\":\"\xff\"}", "NC-JSON-001"},
      {"too long", "{\"patient_id\":\"" + std::string(10000, 'x') + "\"}", "NC-JSON-005"},
  };
  for (const auto& c : cases) {
    CollectingSink d;
    auto r = read_ndjson(c.line + "\n{\"patient_id\":\"OK\"}\n", d);
    ASSERT_EQ(r.size(), 2u) << c.name;
    ASSERT_FALSE(r[0].problems.empty()) << c.name;
    EXPECT_EQ(r[0].problems[0].code, c.code) << c.name;
    EXPECT_TRUE(r[1].problems.empty()) << c.name << ": the next line still reads";
    EXPECT_EQ(r[1].location.line, 2u);
  }
}

TEST(NdjsonReader, BlankLinesSkippedAndCounted) {
  CollectingSink d;
  auto r = read_ndjson("\n{\"patient_id\":\"P1\"}\r\n\n{\"patient_id\":\"P2\"}", d);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].location.line, 2u);
  EXPECT_EQ(r[1].location.line, 4u);
}

}  // namespace netconv
