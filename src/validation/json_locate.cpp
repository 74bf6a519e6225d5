#include "validation/json_locate.hpp"

#include <string>
#include <vector>

namespace netconv::fhir {
namespace {

std::size_t parse_index(std::string_view digits) {
  std::size_t idx = 0;
  for (auto c : digits) idx = idx * 10 + static_cast<std::size_t>(c - '0');
  return idx;
}

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


// Follows the path's steps after the first from the scanner's position (an object's '{').
std::uint64_t walk(Scanner& sc, std::string_view steps, std::uint64_t best) {
  while (!steps.empty()) {
    auto dot = steps.find('.');
    std::string_view step = steps.substr(0, dot);
    steps = dot == std::string_view::npos ? std::string_view() : steps.substr(dot + 1);
    std::string name(step.substr(0, step.find('[')));
    if (!sc.member(name)) return best;
    best = sc.line;
    auto b = step.find('[');
    while (b != std::string_view::npos) {
      auto e = step.find(']', b);
      if (e == std::string_view::npos) return best;
      if (!sc.element(parse_index(step.substr(b + 1, e - b - 1)))) return best;
      best = sc.line;
      b = step.find('[', e);
    }
  }
  return best;
}

// "Bundle.entry[3].resource.id" -> the part after the first step, "entry[3].resource.id"
std::string_view after_first_step(std::string_view path) {
  auto p = path.find('.');
  return p == std::string_view::npos ? std::string_view() : path.substr(p + 1);
}

}  // namespace

std::uint64_t locate_json_path(std::string_view text, std::string_view path) {
  Scanner sc{text};
  sc.ws();
  if (sc.i >= text.size() || text[sc.i] != '{') return 0;
  return walk(sc, after_first_step(path), sc.line);
}

JsonLocator::JsonLocator(std::string_view text) : text_(text) {}

const JsonLocator::Index& JsonLocator::index_of(const std::string& member) {
  if (auto it = indexes_.find(member); it != indexes_.end()) return it->second;
  Index& idx = indexes_[member];
  Scanner sc{text_};
  sc.ws();
  if (sc.i >= text_.size() || text_[sc.i] != '{' || !sc.member(member)) return idx;
  idx.found = true;
  idx.line = sc.line;
  sc.ws();
  if (sc.i >= text_.size() || text_[sc.i] != '[') return idx;
  ++sc.i;  // one pass over the array: each element's position and line
  while (sc.ok) {
    sc.ws();
    if (sc.i >= text_.size() || text_[sc.i] == ']') break;
    idx.elements.push_back({sc.i, sc.line});
    sc.skip();
    sc.ws();
    if (sc.i >= text_.size() || text_[sc.i] != ',') break;
    ++sc.i;
  }
  return idx;
}

std::uint64_t JsonLocator::line_of(std::string_view path) {
  std::string_view rest = after_first_step(path);
  auto dot = rest.find('.');
  std::string_view step = rest.substr(0, dot);
  auto b = step.find('[');
  auto e = b == std::string_view::npos ? std::string_view::npos : step.find(']', b);
  if (e == std::string_view::npos) return locate_json_path(text_, path);
  const Index& idx = index_of(std::string(step.substr(0, b)));
  if (!idx.found) return locate_json_path(text_, path);
  std::size_t k = parse_index(step.substr(b + 1, e - b - 1));
  if (k >= idx.elements.size()) return idx.line;
  // resume from the indexed element: what follows its first index is walked as usual
  Scanner sc{text_, idx.elements[k].offset, idx.elements[k].line};
  std::uint64_t best = sc.line;
  for (auto nb = step.find('[', e); nb != std::string_view::npos; nb = step.find('[', e)) {
    e = step.find(']', nb);
    if (e == std::string_view::npos || !sc.element(parse_index(step.substr(nb + 1, e - nb - 1)))) return best;
    best = sc.line;
  }
  return dot == std::string_view::npos ? best : walk(sc, rest.substr(dot + 1), best);
}

}  // namespace netconv::fhir
