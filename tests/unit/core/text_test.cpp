#include "core/text.hpp"

#include <gtest/gtest.h>

namespace netconv {

TEST(Utf8, ValidAndInvalidSequences) {
  struct Case { std::string text; std::size_t bad; };
  const Case cases[] = {
      {"plain", std::string::npos},
      {"Dignit\xc3\xa4t", std::string::npos},
      {"\xe2\x82\xac euro", std::string::npos},
      {"\xf0\x9f\x98\x80", std::string::npos},
      {"ab\xc3", 2},                 // truncated
      {"\xc0\xaf", 0},               // overlong '/'
      {"x\xed\xa0\x80", 1},          // surrogate
      {"\xf4\x90\x80\x80", 0},       // past U+10FFFF
      {"\xff", 0},
      {"a\x80", 1},                  // lone continuation byte
  };
  for (const auto& c : cases) EXPECT_EQ(find_invalid_utf8(c.text), c.bad) << c.text;
}

TEST(Text, SplitKeepsEmptyItems) {
  EXPECT_EQ(split("a||b", '|'), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(split("", '|'), (std::vector<std::string>{""}));
  EXPECT_EQ(trim("  x \t"), "x");
  EXPECT_EQ(to_lower("MEN1"), "men1");
}

}  // namespace netconv
