#include "core/json_writer.hpp"

#include <gtest/gtest.h>

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

}  // namespace netconv
