#include "validation/fhir_primitives.hpp"

#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>

namespace netconv::fhir {
namespace {

struct PrimName {
  const char* name;
  Prim prim;
};
constexpr std::array<PrimName, 20> kNames{{
    {"boolean", Prim::boolean},       {"integer", Prim::integer},   {"unsignedInt", Prim::unsignedInt},
    {"positiveInt", Prim::positiveInt}, {"decimal", Prim::decimal}, {"string", Prim::string},
    {"markdown", Prim::markdown},     {"code", Prim::code},         {"id", Prim::id},
    {"uri", Prim::uri},               {"url", Prim::url},           {"canonical", Prim::canonical},
    {"oid", Prim::oid},               {"uuid", Prim::uuid},         {"base64Binary", Prim::base64Binary},
    {"date", Prim::date},             {"dateTime", Prim::dateTime}, {"instant", Prim::instant},
    {"time", Prim::time},             {"xhtml", Prim::xhtml},
}};

bool digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return false;
  for (std::size_t i = pos; i < pos + n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}
int num(std::string_view s, std::size_t pos, std::size_t n) {
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}
bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int days_in(int y, int m) {
  static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : d[m - 1];
}

// Parses the date part at s[0..]: returns chars consumed (4, 7 or 10), 0 if invalid.
std::size_t date_part(std::string_view s, bool need_full) {
  if (!digits(s, 0, 4)) return 0;
  int y = num(s, 0, 4);
  if (y == 0) return 0;  // R4 regex: year 0000 is not allowed
  if (s.size() == 4 || s[4] != '-') return need_full ? 0 : 4;
  if (!digits(s, 5, 2)) return 0;
  int m = num(s, 5, 2);
  if (m < 1 || m > 12) return 0;
  if (s.size() == 7 || s[7] != '-') return need_full ? 0 : 7;
  if (!digits(s, 8, 2)) return 0;
  int d = num(s, 8, 2);
  if (d < 1 || d > days_in(y, m)) return 0;
  return 10;
}

// hh:mm:ss(.f+)? at s[pos..]; returns end position or 0.
std::size_t time_part(std::string_view s, std::size_t pos) {
  if (!digits(s, pos, 2) || pos + 2 >= s.size() || s[pos + 2] != ':' || !digits(s, pos + 3, 2) ||
      pos + 5 >= s.size() || s[pos + 5] != ':' || !digits(s, pos + 6, 2))
    return 0;
  int h = num(s, pos, 2), mi = num(s, pos + 3, 2), se = num(s, pos + 6, 2);
  if (h > 23 || mi > 59 || se > 60) return 0;  // 60: leap second, as the R4 regex allows
  std::size_t p = pos + 8;
  if (p < s.size() && s[p] == '.') {
    std::size_t q = p + 1;
    while (q < s.size() && s[q] >= '0' && s[q] <= '9') ++q;
    if (q == p + 1) return 0;
    p = q;
  }
  return p;
}

bool zone(std::string_view s, std::size_t p) {
  if (p >= s.size()) return false;
  if (s[p] == 'Z') return p + 1 == s.size();
  if (s[p] != '+' && s[p] != '-') return false;
  if (p + 6 != s.size() || !digits(s, p + 1, 2) || s[p + 3] != ':' || !digits(s, p + 4, 2)) return false;
  int h = num(s, p + 1, 2), m = num(s, p + 4, 2);
  return (h < 14 && m <= 59) || (h == 14 && m == 0);
}

constexpr bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
// The regexes' [A-Za-z0-9]: ASCII whatever the C locale (and no call per character).
constexpr bool ascii_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// Character classes by byte, so that the scans of every id and uri a run validates (one of each
// per resource at least) test each byte with one load and no branch.
enum : std::uint8_t { kIdChar = 1, kSpace = 2, kControl = 4 };
constexpr std::array<std::uint8_t, 256> kClass = [] {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    if (ascii_alnum(static_cast<char>(c)) || c == '-' || c == '.') t[c] |= kIdChar;
    if (is_ws(static_cast<char>(c))) t[c] |= kSpace;
    if (c < 0x20 && c != '\t' && c != '\r' && c != '\n') t[c] |= kControl;
  }
  return t;
}();
bool all_id_chars(std::string_view s) {
  std::uint8_t all = kIdChar;
  for (char c : s) all &= kClass[static_cast<unsigned char>(c)];
  return all != 0;
}
// R4 string: "SHALL NOT contain Unicode character points below 32, except for u0009 (horizontal
// tab), u0010 (carriage return) and u0013 (line feed)" (datatypes.html#string); code and markdown
// are strings, so the rule holds for them too. UTF-8 continuation bytes are >= 0x80: a byte scan
// sees exactly the code points below 32.
bool any_control(std::string_view s) {
  std::uint8_t any = 0;
  for (char c : s) any |= kClass[static_cast<unsigned char>(c)];
  return (any & kControl) != 0;
}
bool any_space(std::string_view s) {
  std::uint8_t any = 0;
  for (char c : s) any |= kClass[static_cast<unsigned char>(c)];
  return (any & kSpace) != 0;
}

}  // namespace

Prim prim_from_name(std::string_view name) {
  for (const auto& n : kNames)
    if (name == n.name) return n.prim;
  return Prim::none;
}

const char* prim_name(Prim p) {
  for (const auto& n : kNames)
    if (n.prim == p) return n.name;
  return "?";
}

JsonKind json_kind(Prim p) {
  switch (p) {
    case Prim::boolean: return JsonKind::boolean;
    case Prim::integer:
    case Prim::unsignedInt:
    case Prim::positiveInt:
    case Prim::decimal: return JsonKind::number;
    default: return JsonKind::string;
  }
}

bool valid_date(std::string_view s) {
  std::size_t n = date_part(s, false);
  return n != 0 && n == s.size();
}

bool valid_date_time(std::string_view s) {
  std::size_t n = date_part(s, false);
  if (n == 0) return false;
  if (n == s.size()) return true;
  if (n != 10 || s[10] != 'T') return false;
  std::size_t p = time_part(s, 11);
  return p != 0 && zone(s, p);
}

bool valid_instant(std::string_view s) {
  std::size_t n = date_part(s, true);
  if (n != 10 || s.size() <= 10 || s[10] != 'T') return false;
  std::size_t p = time_part(s, 11);
  return p != 0 && zone(s, p);
}

bool valid_time(std::string_view s) {
  std::size_t p = time_part(s, 0);
  return p != 0 && p == s.size();
}

constexpr const char* kControlReason = "control character (R4 strings allow none below U+0020 except tab, CR, LF)";

const char* check_string_primitive(Prim p, std::string_view s) {
  switch (p) {
    case Prim::string:
    case Prim::markdown:
      // R4: [ \r\n\t\S]+ ; strings SHALL NOT be empty
      if (s.empty()) return "empty string (FHIR strings must have at least one character)";
      if (any_control(s)) return kControlReason;
      return nullptr;
    case Prim::code: {
      // [^\s]+(\s[^\s]+)*
      if (s.empty()) return "empty code";
      if (is_ws(s.front()) || is_ws(s.back())) return "code with leading or trailing whitespace";
      for (std::size_t i = 1; i < s.size(); ++i)
        if (is_ws(s[i]) && (s[i] != ' ' || is_ws(s[i - 1]))) return "code with invalid whitespace";
      if (any_control(s)) return kControlReason;
      return nullptr;
    }
    case Prim::id: {
      if (s.empty() || s.size() > 64 || !all_id_chars(s)) return "id must be 1-64 characters [A-Za-z0-9\\-\\.]";
      return nullptr;
    }
    case Prim::uri:
    case Prim::url:
    case Prim::canonical: {
      if (s.empty()) return "empty uri";
      if (any_space(s)) return "uri contains whitespace";
      return nullptr;
    }
    case Prim::oid: {
      // urn:oid:[0-2](\.(0|[1-9][0-9]*))+
      if (s.substr(0, 8) != "urn:oid:") return "oid must look like urn:oid:1.2.3";
      std::string_view r = s.substr(8);
      if (r.size() < 3 || r[0] < '0' || r[0] > '2' || r[1] != '.') return "oid must look like urn:oid:1.2.3";
      std::size_t i = 1;
      while (i < r.size()) {
        if (r[i] != '.' || i + 1 >= r.size()) return "oid must look like urn:oid:1.2.3";
        std::size_t j = i + 1;
        if (r[j] == '0' && j + 1 < r.size() && r[j + 1] != '.') return "oid must look like urn:oid:1.2.3";
        while (j < r.size() && r[j] >= '0' && r[j] <= '9') ++j;
        if (j == i + 1) return "oid must look like urn:oid:1.2.3";
        i = j;
      }
      return nullptr;
    }
    case Prim::uuid: {
      if (s.size() != 45 || s.substr(0, 9) != "urn:uuid:") return "uuid must look like urn:uuid:8-4-4-4-12 hex";
      for (std::size_t i = 9; i < s.size(); ++i) {
        std::size_t k = i - 9;
        bool dash = k == 8 || k == 13 || k == 18 || k == 23;
        if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i])))
          return "uuid must look like urn:uuid:8-4-4-4-12 hex";
      }
      return nullptr;
    }
    case Prim::base64Binary: {
      std::size_t n = 0;
      for (char c : s) {
        if (is_ws(c)) continue;
        if (!(ascii_alnum(c) || c == '+' || c == '/' || c == '=')) return "not base64";
        ++n;
      }
      if (n % 4 != 0) return "base64 length is not a multiple of 4";
      return nullptr;
    }
    case Prim::date: return valid_date(s) ? nullptr : "not a valid date (YYYY, YYYY-MM or YYYY-MM-DD, a real calendar day)";
    case Prim::dateTime:
      return valid_date_time(s) ? nullptr
                                : "not a valid dateTime (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss(.sss)+zz:zz, a real calendar day)";
    case Prim::instant: return valid_instant(s) ? nullptr : "not a valid instant (YYYY-MM-DDThh:mm:ss(.sss)Z or +zz:zz)";
    case Prim::time: return valid_time(s) ? nullptr : "not a valid time (hh:mm:ss)";
    case Prim::xhtml: return s.empty() ? "empty xhtml" : nullptr;
    default: return nullptr;
  }
}

const char* check_number_primitive(Prim p, bool is_integer, bool is_negative, double value) {
  switch (p) {
    case Prim::integer:
      if (!is_integer) return "not an integer";
      if (value < -2147483648.0 || value > 2147483647.0) return "integer out of 32-bit range";
      return nullptr;
    case Prim::unsignedInt:
      if (!is_integer || is_negative) return "not an unsignedInt (0 or more)";
      if (value > 2147483647.0) return "unsignedInt out of range";
      return nullptr;
    case Prim::positiveInt:
      if (!is_integer || is_negative || value < 1) return "not a positiveInt (1 or more)";
      if (value > 2147483647.0) return "positiveInt out of range";
      return nullptr;
    default: return nullptr;
  }
}

}  // namespace netconv::fhir
