// Typed values of the target-neutral model: coded values, partial dates, decimals.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace netconv::model {

struct Coding {
  std::string system_uri;
  std::string system_oid;  // for CDA; empty when the system has none
  std::string code;
  std::string display;
};

// A concept as the mapping tables resolved it. `codings` holds only verified codes; when it is
// empty the concept is unverified and writers emit `text` plus `local` (the registry's own key
// in netconv's local code system) and tag the resource. Verified table concepts carry no `local`
// (codings are only ever added to a concept, so it would never be used).
struct Concept {
  std::string key;  // mapping-table concept key, e.g. symptom.flushing
  std::vector<Coding> codings;
  std::string text;
  Coding local;
  bool verified() const { return !codings.empty(); }
};

enum class DatePrecision { year, month, day };

// A date with the precision the source gave (FHIR date / HL7 TS keep it).
struct PartialDate {
  int year = 0, month = 0, day = 0;
  DatePrecision precision = DatePrecision::year;
  std::string fhir() const;  // YYYY, YYYY-MM, YYYY-MM-DD
  std::string hl7() const;   // YYYY, YYYYMM, YYYYMMDD
  bool operator==(const PartialDate&) const = default;
  // Compares on the common precision; -1, 0 (same or undecidable), 1.
  int compare(const PartialDate& o) const;
};

// A decimal keeps its source text so that output never changes the number the registry wrote.
struct Decimal {
  std::string text;  // canonical JSON/FHIR decimal text
  double value = 0;
};

struct Quantity {
  Decimal value;
  std::string comparator;  // "", "<", "<=", ">", ">="
  std::string unit;        // UCUM code
  std::string unit_display;
};

}  // namespace netconv::model
