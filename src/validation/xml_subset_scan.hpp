// A strict scanner for the plain XML netconv writes: elements, attributes in double quotes, text,
// the five predefined entities, an optional `<?xml version="1.0" encoding="UTF-8"?>` line. It
// accepts only well-formed documents inside that subset and refuses everything else (comments,
// CDATA, DTDs, processing instructions, character references, carriage returns, tabs or newlines
// in attribute values, non-ASCII names, namespace declarations below the root, more than 256
// levels, 2 GiB or more): a refused document is not judged here but handed to libxml2. It exists
// so that the CDA shape memo (cda_shape_memo.hpp) can read a document in one pass without
// building a tree.
//
//   XmlSubsetScan scan;
//   if (scan.read(xml)) for (const auto& e : scan.elements()) ...
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace netconv {

enum class XmlTextKind : std::uint8_t { none, space, content };

struct XmlSubsetAttribute {
  std::string_view name;   // the qualified name as written
  std::string_view value;  // raw: entities not replaced
  bool has_entity = false;
  bool prefixed = false;  // the name has a prefix (xsi:type, xml:id, ...)
};

struct XmlSubsetElement {
  static constexpr std::uint32_t kNone = 0xffffffffu;
  std::string_view name;  // the qualified name as written
  std::uint32_t first_attribute = 0, attribute_count = 0;
  std::uint32_t first_child = kNone, last_child = kNone, next_sibling = kNone;
  std::uint32_t child_count = 0;
  XmlTextKind text = XmlTextKind::none;  // the most telling of its text chunks
  // the text of an element without children (raw); empty otherwise
  std::string_view leaf_text;
  bool leaf_text_has_entity = false;
  std::uint32_t begin = 0, end = 0;  // its bytes: from '<' to the end of its end tag
  // the known subtree it repeats byte for byte (XmlVerbatimFinder); its attributes and
  // descendants are then not read
  std::uint32_t verbatim = kNone;
};

// Recognises, at a start tag, a subtree the caller has seen before byte for byte.
class XmlVerbatimFinder {
 public:
  virtual ~XmlVerbatimFinder() = default;
  // The id of a known subtree that `from` starts with (its length in `length`), or kNone.
  virtual std::uint32_t match(std::string_view from, std::size_t& length) const = 0;
};

class XmlSubsetScan {
 public:
  // True when `xml` is a well-formed document inside the subset; elements are then in document
  // order, the root first. Below the root, a subtree `verbatim` knows is not read but recorded as
  // one element (its name, bytes and id): it is well-formed, being a copy of one that was.
  bool read(std::string_view xml, const XmlVerbatimFinder* verbatim = nullptr);
  const std::vector<XmlSubsetElement>& elements() const { return elements_; }
  const std::vector<XmlSubsetAttribute>& attributes() const { return attributes_; }
  std::string_view text() const { return xml_; }

  // The value with the five predefined entities replaced (into `out`, which is returned).
  static std::string_view decoded(std::string_view raw, bool has_entity, std::string& out);

 private:
  bool text(std::size_t& at, XmlSubsetElement& into, bool& has_entity);
  bool end_tag(std::size_t& at);
  bool start_tag(std::size_t& at, const XmlVerbatimFinder* verbatim);
  bool tag_rest(std::size_t& at, XmlSubsetElement& e, bool& self_closing);
  bool attribute(std::size_t& at);
  bool attach(std::uint32_t index);
  std::string_view xml_;
  std::vector<XmlSubsetElement> elements_;
  std::vector<XmlSubsetAttribute> attributes_;
  std::vector<std::uint32_t> open_;
};

}  // namespace netconv
