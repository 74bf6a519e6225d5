#include "validation/xml_subset_scan.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace netconv {
namespace {

constexpr std::string_view kDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
constexpr std::uint32_t kMaxDepth = 256;
constexpr std::size_t kMaxDocument = std::size_t{1} << 31;
constexpr std::string_view kSpaces = "                                                                ";

bool space(char c) { return c == ' ' || c == '\t' || c == '\n'; }

// ASCII name characters: 1 may start a name, 2 may continue one.
constexpr std::array<std::uint8_t, 256> kName = [] {
  std::array<std::uint8_t, 256> t{};
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = 3;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = 3;
  t['_'] = 3;
  for (int c = '0'; c <= '9'; ++c) t[c] = 2;
  t['.'] = t['-'] = 2;
  return t;
}();

// Byte classes for text and attribute values: 0 plain, 1 space, 2 needs a closer look.
constexpr std::array<std::uint8_t, 256> kClass = [] {
  std::array<std::uint8_t, 256> t{};
  for (int b = 0; b < 0x20; ++b) t[b] = 2;
  for (int b = 0x80; b < 0x100; ++b) t[b] = 2;
  t[' '] = t['\t'] = t['\n'] = 1;
  t['&'] = t['<'] = t['>'] = t['"'] = 2;
  return t;
}();

// How many of the first `n` bytes at `p` are plain: printable ASCII other than '"', '&', '<' and
// '>'. Sixteen bytes at a time where SSE2 is there (every x86-64); DEL is left to the byte loop.
std::size_t plain_prefix(const char* p, std::size_t n) {
  std::size_t i = 0;
#if defined(__SSE2__)
  const __m128i below_space = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'), amp = _mm_set1_epi8('&'),
                lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>'), del = _mm_set1_epi8(0x7F);
  for (; i + 16 <= n; i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    // signed: bytes from 0x80 up are negative, so this also flags every non-ASCII byte
    __m128i special = _mm_or_si128(_mm_cmplt_epi8(v, below_space),
                                   _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, amp)),
                                                _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, lt), _mm_cmpeq_epi8(v, gt)),
                                                             _mm_cmpeq_epi8(v, del))));
    if (int mask = _mm_movemask_epi8(special)) return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  while (i < n && (kClass[static_cast<unsigned char>(p[i])] == 0 || p[i] == ' ')) ++i;
  return i;
}

// An ASCII name, optionally with one prefix. Returns its length, 0 when there is none.
[[gnu::always_inline]] inline std::size_t name_length(std::string_view s, std::size_t at) {
  std::size_t i = at;
  for (int part = 0; part < 2; ++part) {
    if (i >= s.size() || !(kName[static_cast<unsigned char>(s[i])] & 1)) return 0;
    while (++i < s.size() && kName[static_cast<unsigned char>(s[i])]) {
    }
    if (i >= s.size() || s[i] != ':' || part == 1) break;
    ++i;
  }
  if (i < s.size() && s[i] == ':') return 0;
  return i - at;
}

// One UTF-8 character that XML 1.0 allows (Char), starting at a byte >= 0x80. Returns its length,
// 0 when the bytes are not one.
std::size_t utf8_char(std::string_view s, std::size_t at) {
  auto byte = [&](std::size_t k) -> unsigned { return at + k < s.size() ? static_cast<unsigned char>(s[at + k]) : 0u; };
  auto cont = [&](std::size_t k) { return (byte(k) & 0xC0u) == 0x80u; };
  unsigned b0 = byte(0);
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    unsigned b1 = byte(1);
    if (b0 == 0xE0 && b1 < 0xA0) return 0;                            // overlong
    if (b0 == 0xED && b1 >= 0xA0) return 0;                           // surrogates
    if (b0 == 0xEF && b1 == 0xBF && byte(2) >= 0xBE) return 0;        // U+FFFE, U+FFFF
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    unsigned b1 = byte(1);
    if (b0 == 0xF0 && b1 < 0x90) return 0;  // overlong
    if (b0 == 0xF4 && b1 >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

// One of the five predefined entity references at `at` ('&'); returns its length, 0 otherwise.
std::size_t entity_length(std::string_view s, std::size_t at) {
  for (std::string_view e : {"&lt;", "&gt;", "&amp;", "&quot;", "&apos;"})
    if (s.compare(at, e.size(), e) == 0) return e.size();
  return 0;
}

// A byte a plain run stopped at, in text or in an attribute value (not '<' nor, in a value, the
// closing '"'): how many bytes it takes (an entity reference, a UTF-8 character, a '>'), 0 when it
// is not allowed there or not in the subset: "]]>" in text; controls, carriage returns, and in a
// value tabs and newlines (attribute-value normalisation would change them).
std::size_t special_length(std::string_view s, std::size_t i, bool in_value, bool& has_entity) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == '&') {
    std::size_t n = entity_length(s, i);
    has_entity |= n != 0;
    return n;
  }
  if (c == '>') return !in_value && i >= 2 && s[i - 1] == ']' && s[i - 2] == ']' ? 0 : 1;
  if (c == '"') return in_value ? 0 : 1;
  if (c >= 0x80) return utf8_char(s, i);
  return 0;
}

}  // namespace

std::string_view XmlSubsetScan::decoded(std::string_view raw, bool has_entity, std::string& out) {
  if (!has_entity) return raw;
  out.clear();
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '&') {
      out += raw[i];
      continue;
    }
    std::size_t n = entity_length(raw, i);
    std::string_view e = raw.substr(i, n);
    out += e == "&lt;" ? '<' : e == "&gt;" ? '>' : e == "&amp;" ? '&' : e == "&quot;" ? '"' : '\'';
    i += n - 1;
  }
  return out;
}

// Text from `at` up to the next '<'. Adds its kind to `into`; false when it is not well-formed or
// outside the subset.
bool XmlSubsetScan::text(std::size_t& at, XmlSubsetElement& into, bool& has_entity) {
  const std::string_view s = xml_;
  XmlTextKind kind = XmlTextKind::none;
  std::size_t i = at;
  const void* next_tag = std::memchr(s.data() + at, '<', s.size() - at);
  if (!next_tag) return false;  // an element left open
  const std::size_t stop = static_cast<std::size_t>(static_cast<const char*>(next_tag) - s.data());
  // the usual text: a line break and indentation up to the next tag
  std::size_t j = at < stop && s[at] == '\n' ? at + 1 : at;
  if (stop - j <= kSpaces.size() && s.compare(j, stop - j, kSpaces.substr(0, stop - j)) == 0) {
    if (stop > at && into.text == XmlTextKind::none) into.text = XmlTextKind::space;
    at = stop;
    return true;
  }
  while (i < stop) {
    if (std::size_t run = plain_prefix(s.data() + i, stop - i)) {
      if (kind != XmlTextKind::content) {
        const char* p = s.data() + i;
        kind = std::find_if(p, p + run, [](char c) { return c != ' '; }) == p + run ? std::max(kind, XmlTextKind::space)
                                                                                    : XmlTextKind::content;
      }
      i += run;
      continue;
    }
    // not plain: DEL, a tab or newline, or a byte special_length knows
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::uint8_t cls = kClass[c];
    if (cls == 1) {
      if (kind == XmlTextKind::none) kind = XmlTextKind::space;
      ++i;
      continue;
    }
    std::size_t n = cls == 0 ? 1 : special_length(s, i, false, has_entity);
    if (n == 0) return false;
    i += n;
    kind = XmlTextKind::content;
  }
  if (kind > into.text) into.text = kind;
  at = i;
  return true;
}

bool XmlSubsetScan::read(std::string_view xml, const XmlVerbatimFinder* verbatim) {
  xml_ = xml;
  elements_.clear();
  attributes_.clear();
  open_.clear();
  const std::string_view s = xml;
  if (s.size() >= kMaxDocument) return false;  // offsets are 32-bit; libxml2 reads < 2 GiB anyway
  std::size_t at = 0;
  if (s.substr(0, 2) == "<?") {
    if (s.substr(0, kDeclaration.size()) != kDeclaration) return false;
    at = kDeclaration.size();
  }
  while (at < s.size() && space(s[at])) ++at;
  for (;;) {
    if (at + 1 >= s.size() || s[at] != '<') return false;
    if (!(s[at + 1] == '/' ? end_tag(at) : start_tag(at, verbatim))) return false;
    if (open_.empty()) break;  // the root is closed
    XmlSubsetElement& current = elements_[open_.back()];
    std::size_t from = at;
    bool has_entity = false;
    if (!text(at, current, has_entity)) return false;
    if (current.child_count == 0 && at > from) {
      current.leaf_text = s.substr(from, at - from);
      current.leaf_text_has_entity = has_entity;
    }
  }
  while (at < s.size() && space(s[at])) ++at;
  return at == s.size();
}

// At "</": the end tag of the innermost open element, which it closes.
bool XmlSubsetScan::end_tag(std::size_t& at) {
  const std::string_view s = xml_;
  if (open_.empty()) return false;
  const std::string_view open_name = elements_[open_.back()].name;
  std::size_t after = at + 2 + open_name.size();
  if (s.compare(at + 2, open_name.size(), open_name) != 0 || after >= s.size() || kName[static_cast<unsigned char>(s[after])] ||
      s[after] == ':')
    return false;
  at = after;
  while (at < s.size() && space(s[at])) ++at;
  if (at >= s.size() || s[at] != '>') return false;
  ++at;
  elements_[open_.back()].end = static_cast<std::uint32_t>(at);
  open_.pop_back();
  return true;
}

// At '<' of a start tag: the element, its attributes, linked to its parent; opened unless it
// closes itself or is a subtree `verbatim` knows (then skipped whole).
bool XmlSubsetScan::start_tag(std::size_t& at, const XmlVerbatimFinder* verbatim) {
  const std::string_view s = xml_;
  std::size_t n = name_length(s, at + 1);
  if (n == 0 || open_.size() >= kMaxDepth) return false;
  auto index = static_cast<std::uint32_t>(elements_.size());
  XmlSubsetElement e;
  e.name = s.substr(at + 1, n);
  e.first_attribute = static_cast<std::uint32_t>(attributes_.size());
  e.begin = static_cast<std::uint32_t>(at);
  std::size_t copy_length = 0;
  if (verbatim && !open_.empty()) e.verbatim = verbatim->match(s.substr(at), copy_length);
  at += 1 + n;
  bool self_closing = false;
  if (e.verbatim != XmlSubsetElement::kNone) {
    at = e.begin + copy_length;
    e.end = static_cast<std::uint32_t>(at);
    self_closing = true;  // nothing of it is open any more
  } else if (!tag_rest(at, e, self_closing)) {
    return false;
  }
  if (!attach(index)) return false;
  elements_.push_back(e);
  if (!self_closing) open_.push_back(index);
  return true;
}

// After a start tag's name: its attributes up to '>' or "/>" (`self_closing`).
bool XmlSubsetScan::tag_rest(std::size_t& at, XmlSubsetElement& e, bool& self_closing) {
  const std::string_view s = xml_;
  for (;;) {
    std::size_t before = at;
    while (at < s.size() && space(s[at])) ++at;
    if (at >= s.size()) return false;
    if (s[at] == '>') {
      ++at;
      return true;
    }
    if (s[at] == '/') {
      if (at + 1 >= s.size() || s[at + 1] != '>') return false;
      at += 2;
      self_closing = true;
      e.end = static_cast<std::uint32_t>(at);
      return true;
    }
    if (at == before) return false;  // attributes are separated by white space
    if (!attribute(at)) return false;
    ++e.attribute_count;
  }
}

// One attribute, name="value", at its name's first byte; appended to attributes_.
bool XmlSubsetScan::attribute(std::size_t& at) {
  const std::string_view s = xml_;
  std::size_t an = name_length(s, at);
  if (an == 0 || at + an + 1 >= s.size() || s[at + an] != '=' || s[at + an + 1] != '"') return false;
  XmlSubsetAttribute a;
  a.name = s.substr(at, an);
  a.prefixed = a.name.find(':') != std::string_view::npos;
  if (!open_.empty() && a.name[0] == 'x' && (a.name == "xmlns" || a.name.substr(0, 6) == "xmlns:")) return false;
  std::size_t v = at + an + 2, i = v;
  for (;;) {
    i += plain_prefix(s.data() + i, s.size() - i);
    if (i >= s.size()) return false;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"') break;
    if (c == '<') return false;
    std::size_t n = kClass[c] == 0 || c == ' ' ? 1 : special_length(s, i, true, a.has_entity);
    if (n == 0) return false;
    i += n;
  }
  a.value = s.substr(v, i - v);
  at = i + 1;
  attributes_.push_back(a);
  return true;
}

// Links the element about to be appended as `index` to the innermost open element; false when it
// would be a second root.
bool XmlSubsetScan::attach(std::uint32_t index) {
  if (open_.empty()) return elements_.empty();
  XmlSubsetElement& parent = elements_[open_.back()];
  if (parent.last_child == XmlSubsetElement::kNone) {
    parent.first_child = index;
  } else {
    elements_[parent.last_child].next_sibling = index;
  }
  parent.last_child = index;
  ++parent.child_count;
  parent.leaf_text = {};
  parent.leaf_text_has_entity = false;
  return true;
}

}  // namespace netconv
