// XmlOut: renders XML into one growing string, with exactly the bytes libxml2's xmlTextWriter
// (indent "  ") wrote before it: the same indentation, empty-element and escaping rules, so the
// documents stay byte-identical (tests/unit/writers/cda_xml_test.cpp compares the two on random
// input). It replaced xmlTextWriter because that one copied every name and value (C strings,
// list nodes, an encoder pass) and cost more than the rest of the CDA writer together.
// One instance per document being rendered, so rendering on several threads needs no locking.
// The text grows in a buffer the caller may lend (kept between documents: a document grows to
// ~30 kB, and growing a fresh string to that size reallocates and copies it a dozen times).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace netconv::cda {

class XmlOut {
 public:
  // declaration: start with <?xml version="1.0" encoding="UTF-8"?>
  // Renders into `buffer` (its text is replaced; its capacity is what the caller lends).
  XmlOut(bool declaration, std::string& buffer);
  // Renders into a buffer of its own.
  explicit XmlOut(bool declaration) : XmlOut(declaration, own_) {}
  XmlOut(const XmlOut&) = delete;
  XmlOut& operator=(const XmlOut&) = delete;

  XmlOut& start(std::string_view name);
  XmlOut& attr(std::string_view name, std::string_view value);
  XmlOut& attr_if(std::string_view name, std::string_view value) { return value.empty() ? *this : attr(name, value); }
  XmlOut& text(std::string_view s);
  XmlOut& end();
  // <name>text</name>
  XmlOut& element(std::string_view name, std::string_view text);
  // Closes every open element and returns the bytes (ends with a newline).
  std::string finish();

 private:
  struct Open {
    std::size_t name_at, name_len;  // the element's name in names_
    bool content;                   // the start tag is closed ('>' written)
  };
  void close_start_tag();  // '>' of an open start tag before content
  void indent(std::size_t levels);

  std::string own_;    // the buffer when none is lent
  std::string& out_;   // own_ or the caller's buffer
  std::string names_;  // names of the open elements, back to back (no allocation per element)
  std::vector<Open> open_;
  bool indent_end_ = true;  // the next end tag goes on its own, indented line (no text before it)
  bool char_refs_;          // non-ASCII in attributes as &#x..; (libxml2 did so without a declaration)
};

// Text safe for XML 1.0: C0 control characters other than tab, CR and LF are dropped
// (registry free text may carry them; XML cannot).
std::string xml_safe(std::string_view s);

}  // namespace netconv::cda
