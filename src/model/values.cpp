#include "model/values.hpp"

#include <cstdio>

namespace netconv::model {

std::string PartialDate::fhir() const {
  char buf[16];
  switch (precision) {
    case DatePrecision::year: std::snprintf(buf, sizeof buf, "%04d", year); break;
    case DatePrecision::month: std::snprintf(buf, sizeof buf, "%04d-%02d", year, month); break;
    case DatePrecision::day: std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day); break;
  }
  return buf;
}

std::string PartialDate::hl7() const {
  char buf[16];
  switch (precision) {
    case DatePrecision::year: std::snprintf(buf, sizeof buf, "%04d", year); break;
    case DatePrecision::month: std::snprintf(buf, sizeof buf, "%04d%02d", year, month); break;
    case DatePrecision::day: std::snprintf(buf, sizeof buf, "%04d%02d%02d", year, month, day); break;
  }
  return buf;
}

int PartialDate::compare(const PartialDate& o) const {
  if (year != o.year) return year < o.year ? -1 : 1;
  if (precision == DatePrecision::year || o.precision == DatePrecision::year) return 0;
  if (month != o.month) return month < o.month ? -1 : 1;
  if (precision == DatePrecision::month || o.precision == DatePrecision::month) return 0;
  if (day != o.day) return day < o.day ? -1 : 1;
  return 0;
}

}  // namespace netconv::model
