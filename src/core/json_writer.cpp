#include "core/json_writer.hpp"

#include <array>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace netconv {

namespace {

// Bytes a JSON string must escape: control characters, quote and backslash.
constexpr auto kNeedsEscape = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = true;
  t['"'] = t['\\'] = true;
  return t;
}();

// Offset of the first byte that needs an escape, or v.size(). Nearly every string the writers
// emit (keys, codes, URLs, ids, displays) needs none, so this scan decides the common case: one
// append of the whole string. 16 bytes at a time where SSE2 is available (every x86-64).
std::size_t first_escape(std::string_view v) {
  std::size_t i = 0;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), max_control = _mm_set1_epi8(0x1f);
  for (; i + 16 <= v.size(); i += 16) {
    __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(v.data() + i));
    __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(b, max_control), b);  // unsigned b <= 0x1f
    __m128i hit = _mm_or_si128(control, _mm_or_si128(_mm_cmpeq_epi8(b, quote), _mm_cmpeq_epi8(b, backslash)));
    if (int mask = _mm_movemask_epi8(hit)) return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < v.size(); ++i)
    if (kNeedsEscape[static_cast<unsigned char>(v[i])]) return i;
  return v.size();
}

}  // namespace

void append_json_string(std::string& out, std::string_view v) {
  static const char* hex = "0123456789abcdef";
  std::size_t start = first_escape(v);
  if (start == v.size()) {
    out.reserve(out.size() + v.size() + 2);
    out += '"';
    out.append(v);
    out += '"';
    return;
  }
  out += '"';
  // copy runs of plain bytes at once; only quotes, backslashes and control bytes need escapes
  out.append(v.data(), start);
  std::size_t run = start;
  for (std::size_t i = start; i < v.size(); ++i) {
    auto c = static_cast<unsigned char>(v[i]);
    if (!kNeedsEscape[c]) continue;
    out.append(v.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 15];
    }
  }
  out.append(v.data() + run, v.size() - run);
  out += '"';
}

void JsonWriter::push() {
  if (depth_ < 64) first_bits_ |= std::uint64_t(1) << depth_;
  else deep_.push_back(true);
  ++depth_;
}

void JsonWriter::pop() {
  --depth_;
  if (depth_ >= 64) deep_.pop_back();
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ == 0) return;
  std::size_t top = depth_ - 1;
  bool first = top < 64 ? (first_bits_ >> top) & 1 : bool(deep_.back());
  if (!first) out_ += ',';
  if (top < 64) first_bits_ &= ~(std::uint64_t(1) << top);
  else deep_.back() = false;
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  out_ += '{';
  push();
  return *this;
}
JsonWriter& JsonWriter::end_object() {
  out_ += '}';
  pop();
  return *this;
}
JsonWriter& JsonWriter::begin_array() {
  before_value();
  out_ += '[';
  push();
  return *this;
}
JsonWriter& JsonWriter::end_array() {
  out_ += ']';
  pop();
  return *this;
}
JsonWriter& JsonWriter::key(std::string_view k) {
  before_value();
  append_json_string(out_, k);
  out_ += ':';
  after_key_ = true;
  return *this;
}
JsonWriter& JsonWriter::string(std::string_view v) {
  before_value();
  append_json_string(out_, v);
  return *this;
}
JsonWriter& JsonWriter::raw_number(std::string_view text) {
  before_value();
  out_ += text;
  return *this;
}
JsonWriter& JsonWriter::boolean(bool v) {
  before_value();
  out_ += v ? "true" : "false";
  return *this;
}

}  // namespace netconv
