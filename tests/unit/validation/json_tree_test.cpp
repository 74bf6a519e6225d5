// The validator's JSON tree: what it accepts and rejects (as RFC 8259 and nlohmann/json do, so
// `netconv validate` keeps its verdicts), where it says the error is, and what it keeps.
#include "validation/json_tree.hpp"
#include "support/param_names.hpp"

#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

namespace {

using netconv::fhir::JsonNode;
using netconv::fhir::JsonParseError;
using netconv::fhir::JsonTree;
using netconv::fhir::JsonType;

struct Malformed {
  const char* name;
  std::string text;
  std::size_t byte;  // where the error is reported
};
NETCONV_PRINT_CASE_AS_NAME(Malformed)

class JsonTreeRejects : public ::testing::TestWithParam<Malformed> {};

TEST_P(JsonTreeRejects, WithItsPosition) {
  const auto& c = GetParam();
  JsonTree t;
  JsonParseError e;
  EXPECT_FALSE(t.parse(c.text, &e)) << c.name;
  EXPECT_EQ(e.byte, c.byte) << c.name << ": " << e.what;
  EXPECT_FALSE(nlohmann::json::accept(c.text)) << c.name << ": nlohmann/json accepts it, the tree must too";
}

INSTANTIATE_TEST_SUITE_P(
    Cases, JsonTreeRejects,
    ::testing::Values(Malformed{"empty", "", 0}, Malformed{"blank", "  \n", 3}, Malformed{"unterminated_object", R"({"a":1)", 6},
                      Malformed{"trailing_comma_object", R"({"a":1,})", 7}, Malformed{"trailing_comma_array", "[1,]", 3},
                      Malformed{"missing_colon", R"({"a" 1})", 5}, Malformed{"unquoted_key", "{a:1}", 1},
                      Malformed{"single_quotes", "['a']", 1}, Malformed{"leading_zero", "[01]", 2},
                      Malformed{"bare_minus", "[-]", 2}, Malformed{"dot_without_digits", "[1.]", 3},
                      Malformed{"exponent_without_digits", "[1e]", 3}, Malformed{"overflow", "[1e999]", 1},
                      Malformed{"huge_integer_literal", "[" + std::string(400, '9') + "]", 1},
                      Malformed{"bad_literal", "[tru]", 1}, Malformed{"two_values", "{} {}", 3},
                      Malformed{"control_character", "[\"a\tb\"]", 3}, Malformed{"bad_escape", R"(["\x"])", 3},
                      Malformed{"short_unicode_escape", R"(["\u12"])", 6}, Malformed{"lone_high_surrogate", R"(["\ud800"])", 8},
                      Malformed{"lone_low_surrogate", R"(["\udc00"])", 8},
                      Malformed{"invalid_utf8_byte", "[\"a\xFF\"]", 3}, Malformed{"overlong_utf8", "[\"\xC0\xAF\"]", 2},
                      Malformed{"utf8_surrogate", "[\"\xED\xA0\x80\"]", 2}, Malformed{"truncated_utf8", "[\"\xE2\x82\"]", 2},
                      Malformed{"unterminated_string", "[\"abc", 5}),
    netconv::test_support::CaseName{});

TEST(JsonTree, NestingIsLimitedNotRecursive) {
  JsonTree t;
  JsonParseError e;
  std::string deep(JsonTree::kMaxDepth + 1, '[');
  EXPECT_FALSE(t.parse(deep + std::string(JsonTree::kMaxDepth + 1, ']'), &e));
  EXPECT_STREQ(e.what, "nesting too deep");
  std::string ok(JsonTree::kMaxDepth, '[');
  EXPECT_TRUE(t.parse(ok + std::string(JsonTree::kMaxDepth, ']')));
  std::string hostile(1'000'000, '[');  // answered quickly, without a stack overflow
  EXPECT_FALSE(t.parse(hostile, &e));
}

TEST(JsonTree, KeepsDocumentOrderDuplicatesAndTypes) {
  JsonTree t;
  ASSERT_TRUE(t.parse(R"({"z":1,"a":[true,false,null],"z":"x","n":-1.5e2,"o":{}})"));
  const JsonNode& r = t.root();
  ASSERT_TRUE(r.is_object());
  EXPECT_EQ(r.size(), 5u);
  std::string keys;
  for (const auto& m : r) keys += std::string(m.key()) + ",";
  EXPECT_EQ(keys, "z,a,z,n,o,");
  EXPECT_EQ(r.find("z")->number(), 1);  // the first of duplicates
  EXPECT_TRUE(r.find("z")->is_number_integer());
  const JsonNode* a = r.find("a");
  ASSERT_TRUE(a && a->is_array());
  EXPECT_EQ(a->size(), 3u);
  EXPECT_TRUE(a->at(0)->boolean());
  EXPECT_FALSE(a->at(1)->boolean());
  EXPECT_TRUE(a->at(2)->is_null());
  EXPECT_EQ(a->at(3), nullptr);
  EXPECT_EQ(r.find("n")->number(), -150);
  EXPECT_FALSE(r.find("n")->is_number_integer());
  EXPECT_TRUE(r.find("o")->is_object() && r.find("o")->empty());
  EXPECT_EQ(r.find("missing"), nullptr);
  EXPECT_EQ(r.string_member("z"), "");  // first "z" is a number
}

TEST(JsonTree, DecodesEscapesAndKeepsEarlierStringsValid) {
  JsonTree t;
  ASSERT_TRUE(t.parse(R"(["a\"b","\u00e9\n","\ud83d\ude00","plain","\/x"])"));
  const JsonNode& r = t.root();
  EXPECT_EQ(r.at(0)->str(), "a\"b");
  EXPECT_EQ(r.at(1)->str(), "\xC3\xA9\n");
  EXPECT_EQ(r.at(2)->str(), "\xF0\x9F\x98\x80");
  EXPECT_EQ(r.at(3)->str(), "plain");
  EXPECT_EQ(r.at(4)->str(), "/x");
  ASSERT_TRUE(t.parse("\xEF\xBB\xBF{\"k\":\"\xE2\x82\xAC\"}"));  // byte order mark, valid UTF-8
  EXPECT_EQ(t.root().string_member("k"), "\xE2\x82\xAC");
}

TEST(JsonTree, TinyNumbersRoundToZero) {
  JsonTree t;
  ASSERT_TRUE(t.parse("[1e-999,-0.0e-400]"));
  EXPECT_EQ(t.root().at(0)->number(), 0.0);
}

TEST(JsonTree, UnderscoredLookupAndEquality) {
  JsonTree a, b;
  ASSERT_TRUE(a.parse(R"({"given":["A"],"_given":[{"id":"x"}],"c":{"s":"1","k":[1,2]}})"));
  ASSERT_TRUE(b.parse(R"({"k":[1.0,2],"s":"1"})"));
  ASSERT_NE(a.root().find_underscored("given"), nullptr);
  EXPECT_EQ(a.root().find_underscored("c"), nullptr);
  EXPECT_TRUE(netconv::fhir::json_equal(*a.root().find("c"), b.root())) << "members in any order, numbers by value";
  JsonTree c;
  ASSERT_TRUE(c.parse(R"({"k":[2,1],"s":"1"})"));
  EXPECT_FALSE(netconv::fhir::json_equal(c.root(), b.root())) << "array order matters";
  EXPECT_EQ(a.root().find("c")->dump(), R"({"s":"1","k":[1,2]})");
}

}  // namespace

namespace {

// Strings are scanned 8 bytes at a time while no byte is special: every special byte must stop
// the scan wherever it falls in a block, with the same verdict, position and value as nlohmann.
TEST(JsonTree, SpecialBytesAtEveryOffsetOfTheBlockScan) {
  struct Special {
    const char* name;
    std::string bytes;
    bool valid;
  };
  const Special specials[] = {{"quote_escape", "\\\"", true}, {"backslash_escape", "\\\\", true}, {"unicode_escape", "\\u00e9", true},
                              {"utf8_2", "\xC3\xA9", true},    {"utf8_4", "\xF0\x9F\x98\x80", true}, {"tab", "\t", false},
                              {"nul", std::string(1, '\0'), false}, {"unit_separator", "\x1F", false}, {"bad_utf8", "\xFF", false},
                              {"delete", "\x7F", true}};
  for (const auto& s : specials) {
    for (std::size_t before = 0; before < 20; ++before) {
      const std::string text = "[\"" + std::string(before, 'a') + s.bytes + std::string(19 - before, 'b') + "\"]";
      JsonTree t;
      JsonParseError e;
      const bool ok = t.parse(text, &e);
      ASSERT_EQ(ok, s.valid) << s.name << " after " << before << " bytes";
      ASSERT_EQ(ok, nlohmann::json::accept(text)) << s.name << " after " << before << " bytes";
      if (ok) {
        EXPECT_EQ(std::string(t.root().begin()->str()), nlohmann::json::parse(text)[0].get<std::string>()) << s.name << " " << before;
      } else {
        EXPECT_EQ(e.byte, 2 + before) << s.name << " after " << before << " bytes";
      }
    }
  }
}

// What the validator's result cache relies on: reading a value notes it on its node, with the
// tree's current mark (one tree's mark never marks another's reads); trees of definitions
// (parse_owned) note nothing; a moved tree keeps noting.
TEST(JsonTree, ReadsOfValuesAreNoted) {
  JsonTree t;
  ASSERT_TRUE(t.parse(R"({"a":"x","b":2,"c":true,"d":{"e":"y"}})"));
  const auto& nodes = t.nodes();
  for (const auto& n : nodes) EXPECT_EQ(n.read_marks(), 0);
  EXPECT_EQ(t.root().string_member("a"), "x");
  (void)t.root().find("b")->number();
  JsonTree other;
  ASSERT_TRUE(other.parse(R"({"z":1})"));
  {
    netconv::fhir::ReadMarkScope marks(t, 2);
    netconv::fhir::ReadMarkScope quiet(other, 0);
    (void)t.root().find("c")->boolean();
    (void)other.root().find("z")->number();
  }
  EXPECT_EQ(other.root().find("z")->read_marks(), 0);
  (void)other.root().find("z")->number();
  EXPECT_EQ(other.root().find("z")->read_marks(), 1) << "the scope restored the mark";
  JsonTree moved = std::move(other);
  {
    netconv::fhir::ReadMarkScope marks(moved, 4);
    (void)moved.root().find("z")->number();
  }
  EXPECT_EQ(moved.root().find("z")->read_marks(), 5);
  (void)t.root().find("d")->find("e");  // finding by name reads no value
  EXPECT_EQ(t.root().find("a")->read_marks(), 1);
  EXPECT_EQ(t.root().find("b")->read_marks(), 1);
  EXPECT_EQ(t.root().find("c")->read_marks(), 2);
  EXPECT_EQ(t.root().find("d")->find("e")->read_marks(), 0);
  (void)t.root().find("d")->dump();  // a dump reads every value below
  EXPECT_EQ(t.root().find("d")->find("e")->read_marks(), 1);

  JsonTree owned;
  ASSERT_TRUE(owned.parse_owned(R"({"a":"x"})"));
  EXPECT_EQ(owned.root().string_member("a"), "x");
  EXPECT_EQ(owned.root().find("a")->read_marks(), 0) << "shared definition trees must never be written to";
}

}  // namespace

namespace {

// What the result cache's byte templates rely on: where a scalar was written, and re-reading a
// scalar from another text only when a valid token of the same kind is there.
TEST(JsonTree, TokensAreLocatedAndScalarsReReadOnlyFromTokensOfTheirKind) {
  const std::string text = R"({"s":"ab","e":"a\"b","n":12,"d":1.5,"b":true})";
  JsonTree t;
  ASSERT_TRUE(t.parse(text));
  const auto& n = t.nodes();
  std::size_t begin = 0, end = 0;
  ASSERT_TRUE(n[1].token_in(text, begin, end));
  EXPECT_EQ(text.substr(begin, end - begin), R"("ab")");
  EXPECT_FALSE(n[2].token_in(text, begin, end)) << "an escaped string lives in the arena";
  ASSERT_TRUE(n[3].token_in(text, begin, end));
  EXPECT_EQ(text.substr(begin, end - begin), "12");
  EXPECT_FALSE(n[5].token_in(text, begin, end)) << "booleans are not located";

  struct Case {
    std::uint32_t node;
    std::string other;
    std::size_t end;  // npos: refused
    std::string value;
  };
  const std::size_t no = std::string::npos;
  for (const Case& c : std::vector<Case>{
           {1, R"("xyz",)", 5, "xyz"},
           {1, R"("x\u00e9y")", 10, "x\xC3\xA9y"},
           {1, R"("x)", no, ""},            // unterminated
           {1, "\"x\xC3\"", no, ""},         // invalid UTF-8
           {1, "\"a\tb\"", no, ""},          // control character
           {1, R"(12)", no, ""},             // a number where a string was
           {3, R"(-7})", 2, "-7"},
           {3, R"(7.0)", no, ""},            // a decimal where an integer was
           {3, R"(01)", 1, "0"},             // the token ends after the 0: the caller compares what follows
           {3, R"(1e999)", no, ""},          // beyond double
           {4, R"(2.5e-3,)", 6, "2.5e-3"},
           {4, R"(3)", no, ""},
           {3, R"("1")", no, ""},
       }) {
    JsonTree copy;
    ASSERT_TRUE(copy.parse(text));
    std::string arena;
    arena.reserve(c.other.size());
    EXPECT_EQ(copy.reread_scalar(c.node, c.other, 0, arena), c.end) << c.other;
    if (c.end != no) EXPECT_EQ(copy.nodes()[c.node].str(), c.value) << c.other;
  }
}

}  // namespace
