// netconv explain: which mapping-table rows a value matches (file:line) and which FHIR elements
// and C-CDA entries it becomes. '-' reads CSV (header + rows) from `in` and explains every record:
// its outcome, the rows each field matched and the resources it renders to.
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

namespace netconv {

struct ExplainOptions {
  std::string mappings_dir;
  std::vector<std::string> values;
};

// Returns the exit code: 0 when every value matched something, 1 when one matched nothing.
// Throws ConfigError when the tables do not load.
int explain(const ExplainOptions& options, std::istream& in, std::ostream& out);

}  // namespace netconv
