#include "core/json_writer.hpp"

#include <gtest/gtest.h>

#include <cstdio>

#include <nlohmann/json.hpp>

namespace netconv {

TEST(JsonWriter, NestedStructureParsesBack) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().member("a", "x\"y\\z\n").key("b").begin_array().string("1").raw_number("2.50").boolean(true)
      .begin_object().end_object().end_array().member_number("c", "0").end_object();
  EXPECT_EQ(out, R"({"a":"x\"y\\z\n","b":["1",2.50,true,{}],"c":0})");
  auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["a"], "x\"y\\z\n");
}

TEST(JsonWriter, ControlCharactersAreEscaped) {
  std::string out;
  append_json_string(out, std::string("a\x01\x1f" "b", 4));
  EXPECT_EQ(out, "\"a\\u0001\\u001fb\"");
}

TEST(JsonWriter, Utf8PassesThrough) {
  std::string out;
  append_json_string(out, "Dignität");
  EXPECT_EQ(out, "\"Dignität\"");
}

// The scan for bytes to escape runs 16 bytes at a time: an escape in any position of a long
// string, and the bytes around the control range (0x1f, 0x20, 0x7f, 0x80, 0xff), must come out
// as the byte-by-byte rule says.
TEST(JsonWriter, EscapesAtEveryPositionOfLongStrings) {
  auto reference = [](std::string_view v) {
    std::string r = "\"";
    for (unsigned char c : v) {
      if (c == '"') r += "\\\"";
      else if (c == '\\') r += "\\\\";
      else if (c == '\n') r += "\\n";
      else if (c == '\r') r += "\\r";
      else if (c == '\t') r += "\\t";
      else if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        r += buf;
      } else r += static_cast<char>(c);
    }
    return r + "\"";
  };
  for (std::size_t len : {0, 1, 15, 16, 17, 31, 32, 33, 70}) {
    std::string plain;
    for (std::size_t i = 0; i < len; ++i) plain += static_cast<char>("\x20\x7f\x80\xff" "aZ~"[i % 7]);
    std::string out;
    append_json_string(out, plain);
    EXPECT_EQ(out, reference(plain)) << len;
    for (std::size_t at = 0; at < len; ++at)
      for (char special : {'"', '\\', '\n', '\x01', '\x1f', '\0'}) {
        std::string v = plain;
        v[at] = special;
        out.clear();
        append_json_string(out, v);
        EXPECT_EQ(out, reference(v)) << len << " " << at << " " << int(special);
      }
  }
}

// Nesting deeper than the writer's 64 inline levels: each level is [1,<inner>,2].
TEST(JsonWriter, DeepNestingKeepsCommas) {
  std::string out, expected;
  JsonWriter w(out);
  for (int i = 0; i < 70; ++i) w.begin_array().raw_number("1");
  for (int i = 0; i < 70; ++i) w.raw_number("2").end_array();
  for (int i = 0; i < 70; ++i) expected += "[1,";
  for (int i = 0; i < 70; ++i) expected += i == 0 ? "2]" : ",2]";
  EXPECT_EQ(out, expected);
  EXPECT_TRUE(nlohmann::json::parse(out).is_array());
}

}  // namespace netconv
