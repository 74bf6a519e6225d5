#include "commands/table_files.hpp"

#include <filesystem>

#include "core/text.hpp"

namespace netconv {

const std::vector<std::string>& known_table_files() {
  static const std::vector<std::string> f = {
      "agents.tsv",           "cda-templates.tsv",      "code-systems.tsv",     "concepts.tsv",
      "diagnoses.tsv",        "grade-codes.tsv",        "grade-schemas.tsv",    "icd10cm-validity.tsv", "icdo3-morphology.tsv", "icdo3-morphology-terms.tsv",
      "icdo3-topography.tsv", "indications.tsv",        "lab-tests.tsv",          "morphology-scope.tsv",   "naaccr-dictionary.tsv", "naaccr-items.tsv",
      "naaccr-treatments.tsv", "naaccr-values.tsv",     "profiles.tsv",         "sites.tsv",
      "slot-systems.tsv",     "stand-ins.tsv",          "treatment-kinds.tsv",    "unverified-allowlist.tsv", "values.tsv"};
  return f;
}

const TsvTable& RawTables::operator[](const std::string& name) const {
  static const TsvTable empty;
  auto it = files.find(name);
  return it == files.end() ? empty : it->second;
}

RawTables read_raw_tables(const std::string& dir) {
  RawTables r;
  r.dir = dir;
  for (const auto& name : known_table_files()) {
    std::error_code ec;
    if (!std::filesystem::exists(dir + "/" + name, ec)) continue;
    std::vector<Diagnostic> ignored;
    r.files[name] = load_tsv(dir + "/" + name, {}, {}, ignored);
  }
  return r;
}

std::string concept_namespace(const std::string& key) {
  auto dot = key.find('.');
  return dot == std::string::npos ? key : key.substr(0, dot);
}

std::vector<SlotRule> slot_rules(const RawTables& t) {
  std::vector<SlotRule> out;
  const auto& s = t["slot-systems.tsv"];
  auto list = [](const std::string& v) {
    std::vector<std::string> r;
    if (v.empty()) return r;
    for (auto& p : split(v, '|'))
      if (auto x = std::string(trim(p)); !x.empty()) r.push_back(x);
    return r;
  };
  for (const auto& row : s.rows)
    out.push_back({s.cell(row, "namespace"), s.cell(row, "slot"), list(s.cell(row, "systems")), list(s.cell(row, "fhir")),
                   list(s.cell(row, "cda")), row.line});
  return out;
}

const SlotRule* find_slot_rule(const std::vector<SlotRule>& rules, const std::string& concept_key, const std::string& slot) {
  auto ns = concept_namespace(concept_key);
  for (const auto& r : rules)
    if (r.ns == ns && r.slot == slot) return &r;
  return nullptr;
}

bool in_net_histology_range(int h) {
  return (h >= 8150 && h <= 8158) || (h >= 8240 && h <= 8249) || h == 8013 || (h >= 8041 && h <= 8045);
}

}  // namespace netconv
