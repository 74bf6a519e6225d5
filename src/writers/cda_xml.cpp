#include "writers/cda_xml.hpp"

#include <libxml/xmlwriter.h>

#include <stdexcept>

namespace netconv::cda {
namespace {

const xmlChar* X(const std::string& s) { return reinterpret_cast<const xmlChar*>(s.c_str()); }

void check(int rc, const char* what) {
  if (rc < 0) throw std::runtime_error(std::string("CDA writer: libxml2 failed in ") + what);
}

}  // namespace

std::string xml_safe(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') continue;
    out += c;
  }
  return out;
}

XmlOut::XmlOut(bool declaration) {
  buf_ = xmlBufferCreate();
  if (!buf_) throw std::runtime_error("CDA writer: out of memory");
  w_ = xmlNewTextWriterMemory(buf_, 0);
  if (!w_) {
    xmlBufferFree(buf_);
    throw std::runtime_error("CDA writer: out of memory");
  }
  xmlTextWriterSetIndent(w_, 1);
  xmlTextWriterSetIndentString(w_, reinterpret_cast<const xmlChar*>("  "));
  if (declaration) check(xmlTextWriterStartDocument(w_, "1.0", "UTF-8", nullptr), "StartDocument");
}

XmlOut::~XmlOut() {
  if (w_) xmlFreeTextWriter(w_);
  if (buf_) xmlBufferFree(buf_);
}

XmlOut& XmlOut::start(std::string_view name) {
  check(xmlTextWriterStartElement(w_, X(std::string(name))), "StartElement");
  ++depth_;
  return *this;
}

XmlOut& XmlOut::attr(std::string_view name, std::string_view value) {
  check(xmlTextWriterWriteAttribute(w_, X(std::string(name)), X(xml_safe(value))), "WriteAttribute");
  return *this;
}

XmlOut& XmlOut::text(std::string_view s) {
  check(xmlTextWriterWriteString(w_, X(xml_safe(s))), "WriteString");
  return *this;
}

XmlOut& XmlOut::end() {
  check(xmlTextWriterEndElement(w_), "EndElement");
  --depth_;
  return *this;
}

XmlOut& XmlOut::element(std::string_view name, std::string_view s) { return start(name).text(s).end(); }

std::string XmlOut::finish() {
  while (depth_ > 0) end();
  check(xmlTextWriterEndDocument(w_), "EndDocument");
  check(xmlTextWriterFlush(w_), "Flush");
  std::string out(reinterpret_cast<const char*>(xmlBufferContent(buf_)), static_cast<std::size_t>(xmlBufferLength(buf_)));
  if (out.empty() || out.back() != '\n') out += '\n';
  return out;
}

}  // namespace netconv::cda
