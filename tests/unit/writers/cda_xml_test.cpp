// XmlOut must write exactly what libxml2's xmlTextWriter (indent "  ") wrote before it replaced
// it, or every CDA output would change: random element trees with hostile text (markup
// characters, control characters, CR/LF/tab, UTF-8 of every length, invalid bytes) are written
// by both and compared byte for byte.
#include "writers/cda_xml.hpp"

#include <gtest/gtest.h>
#include <libxml/xmlwriter.h>

#include <random>

namespace netconv::cda {
namespace {

// The writer XmlOut replaced, kept here as the reference.
class LibxmlOut {
 public:
  explicit LibxmlOut(bool declaration) {
    buf_ = xmlBufferCreate();
    w_ = xmlNewTextWriterMemory(buf_, 0);
    xmlTextWriterSetIndent(w_, 1);
    xmlTextWriterSetIndentString(w_, reinterpret_cast<const xmlChar*>("  "));
    if (declaration) xmlTextWriterStartDocument(w_, "1.0", "UTF-8", nullptr);
  }
  ~LibxmlOut() {
    xmlFreeTextWriter(w_);
    xmlBufferFree(buf_);
  }
  void start(const std::string& n) { xmlTextWriterStartElement(w_, X(n)); }
  void attr(const std::string& n, const std::string& v) { xmlTextWriterWriteAttribute(w_, X(n), X(xml_safe(v))); }
  void text(const std::string& s) { xmlTextWriterWriteString(w_, X(xml_safe(s))); }
  void end() { xmlTextWriterEndElement(w_); }
  std::string finish() {
    xmlTextWriterEndDocument(w_);
    xmlTextWriterFlush(w_);
    std::string out(reinterpret_cast<const char*>(xmlBufferContent(buf_)), static_cast<std::size_t>(xmlBufferLength(buf_)));
    if (out.empty() || out.back() != '\n') out += '\n';
    return out;
  }

 private:
  static const xmlChar* X(const std::string& s) { return reinterpret_cast<const xmlChar*>(s.c_str()); }
  xmlBufferPtr buf_;
  xmlTextWriterPtr w_;
};

const char* kPieces[] = {"a", "Z", "0", " ", "<", ">", "&", "\"", "'", "\r", "\n", "\t", "\r\n", "\x01", "\x1f", "\x7f",
                         "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xc2\xa0", "\xef\xbf\xbd", "&amp;", "]]>",
                         "\x80", "\xbf", "\xf8", "\xff", "\xc3\x01\xa9", "\xed\xa0\x80", "\xc0\x80", "\xef\xbf\xbe"};

void quiet(void*, const char*, ...) {}

std::string random_text(std::mt19937& rng) {
  std::string s;
  int n = std::uniform_int_distribution<int>(0, 6)(rng);
  for (int i = 0; i < n; ++i) s += kPieces[std::uniform_int_distribution<std::size_t>(0, std::size(kPieces) - 1)(rng)];
  return s;
}

}  // namespace

TEST(XmlOut, SameBytesAsLibxml2TextWriter) {
  const char* names[] = {"ClinicalDocument", "id", "sdtc:deceasedInd", "td", "substanceAdministration"};
  // libxml2 reports the invalid bytes on stderr as it writes them: expected here
  xmlSetGenericErrorFunc(nullptr, quiet);
  std::mt19937 rng(20261125);
  for (int doc = 0; doc < 4000; ++doc) {
    bool declaration = doc % 2 == 0;  // without one, libxml2 wrote non-ASCII attribute text as &#x..;
    XmlOut mine(declaration);
    LibxmlOut ref(declaration);
    int depth = 0;
    bool in_start_tag = false;
    for (int op = 0; op < 60; ++op) {
      int what = std::uniform_int_distribution<int>(0, 9)(rng);
      std::string name = names[std::uniform_int_distribution<std::size_t>(0, std::size(names) - 1)(rng)];
      if (depth == 0 || what < 3) {
        mine.start(name);
        ref.start(name);
        ++depth;
        in_start_tag = true;
      } else if (what < 6 && in_start_tag) {
        auto v = random_text(rng);
        mine.attr(name, v);
        ref.attr(name, v);
      } else if (what < 8) {
        auto t = random_text(rng);
        mine.text(t);
        ref.text(t);
        in_start_tag = false;
      } else {
        mine.end();
        ref.end();
        --depth;
        in_start_tag = false;
      }
    }
    ASSERT_EQ(mine.finish(), ref.finish()) << "document " << doc;
  }
  xmlSetGenericErrorFunc(nullptr, nullptr);
}

TEST(XmlOut, MisuseThrows) {
  XmlOut x(false);
  EXPECT_THROW(x.end(), std::runtime_error);
  EXPECT_THROW(x.text("t"), std::runtime_error);
  x.start("a").text("t");
  EXPECT_THROW(x.attr("b", "c"), std::runtime_error);
  EXPECT_THROW(x.start(""), std::runtime_error);
}

}  // namespace netconv::cda
