// Hostile NAACCR XML (issue G, docs/security.md): entities, DTDs, nesting, huge attributes,
// encodings, truncation. The reader stops such a file with a located diagnostic; nothing is
// fetched from disk or network; memory stays bounded. Time: no assertion (ctest's timeout guards).
#include <gtest/gtest.h>

#include <fstream>

#include "hostile_input_util.hpp"

namespace netconv {
namespace {

using hostile::Format;

const char* kTumor =
    "<Patient><Item naaccrId=\"patientIdNumber\">00000001</Item>"
    "<Tumor><Item naaccrId=\"primarySite\">C172</Item><Item naaccrId=\"histologicTypeIcdO3\">8240</Item>"
    "<Item naaccrId=\"behaviorCodeIcdO3\">3</Item><Item naaccrId=\"dateOfDiagnosis\">20190611</Item></Tumor></Patient>\n";

std::string entity_doc(const std::string& decls, const std::string& use) {
  return hostile::naaccr_open("<!DOCTYPE NaaccrData [" + decls + "]>\n") +
         "<Patient><Item naaccrId=\"patientIdNumber\">" + use + "</Item><Tumor/></Patient></NaaccrData>\n";
}

void expect_stopped_by_doctype(const hostile::ReadResult& r) {
  EXPECT_TRUE(r.failed);
  EXPECT_TRUE(r.records.empty());
  EXPECT_TRUE(r.has("NC-NAACCR-002") || r.has("NC-NAACCR-001")) << r.all_text();
}

TEST(SecurityXml, ExternalEntityToLocalFileIsNotRead) {
  hostile::FileSentinel secret("NETCONV-XXE-SECRET-1");
  ASSERT_TRUE(secret.ok());
  auto r = hostile::read(Format::naaccr, entity_doc("<!ENTITY x SYSTEM \"file://" + secret.path() + "\">", "&x;"));
  expect_stopped_by_doctype(r);
  EXPECT_TRUE(r.has("NC-NAACCR-002")) << r.all_text();
  EXPECT_TRUE(secret.untouched()) << "the reader opened the file named by the entity";
  EXPECT_EQ(r.all_text().find("NETCONV-XXE-SECRET"), std::string::npos);
}

TEST(SecurityXml, ExternalEntityToUrlIsNotFetched) {
  hostile::NetSentinel server;
  ASSERT_TRUE(server.ok());
  auto r = hostile::read(Format::naaccr, entity_doc("<!ENTITY x SYSTEM \"" + server.url("/xxe") + "\">", "&x;"));
  expect_stopped_by_doctype(r);
  EXPECT_FALSE(server.contacted()) << "the reader connected to the entity's URL";
}

TEST(SecurityXml, ParameterEntitiesAreNotLoaded) {
  hostile::FileSentinel secret("NETCONV-XXE-SECRET-2");
  hostile::NetSentinel server;
  ASSERT_TRUE(secret.ok() && server.ok());
  auto r = hostile::read(Format::naaccr, entity_doc("<!ENTITY % f SYSTEM \"file://" + secret.path() + "\"> %f; "
                                                    "<!ENTITY % u SYSTEM \"" + server.url("/pe") + "\"> %u;",
                                                    "x"));
  expect_stopped_by_doctype(r);
  EXPECT_TRUE(secret.untouched());
  EXPECT_FALSE(server.contacted());
}

TEST(SecurityXml, ExternalDtdIsNotLoaded) {
  hostile::FileSentinel secret("NETCONV-DTD-SECRET");
  hostile::NetSentinel server;
  ASSERT_TRUE(secret.ok() && server.ok());
  for (const std::string& id : {"SYSTEM \"file://" + secret.path() + "\"", "SYSTEM \"" + server.url("/x.dtd") + "\"",
                                "PUBLIC \"-//netconv//hostile//EN\" \"" + server.url("/p.dtd") + "\""}) {
    SCOPED_TRACE(id);
    auto r = hostile::read(Format::naaccr, hostile::naaccr_open("<!DOCTYPE NaaccrData " + id + ">\n") + kTumor + "</NaaccrData>\n");
    EXPECT_TRUE(r.failed);
    EXPECT_TRUE(r.has("NC-NAACCR-002")) << r.all_text();
    EXPECT_TRUE(r.records.empty());
  }
  EXPECT_TRUE(secret.untouched());
  EXPECT_FALSE(server.contacted());
}

TEST(SecurityXml, BillionLaughsStopsWithBoundedMemory) {
  std::string decls = "<!ENTITY e0 \"lollollollollollollollollollol\">";
  for (int i = 1; i <= 10; ++i) {
    decls += "<!ENTITY e" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k) decls += "&e" + std::to_string(i - 1) + ";";
    decls += "\">";
  }
  long before = hostile::peak_rss_mib();
  auto r = hostile::read(Format::naaccr, entity_doc(decls, "&e10;"));  // 3e11 bytes if expanded
  expect_stopped_by_doctype(r);
  EXPECT_LT(hostile::peak_rss_mib() - before, 64) << "MiB grown while reading";
  EXPECT_EQ(r.all_values().find("lollol"), std::string::npos);
}

TEST(SecurityXml, QuadraticBlowupStops) {
  std::string use;
  for (int i = 0; i < 20000; ++i) use += "&a;";
  auto r = hostile::read(Format::naaccr, entity_doc("<!ENTITY a \"" + std::string(100000, 'a') + "\">", use));
  expect_stopped_by_doctype(r);
}

TEST(SecurityXml, HundredThousandLevelsOfNestingStop) {
  const int depth = 100000;
  std::string open, close;
  for (int i = 0; i < depth; ++i) open += "<x:n>";
  for (int i = 0; i < depth; ++i) close += "</x:n>";
  std::string doc = hostile::naaccr_open() + kTumor + "<Patient xmlns:x=\"urn:x\"><Item naaccrId=\"patientIdNumber\">2</Item>" + open +
                    close + "<Tumor/></Patient></NaaccrData>\n";
  long before = hostile::peak_rss_mib();
  auto r = hostile::read(Format::naaccr, doc);
  EXPECT_TRUE(r.failed);
  EXPECT_TRUE(r.has("NC-NAACCR-001")) << r.all_text();
  ASSERT_EQ(r.records.size(), 2u) << "the tumor before the nesting is kept, the patient cut off is counted";
  EXPECT_TRUE(r.records[0].problems.empty());
  ASSERT_FALSE(r.records[1].problems.empty());
  EXPECT_EQ(r.records[1].problems.back().code, "NC-NAACCR-012");
  EXPECT_LT(hostile::peak_rss_mib() - before, 128);
}

TEST(SecurityXml, FiftyMegabyteAttributeStopsWithBoundedMemory) {
  hostile::GeneratedBuf buf(hostile::naaccr_open() + kTumor + "<Patient><Item naaccrId=\"", 'a', 50u << 20,
                            "\">1</Item><Tumor/></Patient></NaaccrData>\n");
  std::istream in(&buf);
  long before = hostile::peak_rss_mib();
  auto r = hostile::read(Format::naaccr, in);
  EXPECT_TRUE(r.failed);
  EXPECT_TRUE(r.has("NC-NAACCR-001")) << r.all_text();
  EXPECT_LT(hostile::peak_rss_mib() - before, 160) << "MiB grown while reading a 50 MiB attribute";
}

TEST(SecurityXml, FiftyMegabyteItemValueIsRejectedNotHeld) {
  // text content: libxml2 streams it to the reader in pieces; the reader stops storing at the limit
  hostile::GeneratedBuf buf(hostile::naaccr_open() + "<Patient><Item naaccrId=\"nameLast\">", 'a', 50u << 20,
                            "</Item><Tumor/></Patient></NaaccrData>\n");
  std::istream in(&buf);
  long before = hostile::peak_rss_mib();
  auto r = hostile::read(Format::naaccr, in);
  EXPECT_TRUE(r.has("NC-NAACCR-001") || r.has("NC-NAACCR-022")) << r.all_text();
  EXPECT_LT(hostile::peak_rss_mib() - before, 160);
}

TEST(SecurityXml, InvalidUtf8StopsTheFileWithoutEchoingBytes) {
  // regression naaccr-xml-error-echoed-input-bytes: libxml2's message carried "\nBytes: 0xFC 0x6C ..."
  auto r = hostile::read(Format::naaccr, hostile::naaccr_open() + kTumor +
                                             "<Patient><Item naaccrId=\"nameLast\">M\xFCller</Item><Tumor/></Patient></NaaccrData>\n");
  EXPECT_TRUE(r.failed);
  EXPECT_TRUE(r.has("NC-NAACCR-001")) << r.all_text();
  auto text = r.all_text();
  EXPECT_EQ(text.find("Bytes"), std::string::npos) << text;
  EXPECT_EQ(text.find("0xFC"), std::string::npos) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << "one line per diagnostic: " << text;
}

TEST(SecurityXml, Utf16FileIsReadLikeItsUtf8Original) {
  std::string utf8 = hostile::naaccr_open() + kTumor + "</NaaccrData>\n";
  utf8.replace(utf8.find("UTF-8"), 5, "UTF-16");
  std::string utf16 = "\xFF\xFE";  // little endian with BOM; the text is ASCII
  for (char c : utf8) {
    utf16 += c;
    utf16 += '\0';
  }
  auto a = hostile::read(Format::naaccr, utf8.substr(0, 0) + hostile::naaccr_open() + kTumor + "</NaaccrData>\n");
  auto b = hostile::read(Format::naaccr, utf16);
  EXPECT_FALSE(b.failed) << b.all_text();
  ASSERT_EQ(a.records.size(), b.records.size());
  EXPECT_EQ(a.all_values(), b.all_values());
}

TEST(SecurityXml, TruncatedFileStopsAndKeepsFinishedTumors) {
  std::string doc = hostile::naaccr_open();
  for (int i = 0; i < 40; ++i) doc += kTumor;
  doc += kTumor;
  doc.resize(doc.size() - 30);  // cut inside the last patient's tumor
  auto r = hostile::read(Format::naaccr, doc);
  EXPECT_TRUE(r.failed);
  EXPECT_TRUE(r.has("NC-NAACCR-001")) << r.all_text();
  // every patient finished before the cut is kept (libxml2 used to parse the last few with the
  // error and lose them); the one cut off is a record rejected with NC-NAACCR-012
  ASSERT_EQ(r.records.size(), 41u);
  for (int i = 0; i < 40; ++i) EXPECT_TRUE(r.records[i].problems.empty()) << i;
  ASSERT_FALSE(r.records[40].problems.empty());
  EXPECT_EQ(r.records[40].problems.back().code, "NC-NAACCR-012");
  for (const auto& d : r.sink.items)
    if (d.code == "NC-NAACCR-001") EXPECT_GT(d.location.line, 0u);
}

TEST(SecurityXml, XIncludeIsNotProcessed) {
  hostile::FileSentinel secret("NETCONV-XINCLUDE-SECRET");
  ASSERT_TRUE(secret.ok());
  auto r = hostile::read(Format::naaccr, hostile::naaccr_open() +
                                             "<Patient><xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"file://" +
                                             secret.path() + "\" parse=\"text\"/><Tumor/></Patient></NaaccrData>\n");
  EXPECT_TRUE(secret.untouched());
  EXPECT_TRUE(r.has("NC-NAACCR-007")) << "an element in another namespace is an ignored extension: " << r.all_text();
}

}  // namespace
}  // namespace netconv
