#include "mapping/naaccr_tables.hpp"

#include <algorithm>
#include <filesystem>

#include "core/errors.hpp"
#include "core/text.hpp"
#include "core/tsv_table.hpp"

namespace netconv::naaccr {
namespace {

// Collects the problems of one directory's NAACCR tables with their table locations.
struct Loader {
  std::vector<Diagnostic>& problems;
  void error(const char* code, Location loc, std::string msg) { problems.push_back({Severity::error, code, std::move(loc), std::move(msg), ""}); }
  // A count or version cell: digits only (at most 9); 0 and an error otherwise.
  int number(const TsvTable& t, const TableRow& r, const char* col, const std::string& s) {
    if (s.empty() || s.size() > 9 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      error("NC-MAP-013", t.where(r, col), "expected a number");
      return 0;
    }
    return std::stoi(s);
  }
  void need_source(const TsvTable& t, const TableRow& r) {
    if (t.cell(r, "source").empty()) error("NC-MAP-040", t.where(r, "source"), "row names no source");
  }
};

void load_items(const std::string& dir, Loader& L, Tables& out) {
  auto it = load_tsv(dir + "/naaccr-items.tsv", {"naaccr_id", "naaccr_num", "field", "transform", "priority", "dictionary_versions", "source"},
                     {"template", "skip_values", "note"}, L.problems);
  for (const auto& r : it.rows) {
    ItemRow row;
    row.naaccr_id = it.cell(r, "naaccr_id");
    row.naaccr_num = L.number(it, r, "naaccr_num", it.cell(r, "naaccr_num"));
    row.field = it.cell(r, "field");
    row.transform = it.cell(r, "transform");
    row.templ = it.cell(r, "template");
    row.priority = L.number(it, r, "priority", it.cell(r, "priority"));
    if (!it.cell(r, "skip_values").empty()) row.skip_values = split(it.cell(r, "skip_values"), '|');
    for (const auto& v : split(it.cell(r, "dictionary_versions"), '|')) row.versions.push_back(L.number(it, r, "dictionary_versions", v));
    if (row.transform != "copy" && row.transform != "code" && row.transform != "template" && row.transform != "ki67" &&
        row.transform != "identifier")
      L.error("NC-MAP-013", it.where(r, "transform"), "transform must be copy, code, template or ki67");
    if (row.transform == "template" && row.templ.find("{value}") == std::string::npos)
      L.error("NC-MAP-013", it.where(r, "template"), "template needs {value}");
    L.need_source(it, r);
    out.items.push_back(std::move(row));
  }
}

void load_values(const std::string& dir, Loader& L, Tables& out) {
  auto vt = load_tsv(dir + "/naaccr-values.tsv", {"naaccr_id", "code", "field", "value", "concept", "source"}, {"note"}, L.problems);
  for (const auto& r : vt.rows) {
    ValueRow v{vt.cell(r, "naaccr_id"), vt.cell(r, "code"), vt.cell(r, "field"), vt.cell(r, "value"), vt.cell(r, "concept")};
    if (out.value(v.naaccr_id, v.code)) L.error("NC-MAP-010", vt.where(r, "code"), "duplicate code");
    L.need_source(vt, r);
    out.values.push_back(std::move(v));
  }
}

// "LO-HI, CODE, ...": inclusive ranges of equal-length codes.
void read_code_ranges(const TsvTable& tt, const TableRow& r, Loader& L, TreatmentRow& t) {
  for (const auto& part : split(tt.cell(r, "codes"), ',')) {
    auto p = std::string(trim(part));
    auto dash = p.find('-');
    std::string lo = dash == std::string::npos ? p : p.substr(0, dash), hi = dash == std::string::npos ? p : p.substr(dash + 1);
    if (lo.empty() || lo.size() != hi.size() || hi < lo) {
      L.error("NC-MAP-013", tt.where(r, "codes"), "bad code range '" + p + "'");
      continue;
    }
    t.code_ranges.emplace_back(lo, hi);
  }
}

void check_treatment(const TsvTable& tt, const TableRow& r, Loader& L, const TreatmentRow& t, const Tables& out) {
  if (t.outcome != "given" && t.outcome != "not_done" && t.outcome != "counted" && t.outcome != "none")
    L.error("NC-MAP-013", tt.where(r, "outcome"), "outcome must be given, not_done, counted or none");
  if ((t.outcome == "given" || t.outcome == "not_done") && t.concept_key.empty())
    L.error("NC-MAP-013", tt.where(r, "concept"), "a given/not_done row needs a concept");
  if ((t.outcome == "counted" || t.outcome == "none") && t.count_as.empty())
    L.error("NC-MAP-013", tt.where(r, "count_as"), "a counted row needs count_as");
  L.need_source(tt, r);
  for (const auto& o : out.treatments)
    if (o.item == t.item && o.concept_key == t.concept_key)
      for (const auto& [lo, hi] : t.code_ranges)
        if (o.matches(lo) || o.matches(hi)) {
          L.error("NC-MAP-010", tt.where(r, "codes"), "code overlaps an earlier row of " + t.item);
          return;
        }
}

void load_treatments(const std::string& dir, Loader& L, Tables& out) {
  auto tt = load_tsv(dir + "/naaccr-treatments.tsv",
                     {"family", "item", "codes", "outcome", "concept", "kind", "profile", "status_reason", "date_items", "local_system",
                      "code_display", "count_as", "source"},
                     {"note"}, L.problems);
  for (const auto& r : tt.rows) {
    TreatmentRow t;
    t.family = tt.cell(r, "family");
    t.item = tt.cell(r, "item");
    read_code_ranges(tt, r, L, t);
    t.outcome = tt.cell(r, "outcome");
    t.concept_key = tt.cell(r, "concept");
    t.kind = tt.cell(r, "kind");
    t.profile = tt.cell(r, "profile");
    t.status_reason = tt.cell(r, "status_reason");
    if (!tt.cell(r, "date_items").empty()) t.date_items = split(tt.cell(r, "date_items"), '|');
    t.local_system = tt.cell(r, "local_system");
    t.code_display = tt.cell(r, "code_display");
    t.count_as = tt.cell(r, "count_as");
    check_treatment(tt, r, L, t, out);
    out.treatments.push_back(std::move(t));
  }
}

}  // namespace

bool TreatmentRow::matches(const std::string& code) const {
  for (const auto& [lo, hi] : code_ranges)
    if (code.size() == lo.size() && code >= lo && code <= hi) return true;
  return false;
}

const ValueRow* Tables::value(const std::string& naaccr_id, const std::string& code) const {
  for (const auto& v : values)
    if (v.naaccr_id == naaccr_id && v.code == code) return &v;
  return nullptr;
}
bool Tables::has_value_rows(const std::string& naaccr_id) const {
  return std::any_of(values.begin(), values.end(), [&](const ValueRow& v) { return v.naaccr_id == naaccr_id; });
}

std::shared_ptr<const Tables> load_tables(const std::string& mappings_dir, std::vector<Diagnostic>& problems) {
  auto out = std::make_shared<Tables>();
  Loader L{problems};
  load_items(mappings_dir, L, *out);
  load_values(mappings_dir, L, *out);
  load_treatments(mappings_dir, L, *out);
  return out;
}

std::shared_ptr<const Tables> load_tables(const std::string& mappings_dir) {
  std::vector<Diagnostic> problems;
  auto tables = load_tables(mappings_dir, problems);
  for (const auto& p : problems)
    if (p.severity == Severity::error) throw ConfigError(p.location.to_string() + ": " + p.message);
  return tables;
}

bool tables_present(const std::string& mappings_dir) {
  std::error_code ec;
  for (const char* name : {"naaccr-items.tsv", "naaccr-values.tsv", "naaccr-treatments.tsv"})
    if (std::filesystem::exists(mappings_dir + "/" + name, ec)) return true;
  return false;
}

}  // namespace netconv::naaccr
