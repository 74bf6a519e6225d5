// The mapping tables netconv ships (mappings/), loaded once for the whole unit-test binary: the
// tables are read-only after loading, and loading them per test would cost seconds in total.
#pragma once
#include <vector>

#include "core/diagnostics.hpp"
#include "mapping/mapping_set.hpp"

namespace netconv::test_support {
inline const MappingSet& shipped_tables() {
  static const MappingSet tables = [] {
    std::vector<Diagnostic> problems;
    return MappingSet::load(NETCONV_MAPPINGS_DIR, problems);
  }();
  return tables;
}
}  // namespace netconv::test_support
