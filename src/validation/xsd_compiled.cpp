#include "validation/xsd_compiled.hpp"

#include <libxml/hash.h>
#include <libxml/xmlschemastypes.h>

#include <algorithm>

namespace netconv::xsd {
namespace {

const xmlChar* x(const std::string& s) { return reinterpret_cast<const xmlChar*>(s.c_str()); }

bool same_namespace(const xmlChar* a, std::string_view b) {
  std::string_view av = a ? reinterpret_cast<const char*>(a) : "";
  return av == b;
}

void note_declaration(xmlRegExecCtxtPtr, const xmlChar*, void* declaration, void* out) {
  *static_cast<void**>(out) = declaration;
}

bool ascii_ncname(std::string_view v) {
  if (v.empty()) return false;
  auto start = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!start(v.front())) return false;
  return std::all_of(v.begin(), v.end(), [&](char c) { return start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-'; });
}

std::size_t code_points(std::string_view v) {
  return static_cast<std::size_t>(std::count_if(v.begin(), v.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

std::optional<SimpleCheck> SimpleCheck::of(const xmlSchemaType* type) {
  SimpleCheck check;
  for (const xmlSchemaType* t = type; t; t = t->baseType) {
    if (t->type == XML_SCHEMA_TYPE_BASIC) {
      if (t->builtInType == XML_SCHEMAS_STRING) return check;
      if (t->builtInType == XML_SCHEMAS_ID && t == type) {
        check.id_ = true;
        return check;
      }
      return std::nullopt;
    }
    if (t->type != XML_SCHEMA_TYPE_SIMPLE || !(t->flags & XML_SCHEMAS_TYPE_VARIETY_ATOMIC)) return std::nullopt;
    Level level;
    for (const xmlSchemaFacet* f = t->facets; f; f = f->next) {
      switch (f->type) {
        case XML_SCHEMA_FACET_PATTERN:
          if (!f->regexp) return std::nullopt;
          level.patterns.push_back(f->regexp);
          break;
        case XML_SCHEMA_FACET_ENUMERATION:
          if (!f->value) return std::nullopt;
          level.enumeration.emplace_back(reinterpret_cast<const char*>(f->value));
          break;
        case XML_SCHEMA_FACET_LENGTH:
        case XML_SCHEMA_FACET_MINLENGTH:
        case XML_SCHEMA_FACET_MAXLENGTH:
          check.lengths_.emplace_back(f->type, xmlSchemaGetFacetValueAsULong(const_cast<xmlSchemaFacetPtr>(f)));
          break;
        case XML_SCHEMA_FACET_WHITESPACE:
          if (f->whitespace != XML_SCHEMAS_FACET_PRESERVE) return std::nullopt;
          break;
        default:
          return std::nullopt;
      }
    }
    check.levels_.push_back(std::move(level));
  }
  return std::nullopt;
}

bool SimpleCheck::has_patterns() const {
  return std::any_of(levels_.begin(), levels_.end(), [](const Level& l) { return !l.patterns.empty(); });
}

bool SimpleCheck::accepts(std::string_view value, std::string& scratch) const {
  if (id_) return ascii_ncname(value);
  if (!lengths_.empty()) {
    std::size_t n = code_points(value);
    for (auto [kind, limit] : lengths_) {
      if (kind == XML_SCHEMA_FACET_LENGTH && n != limit) return false;
      if (kind == XML_SCHEMA_FACET_MINLENGTH && n < limit) return false;
      if (kind == XML_SCHEMA_FACET_MAXLENGTH && n > limit) return false;
    }
  }
  bool copied = false;
  for (const Level& level : levels_) {
    if (!level.enumeration.empty() &&
        std::find(level.enumeration.begin(), level.enumeration.end(), value) == level.enumeration.end())
      return false;
    if (level.patterns.empty()) continue;
    if (!copied) scratch.assign(value), copied = true;  // xmlRegexpExec reads a C string
    bool matched = false;
    for (xmlRegexpPtr p : level.patterns)
      if (xmlRegexpExec(p, x(scratch)) == 1) {
        matched = true;
        break;
      }
    if (!matched) return false;
  }
  return true;
}

const xmlSchemaElement* global_element(xmlSchemaPtr schema, const std::string& local, const std::string& ns) {
  if (!schema || !same_namespace(schema->targetNamespace, ns)) return nullptr;
  return static_cast<const xmlSchemaElement*>(xmlHashLookup(schema->elemDecl, x(local)));
}

const xmlSchemaType* global_type(xmlSchemaPtr schema, const std::string& local, const std::string& ns) {
  if (!schema || !same_namespace(schema->targetNamespace, ns)) return nullptr;
  return static_cast<const xmlSchemaType*>(xmlHashLookup(schema->typeDecl, x(local)));
}

std::optional<std::vector<const xmlSchemaElement*>> child_declarations(
    const xmlSchemaType* parent, const std::vector<std::pair<std::string, std::string>>& children) {
  if (!parent || parent->type != XML_SCHEMA_TYPE_COMPLEX || parent->builtInType == XML_SCHEMAS_ANYTYPE) return std::nullopt;
  if (parent->contentType != XML_SCHEMA_CONTENT_ELEMENTS && parent->contentType != XML_SCHEMA_CONTENT_MIXED) return std::nullopt;
  if (!parent->contModel) return std::nullopt;
  xmlRegExecCtxtPtr exec = xmlRegNewExecCtxt(parent->contModel, note_declaration, nullptr);
  if (!exec) return std::nullopt;
  std::vector<const xmlSchemaElement*> out;
  bool ok = true;
  for (const auto& [local, ns] : children) {
    void* declaration = nullptr;
    if (xmlRegExecPushString2(exec, x(local), ns.empty() ? nullptr : x(ns), &declaration) < 0 || !declaration) {
      ok = false;
      break;
    }
    auto* d = static_cast<const xmlSchemaElement*>(declaration);
    if (d->type != XML_SCHEMA_TYPE_ELEMENT) {  // a wildcard
      ok = false;
      break;
    }
    out.push_back(d);
  }
  if (ok) ok = xmlRegExecPushString(exec, nullptr, nullptr) == 1;  // the sequence may end here
  xmlRegFreeExecCtxt(exec);
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace netconv::xsd
