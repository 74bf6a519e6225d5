// The CDA shape memo may only save work: on every sample document and on thousands of variants
// of them (each attribute value or text replaced by probes, lines dropped, repeated or swapped,
// IDs repeated, xsi:types changed) a validator with the memo gives libxml2's verdict, as the same
// validator without it does. Subtrees kept byte for byte are skipped in the variants wherever
// they were not changed, so their contexts and the IDs inside them are put to the test too. The variants keep most shapes, so the memo is asked about them;
// the test also checks that it did answer many and that many variants are invalid. And the
// subset scanner accepts only what libxml2 finds well-formed.
#include "validation/cda_shape_memo.hpp"

#include <gtest/gtest.h>
#include <libxml/parser.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <unistd.h>

#include "validation/cda_validator.hpp"
#include "validation/xml_subset_scan.hpp"
#include "validation/xsd_compiled.hpp"
#include "support/files.hpp"
#include "support/param_names.hpp"

namespace netconv {
namespace {

namespace fs = std::filesystem;
const std::string kSchema = std::string(NETCONV_SOURCE_DIR) + "/schemas/cda/netconv-ccda.xsd";

using test_support::slurp;

// Every CDA document and section file the samples expect, and the valid validation fixtures.
std::vector<std::string> valid_documents() {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(NETCONV_SAMPLES_DIR))
    if (e.path().extension() == ".xml" && e.path().parent_path().parent_path().filename() == "expected") files.push_back(e.path());
  for (const auto& e : fs::directory_iterator(fs::path(NETCONV_TEST_DATA) / "validation/cda/valid"))
    if (e.path().extension() == ".xml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(slurp(f));
  return out;
}

// Where attribute values and element texts are: [begin, end) of each.
std::vector<std::pair<std::size_t, std::size_t>> value_spans(const std::string& x) {
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  for (std::size_t at = x.find("=\""); at != std::string::npos; at = x.find("=\"", at + 2)) {
    auto end = x.find('"', at + 2);
    if (end == std::string::npos) break;
    spans.emplace_back(at + 2, end);
  }
  for (std::size_t at = x.find('>'); at != std::string::npos; at = x.find('>', at + 1)) {
    auto end = x.find('<', at + 1);
    if (end == std::string::npos) break;
    auto text = x.substr(at + 1, end - at - 1);
    if (text.find_first_not_of(" \n") != std::string::npos) spans.emplace_back(at + 1, end);
  }
  return spans;
}

// Values that break (or keep) what the schema's simple types look at: patterns of OIDs, codes,
// dates and timestamps, narrative references, decimals, enumerations, lengths, xs:ID.
const std::vector<std::string> kProbes = {
    "", " ", "x", "x y", "UNK", "NI", "OTH", "ASKU", "ACT", "EVN", "completed", "active", "2021", "202103", "20210304",
    "20210230", "20211304", "2021-03-04", "202103041030+0100", "2.16.840.1.113883.6.96", "2.16..1", "02.1",
    "2.25.1", "#problem-1", "#1x", "problem-1", "1abc", "CD", "PQ", "IVL_PQ", "3.5", "-0", "1e5", ".5", "&amp;",
    "&lt;b&gt;", "\xc3\xa9t\xc3\xa9", std::string(70, '1'), " leading", "trailing ", "a\tb", "&#65;", "<", "x\"y"};

struct Outcome {
  std::size_t variants = 0, invalid = 0, disagreements = 0;
  std::string first_disagreement;
};

void compare(const CdaValidator& with_memo, const CdaValidator& without, const std::string& x, const std::string& what, Outcome& o) {
  bool plain = without.validate(x, "v.xml").empty();
  bool memo = with_memo.validate(x, "v.xml").empty();
  ++o.variants;
  o.invalid += !plain;
  if (plain != memo && o.disagreements++ == 0) o.first_disagreement = what + (plain ? ": memo says invalid" : ": memo says valid");
}

}  // namespace

TEST(CdaShapeMemo, SameVerdictsAsLibxml2OnEverySampleDocumentAndItsVariants) {
  CdaValidator with_memo(kSchema), without(kSchema, false);
  auto docs = valid_documents();
  ASSERT_GT(docs.size(), 100u) << "sample outputs missing";
  for (const auto& d : docs) ASSERT_TRUE(with_memo.validate(d, "d.xml").empty()) << d.substr(0, 300);
  const auto learned = with_memo.memo_stats();
  // Without the attribute-use mirror (a libxml2 it was not checked against) every attribute slot
  // accepts only values seen, and the samples' documents differ in ids and dates: the memo then
  // answers next to none, by design; the verdicts below must still agree.
  if (xsd::attribute_uses_mirrored()) {
    EXPECT_GT(learned.hits, docs.size() / 2) << "the samples repeat their shapes: most should be answered";
  }
  EXPECT_GT(learned.shapes, 50u);
  EXPECT_GT(learned.kept_subtrees, 20u) << "subtrees repeated byte for byte are kept and skipped";

  std::mt19937 rng(11);
  Outcome o;
  std::size_t k = 0;
  for (std::size_t di = 0; di < docs.size(); ++di) {
    const std::string& doc = docs[di];
    auto spans = value_spans(doc);
    std::shuffle(spans.begin(), spans.end(), rng);
    for (std::size_t s = 0; s < std::min<std::size_t>(spans.size(), 6); ++s) {
      auto [b, e] = spans[s];
      for (int p = 0; p < 3; ++p) {
        const std::string& probe = kProbes[k++ % kProbes.size()];
        std::string x = doc;
        x.replace(b, e - b, probe);
        compare(with_memo, without, x, "doc " + std::to_string(di) + " at " + std::to_string(b) + " <- [" + probe + "]", o);
      }
      // a value from elsewhere in the document
      auto [ob, oe] = spans[(s + 7) % spans.size()];
      std::string x = doc;
      x.replace(b, e - b, doc.substr(ob, oe - ob));
      compare(with_memo, without, x, "doc " + std::to_string(di) + " at " + std::to_string(b) + " <- its own value", o);
    }
    // structure: a line dropped, repeated, or swapped with the next
    std::vector<std::size_t> lines{0};
    for (std::size_t at = doc.find('\n'); at != std::string::npos; at = doc.find('\n', at + 1)) lines.push_back(at + 1);
    if (lines.size() > 4) {
      std::size_t l = std::uniform_int_distribution<std::size_t>(1, lines.size() - 3)(rng);
      std::string line = doc.substr(lines[l], lines[l + 1] - lines[l]), next = doc.substr(lines[l + 1], lines[l + 2] - lines[l + 1]);
      std::string dropped = doc, repeated = doc, swapped = doc;
      dropped.erase(lines[l], line.size());
      repeated.insert(lines[l], line);
      swapped.replace(lines[l], line.size() + next.size(), next + line);
      compare(with_memo, without, dropped, "doc " + std::to_string(di) + " line dropped " + line, o);
      compare(with_memo, without, repeated, "doc " + std::to_string(di) + " line repeated " + line, o);
      compare(with_memo, without, swapped, "doc " + std::to_string(di) + " lines swapped " + line, o);
    }
    // an ID repeated
    auto first = doc.find(" ID=\"");
    auto second = first == std::string::npos ? first : doc.find(" ID=\"", first + 1);
    if (second != std::string::npos) {
      std::string x = doc;
      auto value = doc.substr(first + 5, doc.find('"', first + 5) - first - 5);
      x.replace(second + 5, doc.find('"', second + 5) - second - 5, value);
      compare(with_memo, without, x, "doc " + std::to_string(di) + " ID repeated", o);
    }
    // another xsi:type
    if (auto t = doc.find("xsi:type=\""); t != std::string::npos) {
      for (std::string type : {"CD", "PQ", "IVL_PQ", "ANY", "ST"}) {
        std::string x = doc;
        x.replace(t + 10, doc.find('"', t + 10) - t - 10, type);
        compare(with_memo, without, x, "doc " + std::to_string(di) + " xsi:type " + type, o);
      }
    }
  }
  EXPECT_EQ(o.disagreements, 0u) << o.first_disagreement;
  const auto after = with_memo.memo_stats();
  EXPECT_GT(o.variants, 4000u);
  EXPECT_GT(o.invalid, o.variants / 4) << "the probes do break documents";
  EXPECT_GT(after.hits - learned.hits, (o.variants - o.invalid) / 2) << "the memo answered the valid variants";
}

// A small schema with every kind of slot the memo models or declines: a pattern-typed element
// text restricted twice, lengths, simple content, a fixed attribute, fixed and default element values,
// mixed content, xs:ID, enumerations, and an abstract type taken through xsi:type.
constexpr const char* kSmallSchema = R"(<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="urn:t"
    targetNamespace="urn:t" elementFormDefault="qualified">
  <xs:simpleType name="day"><xs:restriction base="xs:string"><xs:pattern value="[0-9]{8}"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="short"><xs:restriction base="day"><xs:maxLength value="8"/><xs:pattern value="2.*"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="kind"><xs:restriction base="xs:string"><xs:enumeration value="a"/><xs:enumeration value="b"/></xs:restriction></xs:simpleType>
  <xs:complexType name="Base" abstract="true"><xs:attribute name="n" type="kind"/></xs:complexType>
  <xs:complexType name="Day"><xs:complexContent><xs:extension base="Base">
    <xs:attribute name="v" type="day" use="required"/></xs:extension></xs:complexContent></xs:complexType>
  <xs:complexType name="Short"><xs:complexContent><xs:extension base="Base">
    <xs:attribute name="v" type="short" use="required"/></xs:extension></xs:complexContent></xs:complexType>
  <xs:simpleType name="name"><xs:restriction base="xs:string"><xs:minLength value="2"/><xs:maxLength value="4"/></xs:restriction></xs:simpleType>
  <xs:complexType name="Note"><xs:simpleContent><xs:extension base="day">
    <xs:attribute name="k" type="kind"/><xs:attribute name="l" type="name"/></xs:extension></xs:simpleContent></xs:complexType>
  <xs:element name="r">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="d" type="short" maxOccurs="3"/>
        <xs:element name="note" type="Note" minOccurs="0"/>
        <xs:element name="f"><xs:complexType><xs:attribute name="c" type="xs:string" fixed="X"/></xs:complexType></xs:element>
        <xs:element name="m" minOccurs="0"><xs:complexType mixed="true"><xs:sequence>
          <xs:element name="b" type="xs:string" minOccurs="0"/></xs:sequence>
          <xs:attribute name="ID" type="xs:ID"/></xs:complexType></xs:element>
        <xs:element name="val" type="Base" maxOccurs="unbounded"/>
        <xs:element name="e" type="xs:string" fixed="F" minOccurs="0"/>
        <xs:element name="t" type="xs:string" default="D" minOccurs="0"/>
      </xs:sequence>
      <xs:attribute name="ID" type="xs:ID"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
)";

constexpr const char* kSmallDocument = R"(<r xmlns="urn:t" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="r1">
  <d>20210304</d>
  <d>29991231</d>
  <note k="a" l="abc">20210304</note>
  <f c="X"/>
  <m ID="m1">text <b>bold</b> more</m>
  <val xsi:type="Day" n="a" v="20210304"/>
  <val xsi:type="Short" v="21000000"/>
  <e>F</e>
  <t>x</t>
</r>
)";

TEST(CdaShapeMemo, SameVerdictsAsLibxml2OnASmallSchemaWithEveryKindOfSlot) {
  const test_support::TempDir temp("memo");
  const fs::path xsd = temp.dir / "small.xsd";
  test_support::spit(xsd, kSmallSchema);
  {
    CdaValidator with_memo(xsd.string()), without(xsd.string(), false);
    const std::string doc = kSmallDocument;
    ASSERT_EQ(without.validate(doc, "s.xml").size(), 0u);
    ASSERT_TRUE(with_memo.validate(doc, "s.xml").empty());
    ASSERT_TRUE(with_memo.validate(doc, "s.xml").empty());
    ASSERT_EQ(with_memo.memo_stats().hits, 1u);
    const std::vector<std::string> probes = {"",         "x",     "20210304", "2021030", "30000000", "21000000", "210000000",
                                             "a",        "b",     "c",        "X",       "F",        "D",        "m1",
                                             "r1",       "1x",    " 20210304", "20210304 ", "Day",   "Short",    "Base",
                                             "&lt;",     "text",  "xsi:Day", "ab",      "abcde",    "\xc3\xa9t\xc3\xa9"};
    Outcome o;
    for (auto [b, e] : value_spans(doc))
      for (const auto& p : probes) {
        std::string x = doc;
        x.replace(b, e - b, p);
        compare(with_memo, without, x, "at " + std::to_string(b) + " <- [" + p + "]", o);
      }
    EXPECT_EQ(o.disagreements, 0u) << o.first_disagreement;
    EXPECT_GT(o.invalid, o.variants / 2);
    EXPECT_GT(with_memo.memo_stats().hits, 10u) << "valid values in typed slots are answered";
  }
}

TEST(CdaShapeMemo, AnswersOnlyAfterLearningFromAValidDocument) {
  CdaValidator v(kSchema);
  auto docs = valid_documents();
  const std::string& doc = docs.front();
  std::string broken = doc;
  broken.replace(broken.find("root=\"") + 6, 1, "9");  // an OID that cannot start with 9
  EXPECT_FALSE(v.validate(broken, "b.xml").empty());
  EXPECT_FALSE(v.validate(broken, "b.xml").empty()) << "an invalid document teaches nothing";
  EXPECT_EQ(v.memo_stats().shapes, 0u);
  EXPECT_TRUE(v.validate(doc, "d.xml").empty());
  EXPECT_EQ(v.memo_stats().hits, 0u);
  EXPECT_TRUE(v.validate(doc, "d.xml").empty());
  EXPECT_EQ(v.memo_stats().hits, 1u);
  EXPECT_FALSE(v.validate(broken, "b.xml").empty()) << "a value its type refuses is not answered";
  EXPECT_EQ(v.memo_stats().hits, 1u);
}

TEST(CdaShapeMemo, WithoutTheMemoNothingIsLearned) {
  CdaValidator v(kSchema, false);
  auto docs = valid_documents();
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(v.validate(docs.front(), "d.xml").empty());
  EXPECT_EQ(v.memo_stats().hits, 0u);
  EXPECT_EQ(v.memo_stats().shapes, 0u);
}

std::string nested(int depth) {
  std::string s;
  for (int i = 0; i < depth; ++i) s += "<a>";
  for (int i = 0; i < depth; ++i) s += "</a>";
  return s;
}

// What the scanner refuses goes to libxml2; what it accepts must be well-formed.
struct ScanCase {
  const char* name;
  std::string xml;
  bool accepted;
};
NETCONV_PRINT_CASE_AS_NAME(ScanCase)

class XmlSubsetScanCases : public ::testing::TestWithParam<ScanCase> {};

TEST_P(XmlSubsetScanCases, AcceptsOnlyWellFormedDocumentsInTheSubset) {
  const ScanCase& c = GetParam();
  XmlSubsetScan scan;
  EXPECT_EQ(scan.read(c.xml), c.accepted) << c.name;
  if (scan.read(c.xml)) {
    xmlDocPtr doc = xmlReadMemory(c.xml.data(), static_cast<int>(c.xml.size()), "s.xml", nullptr,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    EXPECT_NE(doc, nullptr) << c.name << ": accepted but not well-formed";
    if (doc) xmlFreeDoc(doc);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, XmlSubsetScanCases,
    ::testing::Values(
        ScanCase{"plain", "<a x=\"1\"><b>t</b><c/></a>", true},
        ScanCase{"declaration", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a/>\n", true},
        ScanCase{"other_declaration", "<?xml version=\"1.0\"?><a/>", false},
        ScanCase{"entities", "<a x=\"&lt;&amp;&quot;\">&gt;&apos;</a>", true},
        ScanCase{"unknown_entity", "<a>&nbsp;</a>", false},
        ScanCase{"character_reference", "<a>&#65;</a>", false},
        ScanCase{"bare_ampersand", "<a>a & b</a>", false},
        ScanCase{"comment", "<a><!-- c --></a>", false},
        ScanCase{"cdata", "<a><![CDATA[x]]></a>", false},
        ScanCase{"doctype", "<!DOCTYPE a><a/>", false},
        ScanCase{"processing_instruction", "<a><?p x?></a>", false},
        ScanCase{"carriage_return", "<a>\r\n</a>", false},
        ScanCase{"tab_in_value", "<a x=\"a\tb\"/>", false},
        ScanCase{"newline_in_value", "<a x=\"a\nb\"/>", false},
        ScanCase{"lt_in_value", "<a x=\"a<b\"/>", false},
        ScanCase{"gt_in_value_and_text", "<a x=\"a>b\">c>d</a>", true},
        ScanCase{"cdata_end_in_text", "<a>x]]>y</a>", false},
        ScanCase{"control_in_text", std::string("<a>\x01</a>"), false},
        ScanCase{"utf8_text", "<a x=\"\xc3\xa9\">\xe2\x82\xac\xf0\x9f\x98\x80</a>", true},
        ScanCase{"invalid_utf8", "<a>\xff</a>", false},
        ScanCase{"overlong_utf8", "<a>\xc0\xaf</a>", false},
        ScanCase{"surrogate_utf8", "<a>\xed\xa0\x80</a>", false},
        ScanCase{"fffe", "<a>\xef\xbf\xbe</a>", false},
        ScanCase{"truncated_utf8", "<a>\xe2\x82</a>", false},
        ScanCase{"above_10ffff", "<a>\xf4\x90\x80\x80</a>", false},
        ScanCase{"mismatched_end", "<a><b></a></b>", false},
        ScanCase{"end_name_prefix_only", "<ab></a>", false},
        ScanCase{"end_name_longer", "<a></ab>", false},
        ScanCase{"unclosed", "<a><b/>", false},
        ScanCase{"two_roots", "<a/><b/>", false},
        ScanCase{"text_after_root", "<a/>x", false},
        ScanCase{"namespace_below_root", "<a xmlns=\"u\"><b xmlns:p=\"v\"/></a>", false},
        ScanCase{"prefixed", "<p:a xmlns:p=\"u\" p:x=\"1\"><p:b/></p:a>", true},
        ScanCase{"two_colons", "<a:b:c xmlns:a=\"u\"/>", false},
        ScanCase{"non_ascii_name", "<\xc3\xa9/>", false},
        ScanCase{"single_quotes", "<a x='1'/>", false},
        ScanCase{"no_space_between_attributes", "<a x=\"1\"y=\"2\"/>", false},
        ScanCase{"space_around_equals", "<a x = \"1\"/>", false},
        ScanCase{"space_in_end_tag", "<a></a  >", true},
        ScanCase{"empty", "", false},
        ScanCase{"long_value", "<a x=\"" + std::string(100000, 'v') + "\">" + std::string(100000, 't') + "</a>", true},
        ScanCase{"deep", nested(200), true},
        ScanCase{"too_deep", nested(300), false}),
    netconv::test_support::CaseName{});

}  // namespace netconv
