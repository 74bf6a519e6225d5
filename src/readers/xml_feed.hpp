// What the NAACCR reader hands libxml2, and how (docs/naaccr.md "Reading"). Contract:
// - next() gives the input in pieces of at most 511 bytes that end at each Patient end tag:
//   libxml2's reader pushes a piece shorter than its 512-byte chunk to the parser as it is, so
//   the parser never holds a Patient end together with what follows it, and a fatal error after
//   a Patient loses nothing of it (with 4,000-byte reads, the last patients before it were lost);
// - every start tag's attributes are counted on the bytes, before libxml2 sees the tag (libxml2
//   2.9 checks attributes for duplicates in quadratic time): the piece with a start tag of more
//   than max_attributes is never handed out; refused() then says where that tag starts;
// - the line of the first '<!DOCTYPE' is noted (libxml2 reports a DTD node without a line).
// Bytes are read as an ASCII-compatible encoding; UTF-16 (by BOM or '<' next to a zero byte)
// is read with its zero bytes skipped, so markup is seen; counting then is best effort.
#pragma once
#include <cstddef>
#include <cstdint>
#include <istream>

namespace netconv {

class XmlFeed {
 public:
  XmlFeed(std::istream& in, std::size_t max_attributes) : in_(in), max_attributes_(max_attributes) {}
  // Copies at most `len` bytes into `out`: > 0 bytes, 0 at the end (or once refused), -1 on a read error.
  int next(char* out, int len);
  std::uint64_t bytes_read() const { return bytes_; }
  bool refused() const { return refused_; }
  std::uint64_t refused_line() const { return tag_line_; }
  std::uint64_t refused_column() const { return tag_column_; }
  std::uint64_t doctype_line() const { return doctype_line_; }  // 0 = none seen

 private:
  // Scans buf_[pos_, pos_ + n); returns how many of those bytes may be handed out.
  std::size_t scan(std::size_t n);
  const bool* stops_of_state() const;
  void take_end_name(const char* s, std::size_t len);
  // Returns true after the '>' of a Patient end tag.
  bool step(unsigned char c);

  enum class State { text, open, bang, tag, quoted, end_tag, comment, cdata, pi, doctype };
  std::istream& in_;
  std::size_t max_attributes_;
  char buf_[1 << 16];
  std::size_t pos_ = 0, len_ = 0;
  std::uint64_t bytes_ = 0, handed_ = 0;
  State state_ = State::text;
  char quote_ = 0;
  int run_ = 0;  // '-', ']' or '?' seen just before: where a comment, CDATA section or PI may end
  std::size_t attributes_ = 0, tag_start_ = 0;  // tag_start_: offset in buf_ of the current tag's '<'
  std::uint64_t line_ = 1, column_ = 0, tag_line_ = 0, tag_column_ = 0, doctype_line_ = 0;
  char end_name_[16] = {};  // an end tag's name, when short enough to be a Patient's
  std::size_t end_len_ = 0;
  bool utf16_ = false, refused_ = false;
};

}  // namespace netconv
