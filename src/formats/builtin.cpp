// The formats netconv ships: one registration line each. A new format is one file beside these
// (with its register_<name>_format function) plus one line here.
#include "formats/format.hpp"

namespace netconv {

void register_csv_format(FormatRegistry& r);         // formats/csv.cpp
void register_ndjson_format(FormatRegistry& r);      // formats/ndjson.cpp
void register_naaccr_xml_format(FormatRegistry& r);  // formats/naaccr_xml.cpp
void register_fhir_format(FormatRegistry& r);        // formats/fhir.cpp
void register_cda_format(FormatRegistry& r);         // formats/cda.cpp

void register_builtin_formats(FormatRegistry& r) {
  register_csv_format(r);  // first: the input format when neither content nor extension decides
  register_ndjson_format(r);
  register_naaccr_xml_format(r);
  register_fhir_format(r);
  register_cda_format(r);
}

const FormatRegistry& builtin_formats() {
  // built once, on first use, and never changed: a constant, not a cache
  static const FormatRegistry r = [] {
    FormatRegistry b;
    register_builtin_formats(b);
    return b;
  }();
  return r;
}

}  // namespace netconv
