// The prefilter must never change what the definitions parse into: for every case, parsing its
// output with the loader's entry rule gives the same JSON as parsing the original with that rule.
#include "validation/bundle_prefilter.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "validation/fhir_validator.hpp"

namespace {

using nlohmann::json;
using netconv::fhir::parse_bundle_text_keeping;
const std::vector<std::string> kKeep = {"Patient", "Condition"};

// The loader's entry rule as its callback applies it (fhir_validator.cpp, without the prose rule).
json::parser_callback_t rule_keeping(const std::vector<std::string>& keep) {
  return [keep](int, json::parse_event_t event, json& parsed) {
    return event != json::parse_event_t::object_end || !netconv::fhir::is_unwanted_definition(parsed, keep);
  };
}
json parse_with_rule(const std::string& text, const std::vector<std::string>& keep) { return json::parse(text, rule_keeping(keep), false); }

std::string sd(const std::string& id, const std::string& kind = "resource", const std::string& extra = "") {
  return R"({"fullUrl":"http://hl7.org/fhir/StructureDefinition/)" + id +
         R"(","resource":{"resourceType":"StructureDefinition","id":")" + id + R"(","kind":")" + kind + "\"" + extra + "}}";
}
std::string bundle(const std::vector<std::string>& entries) {
  std::string s = "{\"resourceType\":\"Bundle\",\"id\":\"resources\",\n  \"entry\": [\n";
  for (std::size_t i = 0; i < entries.size(); ++i) s += (i ? ",\n    " : "    ") + entries[i];
  return s + "\n  ],\"type\":\"collection\"}\n";
}

struct Case {
  const char* name;
  std::string text;
  std::size_t kept_entries;  // entries left in the prefiltered text
};

std::vector<Case> cases() {
  return {
      {"drops only unwanted resource definitions",
       bundle({sd("Account"), sd("Patient"), R"({"fullUrl":"x","resource":{"resourceType":"OperationDefinition","id":"Account","kind":"operation"}})",
               sd("Condition"), sd("Zebra")}),
       3},
      {"keeps definitions of other kinds", bundle({sd("Account", "complex-type"), sd("Account", "logical")}), 2},
      {"structure characters inside strings",
       bundle({sd("Account", "resource", R"(,"description":"a } ] \" { [ , : \\","x":[1,{"y":"}"}])"), sd("Patient")}), 1},
      {"keys and values written with escapes are left to the parser",
       bundle({R"({"fullUrl":"u","resource":{"resourceType":"StructureDefinition","id":"Acc\u006funt","kind":"resource"}})",
               R"({"fullUrl":"u","resource":{"resourceType":"StructureDefinition","\u0069d":"Patient","id":"Account","kind":"resource"}})"}),
       2},
      {"repeated members are left to the parser",
       bundle({R"({"fullUrl":"u","resource":{"resourceType":"StructureDefinition","id":"Account","id":"Patient","kind":"resource"}})"}), 1},
      {"an entry without fullUrl is kept", bundle({R"({"resource":{"resourceType":"StructureDefinition","id":"Account","kind":"resource"}})"}), 1},
      {"a resource that is not an object is kept", bundle({R"({"fullUrl":"u","resource":[{"resourceType":"StructureDefinition"}]})"}), 1},
      {"a repeated resource member is left to the parser (it keeps the last)",
       bundle({R"({"fullUrl":"u","resource":{"resourceType":"StructureDefinition","id":"Account","kind":"resource"},"resource":"s"})",
               R"({"fullUrl":"u","resource":{"resourceType":"StructureDefinition","id":"Account","kind":"resource"},"reso\u0075rce":1})"}),
       2},
      {"nested objects with fullUrl inside a kept entry", bundle({sd("Patient", "resource", R"(,"contained":[)" + sd("Account") + "]")}), 1},
      {"every entry dropped", bundle({sd("Account"), sd("Basic")}), 0},
      {"no entries", bundle({}), 0},
      {"minified, numbers and literals", R"({"entry":[)" + sd("Account") + "," + sd("Patient", "resource", R"(,"n":-1.5e3,"b":true,"z":null)") + "]}", 1},
  };
}

TEST(BundlePrefilter, UnwantedDefinitionRule) {
  const json sd_entry = json::parse(sd("Account"));
  EXPECT_TRUE(netconv::fhir::is_unwanted_definition(sd_entry, kKeep));
  EXPECT_FALSE(netconv::fhir::is_unwanted_definition(json::parse(sd("Patient")), kKeep));
  EXPECT_FALSE(netconv::fhir::is_unwanted_definition(json::parse(sd("Account", "logical")), kKeep));
  EXPECT_FALSE(netconv::fhir::is_unwanted_definition(sd_entry["resource"], kKeep));  // no fullUrl
  EXPECT_FALSE(netconv::fhir::is_unwanted_definition(json::array(), kKeep));
  json numeric_id = sd_entry;
  numeric_id["resource"]["id"] = 7;
  EXPECT_THROW(netconv::fhir::is_unwanted_definition(numeric_id, kKeep), json::exception);
}

TEST(BundlePrefilter, ParsesToTheSameJsonAsTheLoadersRuleAtEveryBlockSize) {
  for (const auto& c : cases()) {
    const json expected = parse_with_rule(c.text, kKeep);
    ASSERT_FALSE(expected.is_discarded()) << c.name;
    for (std::size_t block : {std::string_view::npos, std::size_t(1), std::size_t(2), std::size_t(3), std::size_t(7), std::size_t(64)}) {
      auto got = parse_bundle_text_keeping(c.text, kKeep, rule_keeping(kKeep), block);
      ASSERT_TRUE(got) << c.name << " block " << block;
      EXPECT_EQ(*got, expected) << c.name << " block " << block;
      // what the scan itself skipped, seen through a callback that drops nothing
      auto scanned = parse_bundle_text_keeping(c.text, kKeep, nullptr, block);
      ASSERT_TRUE(scanned) << c.name;
      EXPECT_EQ(scanned->value("entry", json::array()).size(), c.kept_entries) << c.name << " block " << block;
    }
  }
}

TEST(BundlePrefilter, TextItDoesNotUnderstandIsLeftToTheParser) {
  for (const std::string text : {"", "[]", "{\"entry\":[1]}", "{\"entry\":[{}]", "{\"entry\":[{}]]}", "{\"a\":\"unterminated}",
                                 "{} {}", "{\"entry\":[],\"entry\":[]}", "{\"entry\":[\"s\"]}"})
    EXPECT_FALSE(parse_bundle_text_keeping(text, kKeep, rule_keeping(kKeep))) << text;
  EXPECT_FALSE(parse_bundle_text_keeping("{\"a\":" + std::string(600, '[') + std::string(600, ']') + "}", kKeep, rule_keeping(kKeep)));
  // invalid JSON the scan passes on is caught when its piece is parsed
  for (const std::string text : {"{\"entry\":[{\"a\":tru}]}", "{\"a\":nul,\"entry\":[]}", "{\"entry\":[{\"a\" 1}]}"})
    EXPECT_FALSE(parse_bundle_text_keeping(text, kKeep, rule_keeping(kKeep))) << text;
}

// Found by fuzz_bundle_prefilter: an invalid first entry stops the whole parse before the
// callback ever sees the second, whose resourceType is an array and makes the loader's rule throw
// (json::value on a non-string). Parsed entry by entry, the second still reached the callback.
TEST(BundlePrefilter, RegressionCallbackThrowsAfterAnInvalidEntry) {
  const std::string text =
      R"({"entry":[{"fullUrl":"u","resource":{"resourceType":"StructureDefinition","\u0cur":1}},)"
      R"({"fullUrl":"w","resource":{"resourceType":[1.5e3,true,null]}}]})";
  EXPECT_TRUE(parse_with_rule(text, kKeep).is_discarded());  // the whole parse: invalid, no throw
  std::optional<json> got;
  EXPECT_NO_THROW(got = parse_bundle_text_keeping(text, kKeep, rule_keeping(kKeep)));
  EXPECT_FALSE(got);  // left to the whole parse
  // and where the whole parse does throw, the prefilter leaves it to the whole parse too
  const std::string throwing = R"({"entry":[{"fullUrl":"w","resource":{"resourceType":"StructureDefinition","kind":"resource","id":7}}]})";
  EXPECT_THROW(parse_with_rule(throwing, kKeep), json::exception);
  EXPECT_NO_THROW(got = parse_bundle_text_keeping(throwing, kKeep, rule_keeping(kKeep)));
  EXPECT_FALSE(got);
  // a repeated member whose last value is not a string: the parser keeps the last, the rule throws
  const std::string repeated = R"({"entry":[{"fullUrl":"w","resource":{"resourceType":"StructureDefinition","kind":"resource","id":"A","kind":5}}]})";
  EXPECT_THROW(parse_with_rule(repeated, kKeep), json::exception);
  EXPECT_NO_THROW(got = parse_bundle_text_keeping(repeated, kKeep, rule_keeping(kKeep)));
  EXPECT_FALSE(got);
}

TEST(BundlePrefilter, OfficialResourceDefinitionsParseTheSame) {
  namespace fs = std::filesystem;
  const fs::path file = fs::path(netconv::resolve_fhir_packages_dir("")) / "@medplum__definitions#4.5.2/package/dist/fhir/r4/profiles-resources.json";
  if (!fs::exists(file)) GTEST_SKIP() << "FHIR packages not installed: run scripts/install-fhir-packages.sh";
  const std::vector<std::string> keep = {"Resource", "DomainResource", "Patient", "Condition", "Observation"};
  auto got = netconv::fhir::parse_bundle_keeping(file, keep, rule_keeping(keep));
  ASSERT_TRUE(got);
  std::ifstream in(file, std::ios::binary);
  const std::string whole((std::istreambuf_iterator<char>(in)), {});
  const json expected = parse_with_rule(whole, keep);
  EXPECT_EQ(*got, expected);
  std::size_t definitions = 0;
  for (const auto& e : expected["entry"])
    if (e["resource"].value("resourceType", "") == "StructureDefinition" && e["resource"].value("kind", "") == "resource") ++definitions;
  EXPECT_EQ(definitions, keep.size());
}

}  // namespace
