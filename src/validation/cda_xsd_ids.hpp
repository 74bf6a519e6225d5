// Which attributes a W3C XML Schema types xs:ID. libxml2 checks that xs:ID values are unique only
// when it validates a document tree, not when it validates while parsing; CdaValidator's
// streaming pass checks them itself, by attribute name, with this list.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace netconv {

// Local names of the attributes declared with type xs:ID in the schema file and every file it
// includes, imports or redefines (read locally, XML_PARSE_NONET). nullopt when the schema derives
// simple types of its own from xs:ID or a file cannot be read: then attribute names do not tell
// which values must be unique.
std::optional<std::vector<std::string>> xsd_id_attributes(const std::string& xsd_path);

}  // namespace netconv
