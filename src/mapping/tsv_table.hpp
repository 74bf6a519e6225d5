// The TSV loader moved to core/ (readers load their tables with it too); this header keeps the
// mapping-side include path working.
#pragma once
#include "core/tsv_table.hpp"
