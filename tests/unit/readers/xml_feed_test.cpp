// XmlFeed: what the NAACCR reader hands libxml2 (src/readers/xml_feed.hpp).
#include "readers/xml_feed.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

namespace netconv {
namespace {

std::vector<std::string> pieces(const std::string& text, std::size_t max_attributes, XmlFeed** keep = nullptr) {
  static std::istringstream in;
  in.clear();
  in.str(text);
  static std::unique_ptr<XmlFeed> feed;
  feed = std::make_unique<XmlFeed>(in, max_attributes);
  if (keep) *keep = feed.get();
  std::vector<std::string> out;
  char buf[4096];
  int n = feed->next(buf, 4);  // libxml2 asks for 4 bytes first
  while (n > 0) {
    out.emplace_back(buf, static_cast<std::size_t>(n));
    n = feed->next(buf, sizeof buf);
  }
  return out;
}

TEST(XmlFeed, PiecesEndAtPatientEndsAndStayBelowLibxml2sChunk) {
  std::string doc = "<NaaccrData>";
  for (int i = 0; i < 20; ++i) doc += "<Patient><Item naaccrId=\"a\">" + std::string(100, 'x') + "</Item></Patient >";
  doc += "<n:Patient></n:Patient></NaaccrData>";
  auto p = pieces(doc, 64);
  std::string joined;
  int ends = 0;
  for (const auto& s : p) {
    EXPECT_LE(s.size(), 511u);
    joined += s;
    if (s.size() >= 10 && (s.compare(s.size() - 10, 10, "</Patient>") == 0 || s.compare(s.size() - 11, 11, "</Patient >") == 0 ||
                           s.compare(s.size() - 12, 12, "</n:Patient>") == 0))
      ++ends;
  }
  EXPECT_EQ(joined, doc);
  EXPECT_EQ(ends, 21);
}

// An end tag's white space is not its name: a Patient end tag padded past the 16 bytes kept of a
// name still ends a piece, and a name longer than that is read without going past the buffer
// (UBSan found the old trim reading beyond it on the NAACCR reference samples' long end tags).
TEST(XmlFeed, APaddedPatientEndTagEndsAPieceAndLongEndTagNamesStayInBounds) {
  const std::string first = "<NaaccrData><Patient><Item naaccrId=\"a\">x</Item></ns:Patient\n          >";
  const std::string doc = first + "<Patient></Patient><AVeryLongElementNameIndeed></AVeryLongElementNameIndeed  ></NaaccrData>";
  auto p = pieces(doc, 64);
  ASSERT_FALSE(p.empty());
  EXPECT_EQ(p[0] + (p.size() > 1 && p[0].size() == 4 ? p[1] : ""), first);
  std::string joined;
  for (const auto& s : p) joined += s;
  EXPECT_EQ(joined, doc);
}

TEST(XmlFeed, RefusesATagWithTooManyAttributesBeforeHandingItOut) {
  std::string attrs;
  for (int i = 0; i < 100; ++i) attrs += " a" + std::to_string(i) + "='1'";
  std::string head = "<r>\n<ok a=\"=\" b='>'/><!-- x=1 y=2 z=3 -->\n<![CDATA[ = = = = ]]>";
  XmlFeed* feed = nullptr;
  auto p = pieces(head + "<bad" + attrs + "/></r>", 3, &feed);
  std::string joined;
  for (const auto& s : p) joined += s;
  EXPECT_EQ(joined, head) << "everything before the tag, nothing of it";
  ASSERT_TRUE(feed->refused());
  EXPECT_EQ(feed->refused_line(), 3u);
  EXPECT_EQ(feed->refused_column(), 22u);
}

TEST(XmlFeed, NotesTheDoctypeLine) {
  XmlFeed* feed = nullptr;
  pieces("<?xml version=\"1.0\"?>\n\n<!DOCTYPE r [\n<!ENTITY a \"b\">\n]>\n<r/>", 64, &feed);
  EXPECT_EQ(feed->doctype_line(), 3u);
  EXPECT_FALSE(feed->refused());
}

}  // namespace
}  // namespace netconv
