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

namespace netconv {
namespace {

// find_control_char skips plain ASCII eight bytes at a time: every control character is found at
// its own offset wherever it falls in or across those words, and nothing else is.
TEST(Text, FindControlCharAtEveryOffset) {
  const std::vector<std::string> controls = {std::string(1, '\0'), "\x01", "\t", "\n", "\r", "\x1f", "\x7f", "\xc2\x80", "\xc2\x9f"};
  const std::vector<std::string> fine = {" ", "~", "\xc2\xa0", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
  for (std::size_t len = 0; len < 20; ++len) {
    for (std::size_t at = 0; at <= len; ++at) {
      for (const auto& c : controls) {
        std::string s = std::string(at, 'a') + c + std::string(len - at, 'b');
        EXPECT_EQ(find_control_char(s), at) << "control " << static_cast<int>(static_cast<unsigned char>(c[0])) << " at " << at;
      }
      for (const auto& f : fine) {
        std::string s = std::string(at, 'a') + f + std::string(len - at, 'b');
        EXPECT_EQ(find_control_char(s), std::string_view::npos) << "byte " << static_cast<int>(static_cast<unsigned char>(f[0])) << " at " << at;
      }
    }
  }
}

}  // namespace
}  // namespace netconv
