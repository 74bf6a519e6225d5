// xsd::attribute_use by reading libxml2's compiled attribute-use list, whose layout is private to
// libxml2 (xmlschemas.c: xmlSchemaItemList, xmlSchemaAttributeUse) and has no public accessor.
// The mirror below was checked against libxml2 2.9.14 (Debian 12): CMake compiles this file only
// for the versions listed in NETCONV_LIBXML2_MIRRORED_VERSIONS and xsd_attribute_uses_fallback.cpp
// otherwise. Three guards keep a different layout from being misread: the library loaded at run
// time must report the version the headers did (a rebuilt libxml2 without a rebuilt netconv), the
// component tags are checked on every read, and tests/unit/validation/xsd_compiled_test.cpp reads
// a small compiled schema's uses back and fails when the mirror and the library disagree.
#include <libxml/globals.h>
#include <libxml/xmlversion.h>

#include <cstdlib>

#include "validation/xsd_compiled.hpp"

namespace netconv::xsd {
namespace {

struct ItemListLayout {
  void** items;
  int count;
  int capacity;
};
struct AttributeUseLayout {
  xmlSchemaTypeType type;  // XML_SCHEMA_TYPE_ATTRIBUTE_USE
  xmlSchemaAnnotPtr annotation;
  void* next;
  xmlSchemaAttributePtr declaration;
  int flags;
  xmlNodePtr node;
  int occurs;
  const xmlChar* default_value;
  void* default_compiled;
};
constexpr int kAttributeUseFixed = 1 << 0;  // xmlschemas.c: XML_SCHEMA_ATTR_USE_FIXED

bool same_namespace(const xmlChar* a, std::string_view b) {
  std::string_view av = a ? reinterpret_cast<const char*>(a) : "";
  return av == b;
}

}  // namespace

bool attribute_uses_mirrored() {
  // xmlParserVersion is the loaded library's LIBXML_VERSION as a decimal string ("20914").
  const char* loaded = xmlParserVersion;
  return loaded && std::atoi(loaded) == LIBXML_VERSION;
}

std::optional<AttributeUse> attribute_use(const xmlSchemaType* type, std::string_view local, std::string_view ns) {
  if (!attribute_uses_mirrored()) return std::nullopt;
  if (!type || type->type != XML_SCHEMA_TYPE_COMPLEX || !type->attrUses) return std::nullopt;
  const auto* list = static_cast<const ItemListLayout*>(type->attrUses);
  if (list->count < 0 || list->count > list->capacity || (list->count > 0 && !list->items)) return std::nullopt;
  for (int i = 0; i < list->count; ++i) {
    const auto* use = static_cast<const AttributeUseLayout*>(list->items[i]);
    if (!use || use->type != XML_SCHEMA_TYPE_ATTRIBUTE_USE) return std::nullopt;
    const xmlSchemaAttribute* d = use->declaration;
    if (!d || d->type != XML_SCHEMA_TYPE_ATTRIBUTE || !d->name) return std::nullopt;
    if (reinterpret_cast<const char*>(d->name) != local || !same_namespace(d->targetNamespace, ns)) continue;
    return AttributeUse{d, (use->flags & kAttributeUseFixed) != 0 || (d->flags & XML_SCHEMAS_ATTR_FIXED) != 0};
  }
  return std::nullopt;
}

}  // namespace netconv::xsd
