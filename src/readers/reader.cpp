#include "readers/reader.hpp"

#include <fstream>

#include "core/errors.hpp"
#include "core/text.hpp"

namespace netconv {

const std::vector<std::string>& contract_columns() {
  static const std::vector<std::string> cols = {
      "patient_id", "birth_date", "sex", "tumor_id", "diagnosis_date", "primary_site",
      "histology", "behavior", "grade", "ki67_percent", "mitotic_count", "differentiation",
      "metastatic_sites", "syndromes", "carcinoid_syndrome", "symptoms", "treatments",
      // contract 1.1 (additive)
      "diagnostics", "labs", "vital_status", "last_contact_date"};
  return cols;
}

bool is_reader_internal_field(std::string_view name) {
  return name == "patient_id_system" || name == "tumor_key" || name.rfind("naaccr.", 0) == 0;
}

bool is_list_column(std::string_view name) {
  return name == "metastatic_sites" || name == "syndromes" || name == "symptoms" || name == "treatments" ||
         name == "diagnostics" || name == "labs";
}

std::string_view ColumnMap::rename(std::string_view header) const {
  for (const auto& [from, to] : renames)
    if (from == header) return to;
  return header;
}

ColumnMap load_column_map(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("cannot open column map " + path);
  ColumnMap map;
  std::string line;
  std::uint64_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    auto parts = split(line, '\t');
    if (parts.size() != 2)
      throw ConfigError(path + ":" + std::to_string(n) + ": expected two tab-separated columns (source, target)");
    if (n == 1 && parts[0] == "source" && parts[1] == "target") continue;
    bool known = false;
    for (const auto& c : contract_columns()) known = known || c == parts[1];
    if (!known) throw ConfigError(path + ":" + std::to_string(n) + ": target '" + parts[1] + "' is not a contract column");
    map.renames.emplace_back(parts[0], parts[1]);
  }
  return map;
}

}  // namespace netconv
