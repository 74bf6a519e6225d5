#include "model/values.hpp"


namespace netconv::model {

namespace {
// Dates are formatted on every resource: plain digit arithmetic instead of printf.
void put(std::string& s, int v, int width) {
  char buf[8];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  s.append(buf, static_cast<std::size_t>(width));
}
std::string format(const PartialDate& d, const char* sep) {
  std::string s;
  s.reserve(10);
  put(s, d.year, 4);
  if (d.precision == DatePrecision::year) return s;
  s += sep;
  put(s, d.month, 2);
  if (d.precision == DatePrecision::month) return s;
  s += sep;
  put(s, d.day, 2);
  return s;
}
}  // namespace

std::string PartialDate::fhir() const { return format(*this, "-"); }
std::string PartialDate::hl7() const { return format(*this, ""); }

int PartialDate::compare(const PartialDate& o) const {
  if (year != o.year) return year < o.year ? -1 : 1;
  if (precision == DatePrecision::year || o.precision == DatePrecision::year) return 0;
  if (month != o.month) return month < o.month ? -1 : 1;
  if (precision == DatePrecision::month || o.precision == DatePrecision::month) return 0;
  if (day != o.day) return day < o.day ? -1 : 1;
  return 0;
}

}  // namespace netconv::model
