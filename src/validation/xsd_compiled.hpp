// Reading libxml2's compiled XML Schema: which declaration and type the content model gives each
// child, which attribute use matches an attribute, and a check of a value against a simple type.
// The CDA shape memo (cda_shape_memo.hpp) uses them to know what it may check itself.
//
// Every answer is the compiled schema's own: child declarations come from running the type's
// content-model automaton exactly as libxml2's validator does (xmlschemas.c,
// xmlSchemaValidateChildElem), attribute uses from the type's attribute-use list (where this build
// may read it, see attribute_use). The simple-type check is deliberately narrower than libxml2's:
// it accepts a value only when libxml2 would, and says `unsupported` for anything it does not
// model, so that callers fall back to libxml2.
#pragma once
#include <libxml/schemasInternals.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlregexp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace netconv::xsd {

// A simple type netconv can check a lexical value against: an atomic restriction (at any depth)
// of xs:string with only pattern, enumeration and length facets, whitespace preserved; or xs:ID
// itself, whose values must then also be unique (checked elsewhere).
class SimpleCheck {
 public:
  static std::optional<SimpleCheck> of(const xmlSchemaType* type);
  // `value` is the attribute value or element text with entities replaced.
  bool accepts(std::string_view value, std::string& scratch) const;
  // Whether a check runs a regular expression (then a look-up among values seen is cheaper).
  bool has_patterns() const;

 private:
  struct Level {
    std::vector<xmlRegexpPtr> patterns;  // one must match (ORed at a level, ANDed across levels)
    std::vector<std::string> enumeration;
  };
  std::vector<Level> levels_;
  std::vector<std::pair<int, unsigned long>> lengths_;  // facet type, value
  bool id_ = false;
};

// The global element declaration for (local, ns), as libxml2 finds a validation root.
const xmlSchemaElement* global_element(xmlSchemaPtr schema, const std::string& local, const std::string& ns);
// The global type named (local, ns): the target of an xsi:type.
const xmlSchemaType* global_type(xmlSchemaPtr schema, const std::string& local, const std::string& ns);

// The declarations the content model of `parent` assigns to this sequence of children, each given
// as (local name, namespace); nullopt when the sequence is not accepted, a child matches a
// wildcard, or the type has no automaton.
std::optional<std::vector<const xmlSchemaElement*>> child_declarations(
    const xmlSchemaType* parent, const std::vector<std::pair<std::string, std::string>>& children);

struct AttributeUse {
  const xmlSchemaAttribute* declaration = nullptr;
  bool fixed = false;  // a value constraint: the value must equal it
};
// The use of (local, ns) among the type's attribute uses; nullopt when the type declares none of
// that name (a wildcard may still allow it), the compiled list is not laid out as expected, or
// this build does not read the list at all. libxml2 offers no public accessor for the list: it is
// read through a mirror of libxml2's private layout (xsd_attribute_uses_mirror.cpp), compiled
// only for the libxml2 versions it was checked against; other versions get
// xsd_attribute_uses_fallback.cpp, which always answers nullopt.
std::optional<AttributeUse> attribute_use(const xmlSchemaType* type, std::string_view local, std::string_view ns);
// Whether attribute_use reads libxml2's list: this build has the mirror and the libxml2 loaded at
// run time is the version it was compiled against.
bool attribute_uses_mirrored();

}  // namespace netconv::xsd
