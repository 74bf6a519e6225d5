// FHIR R4 primitive data types: JSON representation and lexical form (the regexes of the R4
// StructureDefinitions, plus real calendar validity: 2021-02-30 is not a date). Hand-written
// scanners instead of std::regex: no recursion, linear time, safe on hostile input.
#pragma once
#include <cstdint>
#include <string_view>

namespace netconv::fhir {

enum class Prim : std::uint8_t {
  none,
  boolean,
  integer,
  unsignedInt,
  positiveInt,
  decimal,
  string,
  markdown,
  code,
  id,
  uri,
  url,
  canonical,
  oid,
  uuid,
  base64Binary,
  date,
  dateTime,
  instant,
  time,
  xhtml,
};

// "dateTime" -> Prim::dateTime; unknown -> Prim::none.
Prim prim_from_name(std::string_view name);
const char* prim_name(Prim p);

enum class JsonKind : std::uint8_t { boolean, number, string };
JsonKind json_kind(Prim p);

// Lexical checks for string-represented primitives; returns nullptr when valid, else a short reason.
const char* check_string_primitive(Prim p, std::string_view s);
// Numbers: is_integer = the JSON number has no fraction/exponent; value for range checks.
const char* check_number_primitive(Prim p, bool is_integer, bool is_negative, double value);

bool valid_date(std::string_view s);      // YYYY, YYYY-MM, YYYY-MM-DD
bool valid_date_time(std::string_view s); // date, or full date + time + zone
bool valid_instant(std::string_view s);   // full date + time + zone
bool valid_time(std::string_view s);      // hh:mm:ss(.fff)

}  // namespace netconv::fhir
