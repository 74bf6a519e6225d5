// The source record: what a reader yields and the mapper reads — named fields with their raw
// text and locations, plus the framing problems that already reject it. It sits in model/ so
// readers and mapping both see it without either including the other.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostics.hpp"

namespace netconv {

struct RawField {
  std::string name;                // contract column name
  std::string value;               // scalar text ("" when absent)
  std::vector<std::string> items;  // list items when the source had a real list (JSON array)
  bool is_list = false;
  Location location;               // file:line:column [name]
};

struct SourceRecord {
  Location location;                // where the record starts
  std::vector<RawField> fields;
  std::vector<Diagnostic> problems;  // framing problems: the record is rejected with them
  // Source items a format's own mapping turns into fields before the mapper sees the record
  // (NAACCR Items: name = naaccrId, location = the item's line); empty for CSV and NDJSON.
  std::vector<RawField> items;
  std::string place;  // how messages about those items name the record ("patient 3: ")
  const RawField* get(std::string_view name) const;
  void clear() {
    fields.clear();
    problems.clear();
    items.clear();
    place.clear();
  }
};

}  // namespace netconv
