#include "validation/json_tree.hpp"

#include <charconv>
#include <cstring>

namespace netconv::fhir {

const char* JsonNode::type_name() const {
  switch (type_) {
    case JsonType::null: return "null";
    case JsonType::boolean: return "boolean";
    case JsonType::number: return "number";
    case JsonType::string: return "string";
    case JsonType::array: return "array";
    case JsonType::object: return "object";
  }
  return "?";
}

const JsonNode* JsonNode::find(std::string_view name) const {
  if (type_ != JsonType::object) return nullptr;
  for (const auto& m : *this)
    if (m.key_ == name) return &m;
  return nullptr;
}

const JsonNode* JsonNode::find_underscored(std::string_view name) const {
  if (type_ != JsonType::object) return nullptr;
  for (const auto& m : *this)
    if (m.key_.size() == name.size() + 1 && m.key_[0] == '_' && m.key_.substr(1) == name) return &m;
  return nullptr;
}

const JsonNode* JsonNode::at(std::size_t i) const {
  if (type_ != JsonType::array || i >= count_) return nullptr;
  auto it = begin();
  while (i--) ++it;
  return &*it;
}

std::string_view JsonNode::string_member(std::string_view name) const {
  const JsonNode* m = find(name);
  return m && m->is_string() ? m->str() : std::string_view();
}

void JsonNode::append_value_key(std::string& out) const {
  const auto size = static_cast<std::uint32_t>(text_.size());
  switch (type_) {
    case JsonType::boolean: out += boolean_ ? 't' : 'f'; return;
    case JsonType::number:
    case JsonType::string:
      out.append(reinterpret_cast<const char*>(&size), sizeof size);
      out += text_;
      return;
    default: return;  // null, and containers: their shape is compared, not a value
  }
}

bool JsonNode::same_value(const JsonNode& o) const {
  if (type_ != o.type_) return false;
  switch (type_) {
    case JsonType::boolean: return boolean_ == o.boolean_;
    case JsonType::number: return integer_ == o.integer_ && text_ == o.text_;
    case JsonType::string: return text_ == o.text_;
    default: return true;  // null; containers are compared by their shape
  }
}

bool JsonNode::token_in(std::string_view text, std::size_t& begin, std::size_t& end) const {
  if (type_ != JsonType::string && type_ != JsonType::number) return false;
  const auto base = reinterpret_cast<std::uintptr_t>(text.data()), at = reinterpret_cast<std::uintptr_t>(text_.data());
  if (at < base || at + text_.size() > base + text.size()) return false;  // an escaped string, decoded in the arena
  begin = at - base;
  end = begin + text_.size();
  if (type_ == JsonType::string) {
    if (begin == 0 || end >= text.size() || text[begin - 1] != '"' || text[end] != '"') return false;
    --begin;
    ++end;
  }
  return true;
}

namespace {

void dump_string(std::string_view s, std::string& out) {
  static const char* hex = "0123456789abcdef";
  out += '"';
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

void dump_node(const JsonNode& n, std::string& out) {
  switch (n.type()) {
    case JsonType::null: out += "null"; return;
    case JsonType::boolean: out += n.boolean() ? "true" : "false"; return;
    case JsonType::number: out += n.str(); return;  // the literal as written
    case JsonType::string: dump_string(n.str(), out); return;
    case JsonType::array:
    case JsonType::object: {
      bool obj = n.is_object();
      out += obj ? '{' : '[';
      bool first = true;
      for (const auto& c : n) {
        if (!first) out += ',';
        first = false;
        if (obj) {
          dump_string(c.key(), out);
          out += ':';
        }
        dump_node(c, out);
      }
      out += obj ? '}' : ']';
      return;
    }
  }
}

}  // namespace

std::string JsonNode::dump() const {
  std::string out;
  dump_node(*this, out);
  return out;
}

bool json_equal(const JsonNode& a, const JsonNode& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case JsonType::null: return true;
    case JsonType::boolean: return a.boolean() == b.boolean();
    case JsonType::number: return a.number() == b.number();
    case JsonType::string: return a.str() == b.str();
    case JsonType::array: {
      if (a.size() != b.size()) return false;
      auto j = b.begin();
      for (auto i = a.begin(); i != a.end(); ++i, ++j)
        if (!json_equal(*i, *j)) return false;
      return true;
    }
    case JsonType::object: {
      if (a.size() != b.size()) return false;
      for (const auto& m : a) {
        const JsonNode* o = b.find(m.key());
        if (!o || !json_equal(m, *o)) return false;
      }
      return true;
    }
  }
  return false;
}

namespace {

// Length of the UTF-8 sequence starting at s[i] (Unicode 15, table 3-7), 0 when ill-formed.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  auto at = [&](std::size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
  auto cont = [](unsigned c, unsigned lo = 0x80, unsigned hi = 0xBF) { return c >= lo && c <= hi; };
  unsigned c = at(0);
  if (c >= 0xC2 && c <= 0xDF) return cont(at(1)) ? 2 : 0;
  if (c == 0xE0) return cont(at(1), 0xA0) && cont(at(2)) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(at(1)) && cont(at(2)) ? 3 : 0;
  if (c == 0xED) return cont(at(1), 0x80, 0x9F) && cont(at(2)) ? 3 : 0;
  if (c == 0xF0) return cont(at(1), 0x90) && cont(at(2)) && cont(at(3)) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(at(1)) && cont(at(2)) && cont(at(3)) ? 4 : 0;
  if (c == 0xF4) return cont(at(1), 0x80, 0x8F) && cont(at(2)) && cont(at(3)) ? 4 : 0;
  return 0;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

// Iterative: nesting depth costs heap (open_), not stack.
class JsonParser {
 public:
  JsonParser(std::string_view s, std::vector<JsonNode>& nodes, std::string& arena, std::vector<std::uint32_t>& open,
             JsonParseError* err, const std::uint8_t* read_mark)
      : s_(s), nodes_(nodes), arena_(arena), err_(err), read_mark_(read_mark), open_(open) {
    open_.clear();
  }

  bool run();
  // The scalar token at pos into n (which keeps its key and place); the position after it, or npos.
  std::size_t scalar_at(std::size_t pos, JsonNode& n);

 private:
  bool fail(const char* what) {
    if (err_) *err_ = JsonParseError{i_ < s_.size() ? i_ : s_.size(), what};
    return false;
  }
  void skip_ws() {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') break;
      ++i_;
    }
  }
  bool digit() const { return i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9'; }
  bool string(std::string_view& out);
  bool escaped_rest(std::size_t start, std::string_view& out);
  bool hex4(std::uint32_t& v);
  bool number(JsonNode& n);
  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return fail("invalid literal");
    i_ += word.size();
    return true;
  }
  bool value(std::string_view key);
  void close() {
    std::size_t idx = open_.back();
    open_.pop_back();
    nodes_[idx].span_ = static_cast<std::uint32_t>(nodes_.size() - idx);
  }

  std::string_view s_;
  std::size_t i_ = 0;
  std::vector<JsonNode>& nodes_;
  std::string& arena_;
  JsonParseError* err_;
  const std::uint8_t* read_mark_;  // the tree's, when reads are noted
  std::vector<std::uint32_t>& open_;  // indices of the containers being filled (the tree's, reused)
};

bool JsonParser::hex4(std::uint32_t& v) {
  if (i_ + 4 > s_.size()) return fail("truncated \\u escape");
  v = 0;
  for (int k = 0; k < 4; ++k, ++i_) {
    char c = s_[i_];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= static_cast<std::uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f') v |= static_cast<std::uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= static_cast<std::uint32_t>(c - 'A' + 10);
    else return fail("invalid \\u escape");
  }
  return true;
}

namespace {

// True when one of the 8 bytes of w is '"', '\\', a control character or not ASCII: the bytes a
// string scan must stop at. (The classic "has a zero byte" test, per byte class.)
bool has_special_byte(std::uint64_t w) {
  constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  const std::uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
  return ((((quote - ones) & ~quote) | ((backslash - ones) & ~backslash) | ((w - ones * 0x20) & ~w) | w) & highs) != 0;
}

}  // namespace

bool JsonParser::string(std::string_view& out) {
  const std::size_t start = ++i_;  // after the quote
  while (i_ < s_.size()) {
    // plain ASCII runs 8 bytes at a time
    for (std::uint64_t w; i_ + 8 <= s_.size(); i_ += 8) {
      std::memcpy(&w, s_.data() + i_, 8);
      if (has_special_byte(w)) break;
    }
    if (i_ >= s_.size()) break;
    auto c = static_cast<unsigned char>(s_[i_]);
    if (c == '"') {
      out = s_.substr(start, i_ - start);
      ++i_;
      return true;
    }
    if (c == '\\') return escaped_rest(start, out);
    if (c < 0x20) return fail("control character in string");
    if (c >= 0x80) {
      std::size_t n = utf8_sequence(s_, i_);
      if (!n) return fail("invalid UTF-8");
      i_ += n;
    } else {
      ++i_;
    }
  }
  return fail("unterminated string");
}

// A string with escapes is decoded into the arena (its capacity covers the whole text, and a
// decoded string is never longer than its escaped form, so earlier views stay valid).
bool JsonParser::escaped_rest(std::size_t start, std::string_view& out) {
  const std::size_t from = arena_.size();
  arena_.append(s_.substr(start, i_ - start));
  while (i_ < s_.size()) {
    auto c = static_cast<unsigned char>(s_[i_]);
    if (c == '"') {
      out = std::string_view(arena_.data() + from, arena_.size() - from);
      ++i_;
      return true;
    }
    if (c == '\\') {
      if (++i_ >= s_.size()) break;
      char e = s_[i_++];
      switch (e) {
        case '"': arena_ += '"'; break;
        case '\\': arena_ += '\\'; break;
        case '/': arena_ += '/'; break;
        case 'b': arena_ += '\b'; break;
        case 'f': arena_ += '\f'; break;
        case 'n': arena_ += '\n'; break;
        case 'r': arena_ += '\r'; break;
        case 't': arena_ += '\t'; break;
        case 'u': {
          std::uint32_t cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xDC00 && cp <= 0xDFFF) return fail("lone low surrogate in \\u escape");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            std::uint32_t low = 0;
            if (s_.substr(i_, 2) != "\\u") return fail("lone high surrogate in \\u escape");
            i_ += 2;
            if (!hex4(low)) return false;
            if (low < 0xDC00 || low > 0xDFFF) return fail("invalid surrogate pair");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(arena_, cp);
          break;
        }
        default: --i_; return fail("invalid escape");
      }
      continue;
    }
    if (c < 0x20) return fail("control character in string");
    std::size_t n = c >= 0x80 ? utf8_sequence(s_, i_) : 1;
    if (!n) return fail("invalid UTF-8");
    arena_.append(s_.substr(i_, n));
    i_ += n;
  }
  return fail("unterminated string");
}

bool JsonParser::number(JsonNode& n) {
  const std::size_t start = i_;
  if (s_[i_] == '-') ++i_;
  if (!digit()) return fail("invalid number");
  if (s_[i_] == '0') ++i_;
  else
    while (digit()) ++i_;
  const std::size_t int_end = i_;
  bool integer = true;
  if (i_ < s_.size() && s_[i_] == '.') {
    ++i_;
    integer = false;
    if (!digit()) return fail("invalid number");
    while (digit()) ++i_;
  }
  bool negative_exponent = false, has_exponent = false;
  if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
    ++i_;
    integer = false;
    has_exponent = true;
    if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) negative_exponent = s_[i_++] == '-';
    if (!digit()) return fail("invalid number");
    while (digit()) ++i_;
  }
  double v = 0;
  auto r = std::from_chars(s_.data() + start, s_.data() + i_, v);
  if (r.ec == std::errc::result_out_of_range) {
    // too small rounds to zero (as strtod does); too large is an error, as in nlohmann/json
    bool zero_integer_part = s_.substr(start, int_end - start) == "0" || s_.substr(start, int_end - start) == "-0";
    bool overflow = has_exponent ? !negative_exponent : !zero_integer_part;
    if (overflow) {
      i_ = start;
      return fail("number out of range");
    }
    v = s_[start] == '-' ? -0.0 : 0.0;
  } else if (r.ec != std::errc() || r.ptr != s_.data() + i_) {
    return fail("invalid number");
  }
  n.type_ = JsonType::number;
  n.number_ = v;
  n.integer_ = integer;
  n.text_ = s_.substr(start, i_ - start);
  return true;
}

// Parses one value at i_ (whitespace skipped); containers are opened, not filled.
bool JsonParser::value(std::string_view key) {
  if (i_ >= s_.size()) return fail("unexpected end of input");
  if (!open_.empty()) ++nodes_[open_.back()].count_;
  const auto idx = static_cast<std::uint32_t>(nodes_.size());
  nodes_.emplace_back();
  nodes_[idx].key_ = key;
  nodes_[idx].mark_ = read_mark_;
  switch (s_[i_]) {
    case '{':
    case '[':
      if (open_.size() >= JsonTree::kMaxDepth) return fail("nesting too deep");
      nodes_[idx].type_ = s_[i_] == '{' ? JsonType::object : JsonType::array;
      ++i_;
      open_.push_back(idx);
      return true;
    case '"': {
      std::string_view text;
      if (!string(text)) return false;
      nodes_[idx].type_ = JsonType::string;
      nodes_[idx].text_ = text;
      return true;
    }
    case 't':
      nodes_[idx].type_ = JsonType::boolean;
      nodes_[idx].boolean_ = true;
      return literal("true");
    case 'f':
      nodes_[idx].type_ = JsonType::boolean;
      return literal("false");
    case 'n': return literal("null");
    default:
      if (s_[i_] == '-' || (s_[i_] >= '0' && s_[i_] <= '9')) return number(nodes_[idx]);
      return fail("unexpected character");
  }
}

bool JsonParser::run() {
  if (s_.substr(0, 3) == "\xEF\xBB\xBF") i_ = 3;  // a UTF-8 byte order mark
  skip_ws();
  if (!value({})) return false;
  while (!open_.empty()) {
    skip_ws();
    JsonNode& top = nodes_[open_.back()];
    const bool obj = top.type_ == JsonType::object;
    if (i_ >= s_.size()) return fail("unexpected end of input");
    char c = s_[i_];
    if (c == (obj ? '}' : ']')) {
      ++i_;
      close();
      continue;
    }
    if (top.count_ > 0) {
      if (c != ',') return fail(obj ? "expected ',' or '}'" : "expected ',' or ']'");
      ++i_;
      skip_ws();
    }
    std::string_view key;
    if (obj) {
      if (i_ >= s_.size() || s_[i_] != '"') return fail("expected a member name");
      if (!string(key)) return false;
      skip_ws();
      if (i_ >= s_.size() || s_[i_] != ':') return fail("expected ':'");
      ++i_;
      skip_ws();
    }
    if (!value(key)) return false;
  }
  skip_ws();
  if (i_ != s_.size()) return fail("unexpected characters after the value");
  return true;
}

std::size_t JsonParser::scalar_at(std::size_t pos, JsonNode& n) {
  i_ = pos;
  if (i_ >= s_.size()) return std::string_view::npos;
  if (n.type_ == JsonType::string) {
    std::string_view text;
    if (s_[i_] != '"' || !string(text)) return std::string_view::npos;
    n.text_ = text;
    return i_;
  }
  const char c = s_[i_];
  if (n.type_ != JsonType::number || !(c == '-' || (c >= '0' && c <= '9'))) return std::string_view::npos;
  JsonNode read;
  if (!number(read) || read.integer_ != n.integer_) return std::string_view::npos;
  n.number_ = read.number_;
  n.text_ = read.text_;
  return i_;
}

std::size_t JsonTree::reread_scalar(std::uint32_t index, std::string_view text, std::size_t pos, std::string& arena) {
  JsonParser p(text, nodes_, arena, open_, nullptr, nullptr);
  return p.scalar_at(pos, nodes_[index]);
}

void JsonTree::clear_read_marks(std::uint8_t bits) {
  for (auto& n : nodes_) n.marks_ &= static_cast<std::uint8_t>(~bits);
}

bool JsonTree::parse(std::string_view text, JsonParseError* error) { return parse(text, error, true); }

bool JsonTree::parse(std::string_view text, JsonParseError* error, bool track_reads) {
  nodes_.clear();
  arena_.clear();
  arena_.reserve(text.size());
  JsonParser p(text, nodes_, arena_, open_, error, track_reads ? read_mark_.get() : nullptr);
  if (p.run()) return true;
  nodes_.clear();
  return false;
}

bool JsonTree::parse_owned(std::string text, JsonParseError* error) {
  owned_text_ = std::move(text);
  return parse(owned_text_, error, false);
}

}  // namespace netconv::fhir
