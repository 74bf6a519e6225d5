// XmlOut: a small wrapper over libxml2's xmlTextWriter that renders into memory. One instance
// per document being rendered, so rendering on several threads needs no locking.
#pragma once
#include <string>
#include <string_view>

struct _xmlTextWriter;
struct _xmlBuffer;

namespace netconv::cda {

class XmlOut {
 public:
  explicit XmlOut(bool declaration);  // declaration: start with <?xml version="1.0" encoding="UTF-8"?>
  ~XmlOut();
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
  _xmlTextWriter* w_ = nullptr;
  _xmlBuffer* buf_ = nullptr;
  int depth_ = 0;
};

// Text safe for XML 1.0: C0 control characters other than tab, CR and LF are dropped
// (registry free text may carry them; XML cannot).
std::string xml_safe(std::string_view s);

}  // namespace netconv::cda
