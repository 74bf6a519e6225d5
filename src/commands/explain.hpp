// netconv explain: which mapping-table rows a value matches (file:line) and which FHIR elements
// and C-CDA entries it becomes. '-' reads records from `in` (whole; any registered input format,
// detected as convert detects it: CSV with a header row by default) and explains every record:
// its outcome, the rows each field matched and what every output format renders it to.
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

namespace netconv {

class FormatRegistry;

struct ExplainOptions {
  std::string mappings_dir;
  std::vector<std::string> values;
  const FormatRegistry* formats = nullptr;  // input and output formats; null = builtin_formats()
};

// Returns the exit code: 0 when every value matched something, 1 when one matched nothing.
// Throws ConfigError when the tables do not load.
int explain(const ExplainOptions& options, std::istream& in, std::ostream& out);

}  // namespace netconv
