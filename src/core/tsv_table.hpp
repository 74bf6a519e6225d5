// Generic loader for the mapping tables' TSV format (docs/mapping-tables.md). It checks only the
// structure; meaning is checked by MappingSet. Problems are collected, never thrown, so that
// check-mappings can report every one of them.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostics.hpp"

namespace netconv {

struct TableRow {
  std::uint64_t line = 0;
  std::vector<std::string> cells;
};

struct TsvTable {
  std::string path;
  std::vector<std::string> columns;
  std::vector<TableRow> rows;
  int column_index(std::string_view name) const;
  // Cell by column name; "" when the table has no such (optional) column.
  const std::string& cell(const TableRow& row, std::string_view column) const;
  Location where(const TableRow& row, std::string_view column = {}) const;
};

TsvTable load_tsv(const std::string& path, const std::vector<std::string>& required,
                  const std::vector<std::string>& optional, std::vector<Diagnostic>& problems);

}  // namespace netconv
