// Raw (row-level, line-numbered) view of the mapping tables, shared by check-mappings,
// export-terminology and explain. MappingSet answers "what does the converter do"; this answers
// "which line of which file says so".
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/diagnostics.hpp"
#include "mapping/tsv_table.hpp"

namespace netconv {

// Every table file netconv (or check-mappings) reads, by file name.
const std::vector<std::string>& known_table_files();

struct RawTables {
  std::string dir;
  std::map<std::string, TsvTable> files;  // absent file = empty table
  const TsvTable& operator[](const std::string& name) const;
  std::string path(const std::string& name) const { return dir + "/" + name; }
};

// Reads every known table that exists; structural problems are not reported here.
RawTables read_raw_tables(const std::string& dir);

// Concept key namespace: the part before the first '.', or the whole key.
std::string concept_namespace(const std::string& key);

// One row of mappings/slot-systems.tsv.
struct SlotRule {
  std::string ns, slot;
  std::vector<std::string> systems, fhir, cda;
  std::uint64_t line = 0;
};
std::vector<SlotRule> slot_rules(const RawTables& t);
const SlotRule* find_slot_rule(const std::vector<SlotRule>& rules, const std::string& concept_key, const std::string& slot);

// ICD-O-3 histology codes in the NET range check-mappings demands a scope decision for:
// 8150-8158, 8240-8249, 8013, 8041-8045.
bool in_net_histology_range(int histology);

}  // namespace netconv
