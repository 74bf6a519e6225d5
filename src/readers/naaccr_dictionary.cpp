#include "readers/naaccr_dictionary.hpp"

#include <libxml/xmlreader.h>

#include <algorithm>
#include <cstring>

#include "core/diagnostics.hpp"
#include "core/errors.hpp"
#include "core/text.hpp"
#include "core/tsv_table.hpp"

namespace netconv::naaccr {
namespace {

bool all_of(std::string_view v, bool (*pred)(char)) {
  return std::all_of(v.begin(), v.end(), [&](char c) { return pred(c); });
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_mixed(char c) { return is_digit(c) || is_upper(c); }

int to_int(const std::string& s, int fallback = -1) {
  if (s.empty() || s.size() > 9 || !all_of(s, is_digit)) return fallback;
  return std::stoi(s);
}

std::string attr(xmlTextReaderPtr r, const char* name) {
  xmlChar* v = xmlTextReaderGetAttribute(r, reinterpret_cast<const xmlChar*>(name));
  if (!v) return "";
  std::string s(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return s;
}

bool valid_date_time(std::string_view v) {
  // the XSD comment's dateTime pattern, loosely: YYYY[-MM[-DD[Thh:mm:ss]]][Z|+hh:mm]
  if (v.size() < 4 || !all_of(v.substr(0, 4), is_digit)) return false;
  for (char c : v)
    if (!(is_digit(c) || c == '-' || c == ':' || c == 'T' || c == 'Z' || c == '+' || c == '.')) return false;
  return true;
}

}  // namespace

int version_from_uri(std::string_view uri) {
  auto pos = uri.rfind("naaccr-dictionary-");
  if (pos == std::string_view::npos) return 0;
  auto rest = uri.substr(pos + 18);
  auto dot = rest.find(".xml");
  if (dot == std::string_view::npos || dot == 0 || dot > 4) return 0;
  auto num = rest.substr(0, dot);
  if (!all_of(num, is_digit)) return 0;
  return std::stoi(std::string(num));
}

bool valid_naaccr_date(std::string_view v, bool& impossible) {
  impossible = false;
  if (v.size() != 4 && v.size() != 6 && v.size() != 8) return false;
  if (!all_of(v, is_digit)) return false;
  int century = (v[0] - '0') * 10 + (v[1] - '0');
  if (century < 18 || century > 20) return false;
  int year = std::stoi(std::string(v.substr(0, 4)));
  if (v.size() >= 6) {
    int month = std::stoi(std::string(v.substr(4, 2)));
    if (month < 1 || month > 12) return false;
    if (v.size() == 8) {
      int day = std::stoi(std::string(v.substr(6, 2)));
      if (day < 1 || day > 31) return false;
      static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
      bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
      int max = days[month - 1] + (month == 2 && leap ? 1 : 0);
      if (day > max) { impossible = true; return false; }
    }
  }
  return true;
}

ValueProblem check_value(const ItemDef& def, std::string& value) {
  if (value.empty()) return {};
  auto sz = static_cast<int>(value.size());
  if (sz > def.length && !def.unlimited_text)
    return {"NC-NAACCR-022", "value too long: at most " + std::to_string(def.length) + " character(s), got " + std::to_string(sz)};
  bool full = def.data_type == "digits" || def.data_type == "alpha" || def.data_type == "mixed";
  if (full && sz < def.length) {
    if (def.padding == "leftZero" && all_of(value, is_digit)) value.insert(0, static_cast<std::size_t>(def.length - sz), '0');
    else return {"NC-NAACCR-023", "value too short: exactly " + std::to_string(def.length) + " character(s) expected, got " + std::to_string(sz)};
  }
  const auto& t = def.data_type;
  bool ok = true;
  if (t == "digits") ok = all_of(value, is_digit);
  else if (t == "alpha") ok = all_of(value, is_upper);
  else if (t == "mixed") ok = all_of(value, is_mixed);
  else if (t == "numeric") {
    auto dot = value.find('.');
    std::string_view a(value), b;
    if (dot != std::string::npos) { a = std::string_view(value).substr(0, dot); b = std::string_view(value).substr(dot + 1); }
    ok = !a.empty() && all_of(a, is_digit) && (dot == std::string::npos || (!b.empty() && all_of(b, is_digit)));
  } else if (t == "date") {
    bool impossible = false;
    ok = valid_naaccr_date(value, impossible);
    if (impossible) return {"NC-NAACCR-025", "impossible calendar date"};
  } else if (t == "dateTime") ok = valid_date_time(value);
  if (!ok) return {"NC-NAACCR-024", "value is invalid for data type '" + t + "'"};
  return {};
}

Dictionary Dictionary::load_table(const std::string& tsv_path) {
  std::vector<Diagnostic> problems;
  auto t = load_tsv(tsv_path, {"naaccr_id", "naaccr_num", "length", "data_type", "padding", "parent_xml_element",
                               "allow_unlimited_text", "dictionary_versions", "source"}, {}, problems);
  for (const auto& p : problems)
    if (p.severity == Severity::error) throw ConfigError(p.location.to_string() + ": " + p.message);
  Dictionary d;
  for (const auto& r : t.rows) {
    ItemDef def;
    def.id = t.cell(r, "naaccr_id");
    def.num = to_int(t.cell(r, "naaccr_num"));
    def.length = to_int(t.cell(r, "length"));
    def.data_type = t.cell(r, "data_type");
    def.padding = t.cell(r, "padding");
    def.parent = t.cell(r, "parent_xml_element");
    def.unlimited_text = t.cell(r, "allow_unlimited_text") == "yes";
    for (const auto& v : split(t.cell(r, "dictionary_versions"), '|')) def.versions.push_back(to_int(v));
    if (def.id.empty() || def.num < 0 || def.length < 0 ||
        std::any_of(def.versions.begin(), def.versions.end(), [](int v) { return v < 0; }))
      throw ConfigError(t.where(r).to_string() + ": malformed NAACCR dictionary row");
    d.base_[def.id].push_back(std::move(def));
  }
  return d;
}

std::string Dictionary::add_xml(const std::string& path) {
  // dictionaries are small; still read with the same hardening as data files
  xmlTextReaderPtr r = xmlReaderForFile(path.c_str(), nullptr, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!r) throw ConfigError("cannot open NAACCR dictionary " + path);
  std::string uri, problem;
  bool base = false;
  std::vector<ItemDef> items;
  int ret;
  while ((ret = xmlTextReaderRead(r)) == 1) {
    int type = xmlTextReaderNodeType(r);
    if (type == XML_READER_TYPE_DOCUMENT_TYPE) { problem = "DOCTYPE is not allowed"; break; }
    if (type != XML_READER_TYPE_ELEMENT) continue;
    std::string name(reinterpret_cast<const char*>(xmlTextReaderConstLocalName(r)));
    if (name == "NaaccrDictionary") {
      uri = attr(r, "dictionaryUri");
      base = !attr(r, "naaccrVersion").empty();
    } else if (name == "ItemDef") {
      ItemDef def;
      def.id = attr(r, "naaccrId");
      def.num = to_int(attr(r, "naaccrNum"));
      def.length = to_int(attr(r, "length"));
      def.parent = attr(r, "parentXmlElement");
      if (auto t = attr(r, "dataType"); !t.empty()) def.data_type = t;
      if (auto p = attr(r, "padding"); !p.empty()) def.padding = p;
      def.unlimited_text = attr(r, "allowUnlimitedText") == "true";
      if (def.id.empty() || def.num < 0 || def.length < 0 || def.parent.empty()) {
        problem = "ItemDef at line " + std::to_string(xmlTextReaderGetParserLineNumber(r)) + " lacks naaccrId, naaccrNum, length or parentXmlElement";
        break;
      }
      items.push_back(std::move(def));
    }
  }
  if (ret < 0 && problem.empty()) {
    const xmlError* e = xmlGetLastError();
    problem = "malformed XML" + (e ? " at line " + std::to_string(e->line) + ", column " + std::to_string(e->int2) : std::string());
  }
  xmlFreeTextReader(r);
  if (!problem.empty()) throw ConfigError("NAACCR dictionary " + path + ": " + problem);
  if (uri.empty()) throw ConfigError("NAACCR dictionary " + path + ": no dictionaryUri (is it a NaaccrDictionary?)");
  if (base) {
    int v = version_from_uri(uri);
    for (auto& i : items) i.versions = {v};
    named_base_[uri] = std::move(items);
  } else {
    for (auto& i : items) i.dictionary_uri = uri;
    user_[uri] = std::move(items);
  }
  return uri;
}

Dictionary::FileDictionaries Dictionary::use_for_file(const std::string& base_uri, const std::vector<std::string>& user_uris) {
  FileDictionaries f;
  active_user_.clear();
  active_named_base_.clear();
  file_base_ = nullptr;
  int v = version_from_uri(base_uri);
  f.version_known = v > 0;
  if (auto it = named_base_.find(base_uri); it != named_base_.end()) {
    file_base_ = &it->second;
    for (const auto& d : *file_base_) active_named_base_[d.id] = &d;
  }
  version_ = v > 0 ? v : kNewest;
  f.version = version_;
  f.supported = file_base_ || (version_ >= kOldest && version_ <= kNewest);
  // user dictionaries the user named are always active (they named them for this run); the
  // ones the file declares but nobody named are reported
  for (const auto& [uri, items] : user_)
    for (const auto& d : items) active_user_.emplace(d.id, &d);
  for (const auto& u : user_uris)
    if (!u.empty() && !user_.count(u) && !named_base_.count(u)) f.missing_user_dictionaries.push_back(u);
  return f;
}

const ItemDef* Dictionary::find(const std::string& id) const {
  if (file_base_) {
    auto it = active_named_base_.find(id);
    if (it != active_named_base_.end()) return it->second;
  } else if (auto it = base_.find(id); it != base_.end()) {
    // the row for the file's version; older/newer files use the nearest version netconv carries
    int want = std::clamp(version_, static_cast<int>(kOldest), static_cast<int>(kNewest));
    for (const auto& d : it->second)
      if (std::find(d.versions.begin(), d.versions.end(), want) != d.versions.end()) return &d;
    if (version_ < kOldest || version_ > kNewest) {  // not in the nearest version: any version
      return &it->second.front();
    }
  }
  if (auto it = active_user_.find(id); it != active_user_.end()) return it->second;
  return nullptr;
}

std::string Dictionary::other_versions(const std::string& id) const {
  auto it = base_.find(id);
  if (it == base_.end()) return "";
  std::string out;
  for (const auto& d : it->second)
    for (int v : d.versions) out += (out.empty() ? "" : ", ") + std::to_string(v);
  return out;
}

}  // namespace netconv::naaccr
