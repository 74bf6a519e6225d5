#include "validation/json_locate.hpp"

#include <string>
#include <vector>

namespace netconv::fhir {
namespace {

struct Scanner {
  std::string_view s;
  std::size_t i = 0;
  std::uint64_t line = 1;
  bool ok = true;

  void ws() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) {
      if (s[i] == '\n') ++line;
      ++i;
    }
  }
  bool str(std::string* out) {
    if (i >= s.size() || s[i] != '"') return ok = false;
    ++i;
    while (i < s.size() && s[i] != '"') {
      if (s[i] == '\\' && i + 1 < s.size()) {
        if (out) out->push_back(s[i + 1]);  // escapes are rare in keys; good enough for matching
        i += 2;
        continue;
      }
      if (s[i] == '\n') ++line;
      if (out) out->push_back(s[i]);
      ++i;
    }
    if (i >= s.size()) return ok = false;
    ++i;
    return true;
  }
  // skips one value (iteratively for nested containers)
  void skip() {
    ws();
    if (i >= s.size()) {
      ok = false;
      return;
    }
    if (s[i] == '"') {
      str(nullptr);
      return;
    }
    if (s[i] == '{' || s[i] == '[') {
      int depth = 0;
      while (i < s.size()) {
        char c = s[i];
        if (c == '"') {
          str(nullptr);
          continue;
        }
        if (c == '\n') ++line;
        if (c == '{' || c == '[') ++depth;
        if (c == '}' || c == ']') {
          --depth;
          if (depth == 0) {
            ++i;
            return;
          }
        }
        ++i;
      }
      ok = false;
      return;
    }
    while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != '\n') ++i;
  }
  // positions at the value of `key` in the object starting at i; false when not found
  bool member(const std::string& key) {
    ws();
    if (i >= s.size() || s[i] != '{') return false;
    ++i;
    while (ok) {
      ws();
      if (i < s.size() && s[i] == '}') return false;
      std::string k;
      if (!str(&k)) return false;
      ws();
      if (i >= s.size() || s[i] != ':') return ok = false;
      ++i;
      ws();
      if (k == key) return true;
      skip();
      ws();
      if (i < s.size() && s[i] == ',') ++i;
    }
    return false;
  }
  bool element(std::size_t n) {
    ws();
    if (i >= s.size() || s[i] != '[') return false;
    ++i;
    for (std::size_t k = 0; k < n; ++k) {
      skip();
      ws();
      if (i >= s.size() || s[i] != ',') return false;
      ++i;
    }
    ws();
    return i < s.size() && s[i] != ']';
  }
};

}  // namespace

std::uint64_t locate_json_path(std::string_view text, std::string_view path) {
  Scanner sc{text};
  sc.ws();
  if (sc.i >= text.size() || text[sc.i] != '{') return 0;
  std::uint64_t best = sc.line;
  // split the path into steps: name[idx]
  std::size_t p = path.find('.');
  if (p == std::string_view::npos) return best;
  std::string_view rest = path.substr(p + 1);
  while (!rest.empty()) {
    auto dot = rest.find('.');
    std::string_view step = rest.substr(0, dot);
    rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
    std::string name(step.substr(0, step.find('[')));
    if (!sc.member(name)) return best;
    best = sc.line;
    auto b = step.find('[');
    while (b != std::string_view::npos) {
      auto e = step.find(']', b);
      if (e == std::string_view::npos) return best;
      std::size_t idx = 0;
      for (auto c : step.substr(b + 1, e - b - 1)) idx = idx * 10 + static_cast<std::size_t>(c - '0');
      if (!sc.element(idx)) return best;
      best = sc.line;
      b = step.find('[', e);
    }
  }
  return best;
}

}  // namespace netconv::fhir
