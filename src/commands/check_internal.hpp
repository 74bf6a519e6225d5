// Internals of check-mappings shared by its source files (not a public interface).
#pragma once
#include <set>
#include <string>
#include <vector>

#include "commands/check_mappings.hpp"
#include "commands/table_files.hpp"
#include "mapping/mapping_set.hpp"

namespace netconv::check_detail {

struct AllowEntry {
  std::string table, key, reason;
  std::uint64_t line = 0;
  bool used = false;
};

struct TableCheck {
  TableCheck(const CheckOptions& o, const MappingSet& ms, const RawTables& r, std::vector<Diagnostic>& findings)
      : opt(o), m(ms), raw(r), out(findings) {}
  const CheckOptions& opt;
  const MappingSet& m;
  const RawTables& raw;
  std::vector<Diagnostic>& out;
  std::vector<SlotRule> slots;
  std::vector<AllowEntry> allow;
  std::string allow_path;

  void add(Severity s, const char* rule, Location loc, std::string msg) {
    out.push_back({s, rule, std::move(loc), std::move(msg), ""});
  }
  void error(const char* rule, Location loc, std::string msg) { add(Severity::error, rule, std::move(loc), std::move(msg)); }
  void warning(const char* rule, Location loc, std::string msg) { add(Severity::warning, rule, std::move(loc), std::move(msg)); }
  void note(const char* rule, Location loc, std::string msg) { add(Severity::note, rule, std::move(loc), std::move(msg)); }
  Location file_loc(const std::string& name, std::uint64_t line = 0, std::string field = "") const {
    return {raw.path(name), line, 0, std::move(field)};
  }
  // Allow-list entry covering (table, key), marked used; nullptr when none.
  AllowEntry* allowed(const std::string& table, const std::string& key);
};

// NC-MAP-046: every verified concepts.tsv row whose note marks it a stand-in ("stand-in") has a
// stand-ins.tsv row giving the registry term, which writers send as code.text / originalText.
void check_stand_ins(TableCheck& c);

// Runs the synthetic-record round trip; fills the report's round-trip counters.
void round_trip(TableCheck& c, CheckReport& report);

}  // namespace netconv::check_detail
