#include "mapping/transforms.hpp"

#include <cstdlib>

namespace netconv {
namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}
int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}
int days_in_month(int y, int m) {
  static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : d[m - 1];
}

}  // namespace

std::optional<model::PartialDate> parse_partial_date(std::string_view t) {
  std::string_view y, m, d;
  if (t.size() == 4 && all_digits(t)) {
    y = t;
  } else if (t.size() == 7 && t[4] == '-') {
    y = t.substr(0, 4); m = t.substr(5, 2);
  } else if (t.size() == 10 && t[4] == '-' && t[7] == '-') {
    y = t.substr(0, 4); m = t.substr(5, 2); d = t.substr(8, 2);
  } else if (t.size() == 6 && all_digits(t)) {
    y = t.substr(0, 4); m = t.substr(4, 2);
  } else if (t.size() == 8 && all_digits(t)) {
    y = t.substr(0, 4); m = t.substr(4, 2); d = t.substr(6, 2);
  } else {
    return std::nullopt;
  }
  if (!all_digits(y) || (!m.empty() && !all_digits(m)) || (!d.empty() && !all_digits(d))) return std::nullopt;
  model::PartialDate p;
  p.year = to_int(y);
  if (p.year < 1800 || p.year > 2199) return std::nullopt;
  p.precision = model::DatePrecision::year;
  if (!m.empty()) {
    p.month = to_int(m);
    if (p.month < 1 || p.month > 12) return std::nullopt;
    p.precision = model::DatePrecision::month;
  }
  if (!d.empty()) {
    p.day = to_int(d);
    if (p.day < 1 || p.day > days_in_month(p.year, p.month)) return std::nullopt;
    p.precision = model::DatePrecision::day;
  }
  return p;
}

std::optional<model::Decimal> parse_decimal(std::string_view t) {
  if (t.empty() || t.size() > 32) return std::nullopt;
  std::size_t i = 0;
  std::string text;
  if (t[0] == '-' || t[0] == '+') {
    if (t[0] == '-') text += '-';
    ++i;
  }
  std::size_t int_start = i;
  while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
  if (i == int_start) return std::nullopt;
  std::string_view int_part = t.substr(int_start, i - int_start);
  // no leading zeros in JSON numbers: drop them, keep one
  while (int_part.size() > 1 && int_part[0] == '0') int_part.remove_prefix(1);
  text += int_part;
  if (i < t.size()) {
    if (t[i] != '.') return std::nullopt;
    std::size_t frac_start = ++i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    if (i == frac_start || i != t.size()) return std::nullopt;
    text += '.';
    text += t.substr(frac_start);
  }
  if (text == "-0") text = "0";
  model::Decimal d;
  d.value = std::strtod(text.c_str(), nullptr);
  d.text = std::move(text);
  return d;
}

std::optional<std::string> normalize_topography(std::string_view t) {
  std::string s;
  for (char c : t) s += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  if (s.size() == 4 && s[0] == 'C' && all_digits(s.substr(1))) return s.substr(0, 3) + "." + s.substr(3);
  if (s.size() == 5 && s[0] == 'C' && s[3] == '.' && all_digits(s.substr(1, 2)) && all_digits(s.substr(4))) return s;
  return std::nullopt;
}

std::string derive_who_grade(std::optional<double> ki67, std::optional<double> mitoses) {
  int grade = 0;
  if (ki67) grade = std::max(grade, *ki67 < 3 ? 1 : *ki67 <= 20 ? 2 : 3);
  if (mitoses) grade = std::max(grade, *mitoses < 2 ? 1 : *mitoses <= 20 ? 2 : 3);
  return grade == 0 ? "" : "G" + std::to_string(grade);
}

}  // namespace netconv

namespace netconv {

std::optional<std::string> who_icd10_dotted(std::string_view t) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (t.size() < 3 || !(t[0] >= 'A' && t[0] <= 'Z') || !digit(t[1]) || !digit(t[2])) return std::nullopt;
  std::string head(t.substr(0, 3));
  auto rest = t.substr(3);
  if (rest.empty()) return head;
  if (rest[0] == '.') rest = rest.substr(1);  // already dotted; "C16." stays malformed below
  if (rest.size() != 1 || !digit(rest[0])) return std::nullopt;
  return head + "." + std::string(rest);
}

}  // namespace netconv
