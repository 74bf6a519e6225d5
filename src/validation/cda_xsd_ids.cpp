#include "validation/cda_xsd_ids.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <string_view>

namespace netconv {
namespace {

constexpr std::string_view kXsd = "http://www.w3.org/2001/XMLSchema";

std::string prop(xmlNodePtr n, const char* name) {
  xmlChar* v = xmlGetNoNsProp(n, reinterpret_cast<const xmlChar*>(name));
  if (!v) return "";
  std::string s = reinterpret_cast<const char*>(v);
  xmlFree(v);
  return s;
}

// Whether the QName `qname`, read in the scope of `n`, is xs:ID.
bool is_xs_id(xmlNodePtr n, std::string_view qname) {
  auto colon = qname.find(':');
  std::string prefix(colon == std::string_view::npos ? "" : qname.substr(0, colon));
  std::string_view local = colon == std::string_view::npos ? qname : qname.substr(colon + 1);
  if (local != "ID") return false;
  xmlNsPtr ns = xmlSearchNs(n->doc, n, prefix.empty() ? nullptr : reinterpret_cast<const xmlChar*>(prefix.c_str()));
  return ns && ns->href && reinterpret_cast<const char*>(ns->href) == kXsd;
}

struct Scan {
  std::set<std::string> files, names;
  bool derived = false;  // a simple type restricts, lists or unites xs:ID
  bool unreadable = false;

  void file(const std::string& path) {
    if (!files.insert(path).second) return;
    xmlDocPtr doc = xmlReadFile(path.c_str(), nullptr, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) return void(unreadable = true);
    node(xmlDocGetRootElement(doc), path);
    xmlFreeDoc(doc);
  }

  void node(xmlNodePtr n, const std::string& path) {
    for (; n; n = n->next) {
      if (n->type != XML_ELEMENT_NODE) continue;
      bool xsd = n->ns && n->ns->href && reinterpret_cast<const char*>(n->ns->href) == kXsd;
      std::string_view name = reinterpret_cast<const char*>(n->name);
      if (xsd && name == "attribute" && is_xs_id(n, prop(n, "type"))) names.insert(prop(n, "name"));
      if (xsd && (is_xs_id(n, prop(n, "base")) || is_xs_id(n, prop(n, "itemType")))) derived = true;
      if (xsd && name == "union")
        for (const auto& member : split_spaces(prop(n, "memberTypes"))) derived |= is_xs_id(n, member);
      if (xsd && (name == "include" || name == "import" || name == "redefine")) {
        std::string loc = prop(n, "schemaLocation");
        if (!loc.empty()) {
          xmlChar* uri = xmlBuildURI(reinterpret_cast<const xmlChar*>(loc.c_str()), reinterpret_cast<const xmlChar*>(path.c_str()));
          if (uri) {
            std::string next = reinterpret_cast<const char*>(uri);
            xmlFree(uri);
            file(next);
          } else {
            unreadable = true;
          }
        }
      }
      node(n->children, path);
    }
  }

  static std::vector<std::string> split_spaces(const std::string& s) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < s.size()) {
      auto j = s.find_first_of(" \t\r\n", i);
      if (j == std::string::npos) j = s.size();
      if (j > i) out.push_back(s.substr(i, j - i));
      i = j + 1;
    }
    return out;
  }
};

}  // namespace

std::optional<std::vector<std::string>> xsd_id_attributes(const std::string& xsd_path) {
  Scan scan;
  scan.file(xsd_path);
  if (scan.derived || scan.unreadable) return std::nullopt;
  return std::vector<std::string>(scan.names.begin(), scan.names.end());
}

bool XsdIdValues::counts(std::string_view local, std::string_view prefix) const {
  if (local == "id" && prefix == "xml") return true;
  return names && std::find(names->begin(), names->end(), local) != names->end();
}

void XsdIdValues::add(std::string_view v) {
  // libxml2 compares the values with surrounding whitespace stripped (xs:ID collapses it)
  while (!v.empty() && std::strchr(" \t\r\n", v.front())) v.remove_prefix(1);
  while (!v.empty() && std::strchr(" \t\r\n", v.back())) v.remove_suffix(1);
  spans_.emplace_back(text_.size(), v.size());
  text_ += v;
}

bool XsdIdValues::unique() {
  sorted_.clear();
  for (auto [at, n] : spans_) sorted_.emplace_back(text_.data() + at, n);
  std::sort(sorted_.begin(), sorted_.end());
  return std::adjacent_find(sorted_.begin(), sorted_.end()) == sorted_.end();
}

}  // namespace netconv
