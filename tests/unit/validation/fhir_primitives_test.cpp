#include "validation/fhir_primitives.hpp"

#include <gtest/gtest.h>

#include "validation/json_locate.hpp"

using namespace netconv::fhir;

TEST(FhirPrimitives, DatesAreRealCalendarDays) {
  EXPECT_TRUE(valid_date("2021"));
  EXPECT_TRUE(valid_date("2021-02"));
  EXPECT_TRUE(valid_date("2021-02-28"));
  EXPECT_TRUE(valid_date("2020-02-29"));
  EXPECT_FALSE(valid_date("2021-02-29"));
  EXPECT_FALSE(valid_date("2021-02-30"));
  EXPECT_FALSE(valid_date("1900-02-29"));
  EXPECT_TRUE(valid_date("2000-02-29"));
  EXPECT_FALSE(valid_date("2021-13-01"));
  EXPECT_FALSE(valid_date("2021-00"));
  EXPECT_FALSE(valid_date("0000"));
  EXPECT_FALSE(valid_date("21-02-01"));
  EXPECT_FALSE(valid_date("2021/02/01"));
  EXPECT_FALSE(valid_date("2021-02-01T10:00:00Z"));
  EXPECT_FALSE(valid_date(""));
}

TEST(FhirPrimitives, DateTimeNeedsZoneWhenTimed) {
  EXPECT_TRUE(valid_date_time("2019"));
  EXPECT_TRUE(valid_date_time("2019-06"));
  EXPECT_TRUE(valid_date_time("2019-06-11"));
  EXPECT_TRUE(valid_date_time("2019-06-11T10:30:00Z"));
  EXPECT_TRUE(valid_date_time("2019-06-11T10:30:00.123+02:00"));
  EXPECT_FALSE(valid_date_time("2019-06-11T10:30:00"));
  EXPECT_FALSE(valid_date_time("2019-06-11T10:30Z"));
  EXPECT_FALSE(valid_date_time("2019-06-11T24:00:00Z"));
  EXPECT_FALSE(valid_date_time("2019-06T10:30:00Z"));
  EXPECT_FALSE(valid_date_time("2012-09-25T11:30:+0500"));
  EXPECT_FALSE(valid_date_time("2019-06-31"));
  EXPECT_TRUE(valid_instant("2019-06-11T10:30:00Z"));
  EXPECT_FALSE(valid_instant("2019-06-11"));
  EXPECT_TRUE(valid_time("10:30:00"));
  EXPECT_FALSE(valid_time("10:30"));
}

// id ([A-Za-z0-9\-\.]{1,64}) and uri (no whitespace) are scanned through a byte class table:
// every byte value, at the start, middle and end of an id and of a uri.
TEST(FhirPrimitives, EveryByteInIdsAndUris) {
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    const bool id_char = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    const bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n';
    for (const std::string& s : {std::string(1, c) + "abc", "ab" + std::string(1, c) + "cd", "abcdefghijklmnopq" + std::string(1, c)}) {
      EXPECT_EQ(check_string_primitive(Prim::id, s) == nullptr, id_char) << "byte " << b << " in id " << s;
      EXPECT_EQ(check_string_primitive(Prim::uri, "http://x/" + s) == nullptr, !space) << "byte " << b << " in a uri";
    }
  }
  EXPECT_EQ(check_string_primitive(Prim::id, std::string(64, 'a')), nullptr);
  EXPECT_NE(check_string_primitive(Prim::id, ""), nullptr);
}

TEST(FhirPrimitives, StringForms) {
  EXPECT_EQ(check_string_primitive(Prim::id, "abc-1.2"), nullptr);
  EXPECT_NE(check_string_primitive(Prim::id, "pat_1"), nullptr);
  EXPECT_NE(check_string_primitive(Prim::id, std::string(65, 'a')), nullptr);
  EXPECT_EQ(check_string_primitive(Prim::code, "problem-list-item"), nullptr);
  EXPECT_EQ(check_string_primitive(Prim::code, "a b"), nullptr);
  EXPECT_NE(check_string_primitive(Prim::code, " a"), nullptr);
  EXPECT_NE(check_string_primitive(Prim::code, "a  b"), nullptr);
  EXPECT_NE(check_string_primitive(Prim::string, ""), nullptr);
  EXPECT_NE(check_string_primitive(Prim::uri, "http://x y"), nullptr);
  EXPECT_EQ(check_string_primitive(Prim::oid, "urn:oid:2.16.840.1.113883.6.96"), nullptr);
  EXPECT_NE(check_string_primitive(Prim::oid, "2.16.840"), nullptr);
  EXPECT_EQ(check_string_primitive(Prim::uuid, "urn:uuid:0f2b4a64-7f3e-4d55-9c1e-6a1c2b3d4e51"), nullptr);
  EXPECT_NE(check_string_primitive(Prim::uuid, "urn:uuid:0f2b4a64"), nullptr);
  EXPECT_EQ(check_string_primitive(Prim::base64Binary, "aGVsbG8="), nullptr);
  EXPECT_NE(check_string_primitive(Prim::base64Binary, "aGVsbG8"), nullptr);
}

TEST(FhirPrimitives, Numbers) {
  EXPECT_EQ(check_number_primitive(Prim::integer, true, true, -5), nullptr);
  EXPECT_NE(check_number_primitive(Prim::integer, false, false, 1.5), nullptr);
  EXPECT_NE(check_number_primitive(Prim::positiveInt, true, false, 0), nullptr);
  EXPECT_EQ(check_number_primitive(Prim::unsignedInt, true, false, 0), nullptr);
  EXPECT_NE(check_number_primitive(Prim::unsignedInt, true, true, -1), nullptr);
  EXPECT_NE(check_number_primitive(Prim::integer, true, false, 3e9), nullptr);
}

TEST(JsonLocate, FindsLineOfPath) {
  std::string text = "{\n  \"resourceType\": \"Condition\",\n  \"code\": {\n    \"coding\": [\n      {\"system\": \"a\"},\n"
                     "      {\n        \"system\": \"b\"\n      }\n    ]\n  }\n}\n";
  EXPECT_EQ(locate_json_path(text, "Condition.code"), 3u);
  EXPECT_EQ(locate_json_path(text, "Condition.code.coding[0].system"), 5u);
  EXPECT_EQ(locate_json_path(text, "Condition.code.coding[1].system"), 7u);
  EXPECT_EQ(locate_json_path(text, "Condition.subject"), 1u);  // missing: the deepest step found
  EXPECT_EQ(locate_json_path("not json", "Condition.code"), 0u);
}

// The indexed locator (linear in a Bundle's entries) gives locate_json_path's answer for every
// path: indexed first steps, nested indexes, out-of-range indexes, missing members, non-arrays.
TEST(JsonLocate, LocatorAgreesWithThePathSearch) {
  std::string text = "{\n \"resourceType\": \"Bundle\",\n \"type\": \"collection\",\n \"entry\": [\n";
  for (int k = 0; k < 40; ++k)
    text += std::string(k ? ",\n" : "") + "  {\"fullUrl\": \"u" + std::to_string(k) + "\",\n   \"resource\": {\"resourceType\": \"Patient\",\n" +
            "    \"name\": [[1, 2], {\"given\": [\"a\",\n \"b\"]}]}}";
  text += "\n ],\n \"signature\": {\"who\": 1}\n}\n";
  std::vector<std::string> paths = {"Bundle", "Bundle.type", "Bundle.signature.who", "Bundle.missing[2].x",
                                    "Bundle.type[0]", "Bundle.entry[40].resource", "Bundle.entry[999]"};
  for (int k = 0; k < 40; k += 3)
    for (std::string tail : {"", ".resource", ".resource.name[1].given[1]", ".resource.name[0][1]", ".resource.nope", ".fullUrl"})
      paths.push_back("Bundle.entry[" + std::to_string(k) + "]" + tail);
  JsonLocator where(text);
  for (const auto& p : paths) EXPECT_EQ(where.line_of(p), locate_json_path(text, p)) << p;
  EXPECT_EQ(where.line_of("Bundle.entry[39].resource.name[1].given[1]"), 5u + 39 * 4 + 3);  // four lines per entry from line 5; "b" on its fourth
  JsonLocator broken("not json");
  EXPECT_EQ(broken.line_of("Bundle.entry[0]"), 0u);
}

// R4 string (and code, markdown): no character below U+0020 except tab, CR, LF.
TEST(FhirPrimitives, StringsRefuseControlCharacters) {
  for (Prim p : {Prim::string, Prim::markdown, Prim::code}) {
    EXPECT_NE(check_string_primitive(p, std::string_view("CTL\x01" "A", 5)), nullptr) << prim_name(p);
    EXPECT_NE(check_string_primitive(p, std::string_view("NUL\0", 4)), nullptr) << prim_name(p);
    EXPECT_NE(check_string_primitive(p, "a\x1b" "b"), nullptr) << prim_name(p);
    EXPECT_NE(check_string_primitive(p, "a\x1f"), nullptr) << prim_name(p);
    EXPECT_EQ(check_string_primitive(p, "a\x7f b\xc3\xa9"), nullptr) << prim_name(p);  // DEL and UTF-8 are allowed
  }
  EXPECT_EQ(check_string_primitive(Prim::string, "tab\there\r\nline"), nullptr);
  EXPECT_NE(check_string_primitive(Prim::code, "a\tb"), nullptr);  // code: single spaces only
  EXPECT_NE(check_string_primitive(Prim::id, "a\x01"), nullptr);
}
