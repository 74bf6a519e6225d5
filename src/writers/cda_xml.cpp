#include "writers/cda_xml.hpp"

#include <array>
#include <cstdint>
#include <stdexcept>

namespace netconv::cda {
namespace {

// What a byte needs in text content or in an attribute value.
enum Kind : unsigned char { plain, drop, escape, non_ascii };

constexpr bool dropped(unsigned char u) { return u < 0x20 && u != '\t' && u != '\n' && u != '\r'; }

constexpr std::array<Kind, 256> kinds(bool attribute, bool char_refs) {
  std::array<Kind, 256> k{};
  for (unsigned u = 0; u < 256; ++u) {
    auto c = static_cast<unsigned char>(u);
    if (dropped(c)) k[u] = drop;
    else if (c == '<' || c == '>' || c == '&' || c == '"' || c == '\r') k[u] = escape;
    else if (attribute && (c == '\n' || c == '\t')) k[u] = escape;
    else if (attribute && char_refs && c >= 0x80) k[u] = non_ascii;
    else k[u] = plain;
  }
  return k;
}
constexpr auto kText = kinds(false, false);
constexpr auto kAttribute = kinds(true, false);
constexpr auto kAttributeCharRefs = kinds(true, true);

const char* entity(unsigned char c) {
  switch (c) {
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '&': return "&amp;";
    case '"': return "&quot;";
    case '\r': return "&#13;";
    case '\n': return "&#10;";
    default: return "&#9;";
  }
}

// &#xHEX; as libxml2's xmlSerializeHexCharRef writes it (upper case, no leading zeros).
void char_ref(std::string& out, std::uint32_t v) {
  char digits[8];
  int n = 0;
  do {
    digits[n++] = "0123456789ABCDEF"[v & 0xF];
    v >>= 4;
  } while (v);
  out += "&#x";
  while (n) out += digits[--n];
  out += ';';
}

bool xml_char(std::uint32_t v) {  // libxml2's IS_CHAR
  if (v < 0x100) return v == 0x9 || v == 0xA || v == 0xD || v >= 0x20;
  return (v <= 0xD7FF) || (v >= 0xE000 && v <= 0xFFFD) || (v >= 0x10000 && v <= 0x10FFFF);
}

// A non-ASCII sequence in an attribute value becomes a character reference, as libxml2 writes
// attributes when no encoding was declared (no XML declaration); a byte that does not start a valid
// character becomes a reference of its own, and the value's last byte is copied as it is.
// Returns the bytes consumed.
std::size_t attribute_non_ascii(std::string& out, std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char lead = b(i);
  if (i + 1 == s.size()) {
    out += static_cast<char>(lead);
    return 1;
  }
  std::size_t len = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : lead < 0xF8 ? 4 : 1;
  if (len == 1 || i + len > s.size()) {
    char_ref(out, lead);
    return 1;
  }
  std::uint32_t v = lead & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
  for (std::size_t k = 1; k < len; ++k) v = (v << 6) | (b(i + k) & 0x3F);  // as libxml2: no continuation check
  if (!xml_char(v)) {
    char_ref(out, lead);
    return 1;
  }
  char_ref(out, v);
  return len;
}

// Appends s escaped with the table; runs of plain bytes are copied at once.
void escaped(std::string& out, std::string_view s, const std::array<Kind, 256>& kind) {
  std::size_t i = 0, run = 0;
  while (i < s.size()) {
    Kind k = kind[static_cast<unsigned char>(s[i])];
    if (k == plain) {
      ++i;
      continue;
    }
    out.append(s, run, i - run);
    if (k == escape) out += entity(static_cast<unsigned char>(s[i++]));
    else if (k == drop) ++i;
    else i += attribute_non_ascii(out, s, i);
    run = i;
  }
  out.append(s, run, i - run);
}

[[noreturn]] void misuse(const char* what) { throw std::runtime_error(std::string("CDA writer: ") + what); }

}  // namespace

std::string xml_safe(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s)
    if (!dropped(static_cast<unsigned char>(c))) out += c;
  return out;
}

XmlOut::XmlOut(bool declaration, std::string& buffer) : out_(buffer), char_refs_(!declaration) {
  out_.clear();
  if (declaration) out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
}

void XmlOut::close_start_tag() {
  if (!open_.empty() && !open_.back().content) {
    out_ += '>';
    open_.back().content = true;
  }
}

void XmlOut::indent(std::size_t levels) { out_.append(2 * levels, ' '); }

XmlOut& XmlOut::start(std::string_view name) {
  if (name.empty()) misuse("empty element name");
  if (!open_.empty() && !open_.back().content) {
    out_ += ">\n";
    open_.back().content = true;
  }
  open_.push_back({names_.size(), name.size(), false});
  names_ += name;
  indent(open_.size() - 1);
  out_ += '<';
  out_ += name;
  return *this;
}

XmlOut& XmlOut::attr(std::string_view name, std::string_view value) {
  if (name.empty() || open_.empty() || open_.back().content) misuse("attribute outside a start tag");
  out_ += ' ';
  out_ += name;
  out_ += "=\"";
  if (!char_refs_) {
    escaped(out_, value, kAttribute);
  } else {
    // dropping a control character may join the bytes around it into one UTF-8 sequence that
    // becomes one reference: drop first, then escape, as libxml2 got the text
    bool controls = false;
    for (char c : value) controls |= dropped(static_cast<unsigned char>(c));
    std::string safe = controls ? xml_safe(value) : std::string();
    escaped(out_, controls ? std::string_view(safe) : value, kAttributeCharRefs);
  }
  out_ += '"';
  return *this;
}

XmlOut& XmlOut::text(std::string_view s) {
  if (open_.empty()) misuse("text outside an element");
  close_start_tag();
  indent_end_ = false;
  escaped(out_, s, kText);
  return *this;
}

XmlOut& XmlOut::end() {
  if (open_.empty()) misuse("end without an open element");
  const Open o = open_.back();
  if (!o.content) {
    out_ += "/>";
  } else {
    if (indent_end_) indent(open_.size() - 1);
    out_ += "</";
    out_.append(names_, o.name_at, o.name_len);
    out_ += '>';
  }
  indent_end_ = true;
  out_ += '\n';
  open_.pop_back();
  names_.resize(o.name_at);
  return *this;
}

XmlOut& XmlOut::element(std::string_view name, std::string_view s) { return start(name).text(s).end(); }

std::string XmlOut::finish() {
  while (!open_.empty()) end();
  if (out_.empty() || out_.back() != '\n') out_ += '\n';
  return out_;  // an exact-size copy: the documents in flight hold no spare capacity
}

}  // namespace netconv::cda
