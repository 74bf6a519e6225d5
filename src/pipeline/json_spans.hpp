// Byte spans of JSON values, without building a document: the run manifest hashes a resource's
// own bytes (minus one member) and the delta rewrites a Bundle's entry list in place, so numbers
// and member order stay exactly as the writer rendered them. Every function stays inside the
// text it is given and reports malformed or truncated JSON as npos / false; it does not check
// JSON grammar beyond what it needs to find the end of a value.
#pragma once
#include <cstddef>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace netconv::json_spans {

constexpr std::size_t npos = std::string_view::npos;

inline std::size_t skip_ws(std::string_view s, std::size_t pos) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r')) ++pos;
  return pos;
}

// One past the string starting at `pos` (its opening quote); npos when it does not close.
// Jumps from quote to quote with memchr (every output byte of a run passes through here): a quote
// ends the string unless an odd number of backslashes precedes it.
inline std::size_t string_end(std::string_view s, std::size_t pos) {
  const char* const begin = s.data();
  const char* const end = begin + s.size();
  const char* p = begin + pos + 1;
  while (p < end) {
    const char* q = static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(end - p)));
    if (!q) return npos;
    std::size_t backslashes = 0;
    for (const char* b = q; b > begin + pos + 1 && b[-1] == '\\'; --b) ++backslashes;
    if (backslashes % 2 == 0) return static_cast<std::size_t>(q - begin) + 1;
    p = q + 1;
  }
  return npos;
}

// One past the value starting at `pos` (after white space); npos when malformed or truncated.
std::size_t value_end(std::string_view s, std::size_t pos);

struct Member {
  std::string_view key;       // without quotes, escapes left as they are
  std::size_t begin = 0;      // the key's opening quote
  std::size_t value_begin = 0, value_end = 0;
};

// Calls fn(const Member&) for each member of the object whose '{' is at `pos`, in order. Returns
// one past its '}', or npos when the text is not such an object. An fn returning bool stops the
// walk by returning false (the rest is not looked at); the result is then the end of that
// member's value.
template <class Fn>
std::size_t for_each_member(std::string_view s, std::size_t pos, Fn&& fn) {
  if (pos >= s.size() || s[pos] != '{') return npos;
  std::size_t i = skip_ws(s, pos + 1);
  if (i < s.size() && s[i] == '}') return i + 1;
  while (i < s.size() && s[i] == '"') {
    Member m;
    m.begin = i;
    std::size_t key_end = string_end(s, i);
    if (key_end == npos) return npos;
    m.key = s.substr(i + 1, key_end - i - 2);
    i = skip_ws(s, key_end);
    if (i >= s.size() || s[i] != ':') return npos;
    m.value_begin = skip_ws(s, i + 1);
    m.value_end = value_end(s, m.value_begin);
    if (m.value_end == npos) return npos;
    if constexpr (std::is_same_v<decltype(fn(static_cast<const Member&>(m))), bool>) {
      if (!fn(static_cast<const Member&>(m))) return m.value_end;
    } else {
      fn(static_cast<const Member&>(m));
    }
    i = skip_ws(s, m.value_end);
    if (i < s.size() && s[i] == '}') return i + 1;
    if (i >= s.size() || s[i] != ',') return npos;
    i = skip_ws(s, i + 1);
  }
  return npos;
}

// Calls fn(begin, end) for each element of the array whose '[' is at `pos`. Returns one past its
// ']', or npos when the text is not such an array.
template <class Fn>
std::size_t for_each_element(std::string_view s, std::size_t pos, Fn&& fn) {
  if (pos >= s.size() || s[pos] != '[') return npos;
  std::size_t i = skip_ws(s, pos + 1);
  if (i < s.size() && s[i] == ']') return i + 1;
  while (i < s.size()) {
    std::size_t end = value_end(s, i);
    if (end == npos) return npos;
    fn(i, end);
    i = skip_ws(s, end);
    if (i < s.size() && s[i] == ']') return i + 1;
    if (i >= s.size() || s[i] != ',') return npos;
    i = skip_ws(s, i + 1);
  }
  return npos;
}

}  // namespace netconv::json_spans
