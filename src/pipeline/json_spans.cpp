#include "pipeline/json_spans.hpp"

namespace netconv::json_spans {

std::size_t value_end(std::string_view s, std::size_t pos) {
  pos = skip_ws(s, pos);
  if (pos >= s.size()) return npos;
  if (s[pos] == '"') return string_end(s, pos);
  if (s[pos] != '{' && s[pos] != '[') {  // number, true, false, null: up to the next delimiter
    std::size_t i = pos;
    while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\n' && s[i] != '\r' &&
           s[i] != '\t')
      ++i;
    return i > pos ? i : npos;
  }
  // an object or array: brackets counted outside strings (whether they pair up is not checked)
  std::size_t depth = 0;
  for (std::size_t i = pos; i < s.size(); ++i) {
    char c = s[i];
    if (c == '"') {
      i = string_end(s, i);
      if (i == npos) return npos;
      --i;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return npos;
}

}  // namespace netconv::json_spans
