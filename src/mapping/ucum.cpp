#include "mapping/ucum.hpp"

#include <array>

namespace netconv {
namespace {

// UCUM c/s atoms (subset). Metric atoms take prefixes; the others do not.
constexpr std::array<std::string_view, 46> kMetric = {
    "m", "g", "s", "L", "l", "mol", "K", "Cel", "Hz", "N", "Pa", "J", "W", "A", "V", "C", "ohm", "S", "F", "T", "Wb", "H",
    "lm", "lx", "Bq", "Gy", "Sv", "sr", "rad", "eq", "osm", "U", "[iU]", "[IU]", "kat", "bar", "Ci", "t", "cal", "m[Hg]",
    "m[H2O]", "g%", "B", "dB", "Np", "mho"};
constexpr std::array<std::string_view, 30> kPlain = {
    "%", "[ppth]", "[ppm]", "[ppb]", "[pptr]", "min", "h", "d", "wk", "mo", "a", "mo_j", "a_j", "[pH]", "[in_i]",
    "[ft_i]", "[lb_av]", "[oz_av]", "[degF]", "[mi_i]", "[HPF]", "[LPF]", "[arb'U]", "[CFU]", "[drp]", "[beth'U]",
    "[hp'_X]", "[pi]", "'", "''"};
constexpr std::array<std::string_view, 20> kPrefixes = {"Y", "Z", "E", "P", "T", "G", "M", "k", "h", "da",
                                                        "d", "c", "m", "u", "n", "p", "f", "a", "z", "y"};

bool is_metric(std::string_view s) {
  for (auto a : kMetric)
    if (a == s) return true;
  return false;
}
bool is_plain(std::string_view s) {
  for (auto a : kPlain)
    if (a == s) return true;
  return false;
}

bool valid_simple_unit(std::string_view sym) {
  if (is_metric(sym) || is_plain(sym)) return true;
  for (auto p : kPrefixes)
    if (sym.size() > p.size() && sym.substr(0, p.size()) == p && is_metric(sym.substr(p.size()))) return true;
  return false;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

struct Parser {
  std::string_view s;
  std::size_t i = 0;
  std::string error;
  int depth = 0;

  bool fail(std::string why) {
    if (error.empty()) error = why + " at offset " + std::to_string(i);
    return false;
  }
  bool at_end() const { return i >= s.size(); }
  char peek() const { return at_end() ? '\0' : s[i]; }

  bool annotation() {  // '{' ANNOTATION-STRING '}' : printable ASCII except braces
    ++i;
    while (!at_end() && s[i] != '}') {
      char c = s[i];
      if (c < '!' || c > '~' || c == '{') return fail("bad character in annotation");
      ++i;
    }
    if (at_end()) return fail("unterminated annotation");
    ++i;
    return true;
  }

  bool exponent() {
    std::size_t start = i;
    if (peek() == '+' || peek() == '-') ++i;
    if (!is_digit(peek())) {
      i = start;
      return !(peek() == '+' || peek() == '-') || fail("sign without exponent digits");
    }
    while (is_digit(peek())) ++i;
    return true;
  }

  bool component() {
    if (at_end()) return fail("missing unit");
    char c = peek();
    if (c == '(') {
      if (++depth > 16) return fail("parentheses nested too deep");
      ++i;
      if (!term()) return false;
      if (peek() != ')') return fail("missing ')'");
      ++i;
      --depth;
      return true;
    }
    if (c == '{') return annotation();
    if (is_digit(c)) {
      std::size_t start = i;
      while (is_digit(peek())) ++i;
      if ((peek() == '*' || peek() == '^') && s.substr(start, i - start) == "10") {
        ++i;  // the atoms 10* and 10^
        if (!exponent()) return false;
      }
      if (peek() == '{') return annotation();
      return true;  // a factor
    }
    // a simple unit symbol: up to an operator, parenthesis, annotation or exponent
    std::size_t start = i;
    while (!at_end()) {
      char ch = s[i];
      if (ch == '[') {
        while (!at_end() && s[i] != ']') ++i;
        if (at_end()) return fail("unterminated '['");
        ++i;
        continue;
      }
      if (ch == '.' || ch == '/' || ch == '(' || ch == ')' || ch == '{' || ch == '}' || is_digit(ch) || ch == '+' || ch == '-')
        break;
      if (ch < '!' || ch > '~') return fail("character not allowed in a unit");
      ++i;
    }
    auto sym = s.substr(start, i - start);
    if (sym.empty()) return fail("expected a unit");
    if (!valid_simple_unit(sym)) {
      i = start;
      return fail("unknown unit '" + std::string(sym) + "'");
    }
    if (!exponent()) return false;
    if (peek() == '{') return annotation();
    return true;
  }

  bool term() {
    if (!component()) return false;
    while (peek() == '.' || peek() == '/') {
      ++i;
      if (!component()) return false;
    }
    return true;
  }

  bool main_term() {
    if (s.empty()) return fail("empty unit");
    if (s.size() > 256) return fail("unit too long");
    if (peek() == '/') ++i;
    if (!term()) return false;
    if (!at_end()) return fail("unexpected '" + std::string(1, peek()) + "'");
    return true;
  }
};

}  // namespace

std::string ucum_problem(std::string_view unit) {
  Parser p;
  p.s = unit;
  p.main_term();
  return p.error;
}

}  // namespace netconv
