#include "core/tsv_table.hpp"

#include <fstream>
#include <set>

#include "core/text.hpp"

namespace netconv {

int TsvTable::column_index(std::string_view name) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name) return static_cast<int>(i);
  return -1;
}

const std::string& TsvTable::cell(const TableRow& row, std::string_view column) const {
  static const std::string empty;
  int i = column_index(column);
  if (i < 0 || static_cast<std::size_t>(i) >= row.cells.size()) return empty;
  return row.cells[static_cast<std::size_t>(i)];
}

Location TsvTable::where(const TableRow& row, std::string_view column) const {
  Location loc{path, row.line, 0, std::string(column)};
  int i = column.empty() ? -1 : column_index(column);
  if (i >= 0) {
    std::uint64_t col = 1;
    for (int k = 0; k < i && static_cast<std::size_t>(k) < row.cells.size(); ++k) col += row.cells[static_cast<std::size_t>(k)].size() + 1;
    loc.column = col;
  }
  return loc;
}

TsvTable load_tsv(const std::string& path, const std::vector<std::string>& required,
                  const std::vector<std::string>& optional, std::vector<Diagnostic>& problems) {
  TsvTable t;
  t.path = path;
  auto problem = [&](const char* code, std::uint64_t line, std::string msg) {
    problems.push_back({Severity::error, code, {path, line, 0, ""}, std::move(msg), ""});
  };
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problem("NC-MAP-001", 0, "cannot open mapping table");
    return t;
  }
  std::string line;
  std::uint64_t n = 0;
  bool have_header = false;
  while (std::getline(in, line)) {
    ++n;
    if (line.size() > 65536) { problem("NC-MAP-002", n, "line longer than 65536 bytes"); continue; }
    if (!line.empty() && line.back() == '\r') { problem("NC-MAP-002", n, "CRLF line end (tables use LF)"); line.pop_back(); }
    if (n == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    if (find_invalid_utf8(line) != std::string::npos) { problem("NC-MAP-003", n, "line is not valid UTF-8"); continue; }
    if (line.find('\0') != std::string::npos) { problem("NC-MAP-003", n, "NUL byte in line"); continue; }
    if (line.empty() || line[0] == '#') continue;
    auto cells = split(line, '\t');
    if (!have_header) {
      have_header = true;
      t.columns = cells;
      std::set<std::string> seen;
      for (const auto& c : cells) {
        if (!seen.insert(c).second) problem("NC-MAP-004", n, "duplicate column '" + c + "'");
        bool known = false;
        for (const auto& r : required) known = known || r == c;
        for (const auto& o : optional) known = known || o == c;
        if (!known) problem("NC-MAP-005", n, "unknown column '" + c + "'");
      }
      for (const auto& r : required)
        if (!seen.count(r)) problem("NC-MAP-006", n, "required column '" + r + "' is missing");
      continue;
    }
    if (cells.size() != t.columns.size()) {
      problem("NC-MAP-007", n, "row has " + std::to_string(cells.size()) + " fields, header has " + std::to_string(t.columns.size()));
      continue;
    }
    for (auto& c : cells) c = std::string(trim(c));
    t.rows.push_back({n, std::move(cells)});
  }
  if (!have_header) problem("NC-MAP-006", n, "table has no header row");
  return t;
}

}  // namespace netconv
