// What the converted cases of a run look like, for the people who own the export: counters only
// (no patient values, no floating point), so they are the same at any thread count. A worker
// counts the cases it rendered; the ordering thread merges the workers' counters; report.json
// carries them as its "quality" section, from which the run report (report/html_report.hpp) is
// drawn, also by `netconv report DIR` long after the run.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "model/net_case.hpp"

namespace netconv {
class JsonWriter;
}

namespace netconv::report {

using Counts = std::map<std::string, std::uint64_t>;

// Ki-67 index bins: the WHO 2019/2022 grade thresholds (< 3 %, 3-20 %, > 20 %) split further where
// registries see most values. Labels are the stable keys in report.json.
constexpr std::size_t kKi67Bins = 8;
const std::array<std::string_view, kKi67Bins>& ki67_bin_labels();
// The bin of a Ki-67 percentage (0-100; values outside are clamped to the first/last bin).
std::size_t ki67_bin(double percent);

struct QualityStats {
  std::uint64_t cases = 0;          // converted tumor records counted
  Counts site_groups;               // primary site group (sites.tsv), e.g. small_intestine
  Counts primary_sites;             // ICD-O-3 topography, e.g. C17.2
  Counts grade_given, grade_derived;  // G1/G2/G3/GX by where the grade came from; "none" = no grade
  std::uint64_t grade_contradictions = 0;  // a given grade that Ki-67, mitoses or the class contradict
  std::array<std::uint64_t, kKi67Bins> ki67{};
  std::uint64_t ki67_missing = 0;   // cases without a Ki-67 index
  Counts treatment_kinds;           // surgery, ssa, prrt, ... (one per treatment)
  Counts unverified_concepts;       // concept key -> times it was written without a verified code
  // The run, beside the cases: inputs by format (csv, ndjson, naaccr-xml) and the sha256 of the
  // mapping-table files (name, size and bytes of each, in name order).
  Counts input_formats;
  std::vector<std::string> output_formats;  // as asked for (--to), in that order
  std::string mapping_tables_sha256;

  void add(const model::NetCase& c);
  void merge(const QualityStats& other);
  // Writes `"quality":{...}` as a member of the object `w` is in; keys in a fixed order.
  void write_json(JsonWriter& w) const;
  // Reads what write_json wrote (a missing section or member reads as zero: older runs).
  static QualityStats from_json(const nlohmann::json& quality);
};

// A count in report.json: a non-negative integer (whatever JSON number type a reader gave it).
bool is_count(const nlohmann::json& v);

// sha256 over the regular files of a mapping-table folder; "" when it cannot be read.
std::string mapping_tables_sha256(const std::string& dir);

}  // namespace netconv::report
