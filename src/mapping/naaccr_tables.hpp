// The NAACCR mapping tables (docs/naaccr.md): which items netconv reads into which field
// (naaccr-items.tsv), registry code translations (naaccr-values.tsv) and the first-course
// treatment semantics (naaccr-treatments.tsv). MappingSet loads and checks them with the other
// tables before the first record; the NAACCR mapping unit (naaccr_translate.hpp,
// naaccr_mapping.hpp) reads them. Immutable after loading.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/diagnostics.hpp"

namespace netconv::naaccr {

struct ItemRow {
  std::string naaccr_id;
  int naaccr_num = 0;
  std::string field;      // contract field or naaccr.<id>
  std::string transform;  // copy, code, template, ki67
  std::string templ;      // for transform template: "{value}" is replaced
  int priority = 1;
  std::vector<std::string> skip_values;
  std::vector<int> versions;
};

struct ValueRow {
  std::string naaccr_id, code, field, value, concept_key;
};

struct TreatmentRow {
  std::string family, item;
  std::vector<std::pair<std::string, std::string>> code_ranges;  // inclusive, same length
  std::string outcome;  // given, not_done, counted, none
  std::string concept_key, kind, profile, status_reason;
  std::vector<std::string> date_items;
  std::string local_system, code_display, count_as;
  bool matches(const std::string& code) const;
};

struct Tables {
  std::vector<ItemRow> items;       // table order
  std::vector<ValueRow> values;
  std::vector<TreatmentRow> treatments;  // table order (decides precedence within a family)
  const ValueRow* value(const std::string& naaccr_id, const std::string& code) const;
  bool has_value_rows(const std::string& naaccr_id) const;
};

// Loads the tables of a mappings directory, appending every problem (NC-MAP codes, file:line);
// the tables are usable only when none of the problems is an error.
std::shared_ptr<const Tables> load_tables(const std::string& mappings_dir, std::vector<Diagnostic>& problems);
// The same, throwing ConfigError (file:line: message) at the first error: for callers that need
// the NAACCR tables alone (tests, fuzz targets).
std::shared_ptr<const Tables> load_tables(const std::string& mappings_dir);
// Whether the directory has NAACCR tables at all (NAACCR input is optional).
bool tables_present(const std::string& mappings_dir);

}  // namespace netconv::naaccr
