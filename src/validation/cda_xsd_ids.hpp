// Which attributes a W3C XML Schema types xs:ID. libxml2 checks that xs:ID values are unique only
// when it validates a document tree, not when it validates while parsing; CdaValidator's
// streaming pass checks them itself, by attribute name, with this list.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace netconv {

// Local names of the attributes declared with type xs:ID in the schema file and every file it
// includes, imports or redefines (read locally, XML_PARSE_NONET). nullopt when the schema derives
// simple types of its own from xs:ID or a file cannot be read: then attribute names do not tell
// which values must be unique.
std::optional<std::vector<std::string>> xsd_id_attributes(const std::string& xsd_path);

// Values of the xs:ID attributes of one document (and xml:id, which the tree builder registers
// too), which must be unique. Collected by attribute name, as both the streaming validator and the
// CDA shape memo read them.
struct XsdIdValues {
  const std::vector<std::string>* names = nullptr;  // from xsd_id_attributes

  // Whether an attribute with this local name and prefix holds an ID.
  bool counts(std::string_view local, std::string_view prefix) const;
  void clear() {
    text_.clear();
    spans_.clear();
  }
  void add(std::string_view value);
  bool unique();

 private:
  std::string text_;  // the values, back to back
  std::vector<std::pair<std::size_t, std::size_t>> spans_;
  std::vector<std::string_view> sorted_;
};

}  // namespace netconv
