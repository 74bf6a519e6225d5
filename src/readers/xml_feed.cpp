#include "readers/xml_feed.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace netconv {
namespace {

// Per state, the bytes that change the scanner's state or its line count; the bytes between them
// are skipped in a tight loop. NAACCR's runs are short (a name, a value, an indentation), too short
// for memchr's set-up to pay.
constexpr std::array<bool, 256> stops(std::initializer_list<unsigned char> bytes) {
  std::array<bool, 256> t{};
  for (unsigned char c : bytes) t[c] = true;
  t['\n'] = true;
  return t;
}
constexpr std::array<bool, 256> kTextStops = stops({'<'});
constexpr std::array<bool, 256> kDoubleQuotedStops = stops({'"'});
constexpr std::array<bool, 256> kSingleQuotedStops = stops({'\''});
constexpr std::array<bool, 256> kTagStops = stops({'"', '\'', '=', '>'});
constexpr std::array<bool, 256> kEndTagStops = stops({'>'});

}  // namespace

int XmlFeed::next(char* out, int len) {
  if (refused_ || len <= 0) return 0;
  if (pos_ == len_) {
    in_.read(buf_, sizeof buf_);
    len_ = static_cast<std::size_t>(in_.gcount());
    pos_ = 0;
    tag_start_ = 0;  // a tag begun in the last block: nothing of this block before it
    bytes_ += len_;
    if (len_ == 0) return in_.bad() ? -1 : 0;
    if (handed_ == 0 && len_ >= 2) {
      auto b0 = static_cast<unsigned char>(buf_[0]), b1 = static_cast<unsigned char>(buf_[1]);
      utf16_ = (b0 == 0xFF && b1 == 0xFE) || (b0 == 0xFE && b1 == 0xFF) || (b0 == '<' && b1 == 0) || (b0 == 0 && b1 == '<');
    }
  }
  constexpr std::size_t kPiece = 511;  // below libxml2's CHUNK_SIZE (xmlreader.c): pushed as given
  std::size_t n = scan(std::min({static_cast<std::size_t>(len), kPiece, len_ - pos_}));
  if (n == 0) return 0;  // refused: libxml2 sees the end of the input, the reader reports the tag
  std::memcpy(out, buf_ + pos_, n);
  pos_ += n;
  handed_ += n;
  return static_cast<int>(n);
}

std::size_t XmlFeed::scan(std::size_t n) {
  const char* base = buf_ + pos_;
  std::size_t i = 0;
  while (i < n) {
    if (const bool* stop = utf16_ ? nullptr : stops_of_state()) {
      // text, attribute values, names and spaces in tags (most of a file): to the next byte that
      // matters; step() takes that byte
      std::size_t start = i;
      while (i < n && !stop[static_cast<unsigned char>(base[i])]) ++i;
      column_ += i - start;
      if (state_ == State::end_tag) take_end_name(base + start, i - start);
      if (i == n) break;
    }
    auto c = static_cast<unsigned char>(base[i]);
    ++i;
    if (c == 0 && utf16_) continue;
    if (c == '<' && state_ == State::text) {
      tag_line_ = line_;
      tag_column_ = column_ + 1;
      tag_start_ = pos_ + i - 1;
    }
    bool patient_end = step(c);
    if (refused_) return tag_start_ >= pos_ ? tag_start_ - pos_ : 0;
    if (patient_end) return i;
  }
  return n;
}

// An end tag is its name then optional white space: only the name's bytes are kept and counted, the
// first 16 of them stored (a longer name is no Patient's).
void XmlFeed::take_end_name(const char* s, std::size_t len) {
  for (std::size_t k = 0; k < len; ++k) {
    char c = s[k];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (end_len_ < sizeof end_name_) end_name_[end_len_] = c;
    ++end_len_;
  }
}

// The stop table of the states scanned in runs; nullptr for those stepped byte by byte.
const bool* XmlFeed::stops_of_state() const {
  switch (state_) {
    case State::text: return kTextStops.data();
    case State::quoted: return quote_ == '"' ? kDoubleQuotedStops.data() : kSingleQuotedStops.data();
    case State::tag: return kTagStops.data();
    case State::end_tag: return kEndTagStops.data();
    default: return nullptr;
  }
}

bool XmlFeed::step(unsigned char c) {
  if (c == '\n') { ++line_; column_ = 0; } else { ++column_; }
  switch (state_) {
    case State::text:
      if (c == '<') state_ = State::open;
      return false;
    case State::open:
      if (c == '!') state_ = State::bang;
      else if (c == '?') { state_ = State::pi; run_ = 0; }
      else if (c == '/') { state_ = State::end_tag; end_len_ = 0; }
      else { state_ = State::tag; attributes_ = 0; }
      return false;
    case State::bang:
      if (c == '-') { state_ = State::comment; run_ = 0; }
      else if (c == '[') { state_ = State::cdata; run_ = 0; }
      else { state_ = State::doctype; if (!doctype_line_) doctype_line_ = tag_line_; }
      return false;
    case State::tag:
      if (c == '"' || c == '\'') { state_ = State::quoted; quote_ = static_cast<char>(c); }
      else if (c == '>') state_ = State::text;
      else if (c == '=' && ++attributes_ > max_attributes_) refused_ = true;
      return false;
    case State::quoted:
      if (c == static_cast<unsigned char>(quote_)) state_ = State::tag;
      return false;
    case State::end_tag:
      if (c != '>') {
        take_end_name(reinterpret_cast<const char*>(&c), 1);
        return false;
      }
      state_ = State::text;
      {
        const std::size_t n = end_len_;
        return n >= 7 && n <= sizeof end_name_ && std::memcmp(end_name_ + n - 7, "Patient", 7) == 0 &&
               (n == 7 || end_name_[n - 8] == ':');
      }
    case State::comment:  // "-->"
    case State::cdata:    // "]]>"
      if (c == '>' && run_ >= 2) state_ = State::text;
      run_ = c == (state_ == State::comment ? '-' : ']') ? run_ + 1 : 0;
      return false;
    case State::pi:  // "?>"
      if (c == '>' && run_) state_ = State::text;
      run_ = c == '?';
      return false;
    case State::doctype:
      return false;  // the file is refused at the DOCTYPE: nothing after it is counted
  }
  return false;  // every state returns above; this keeps compilers that cannot see it quiet
}

}  // namespace netconv
