#include "readers/naaccr_tables.hpp"

#include <algorithm>
#include <mutex>

#include "core/data_paths.hpp"
#include "core/errors.hpp"
#include "core/text.hpp"
#include "mapping/tsv_table.hpp"

namespace netconv::naaccr {
namespace {

TsvTable load(const std::string& path, const std::vector<std::string>& req, const std::vector<std::string>& opt) {
  std::vector<Diagnostic> problems;
  auto t = load_tsv(path, req, opt, problems);
  for (const auto& p : problems)
    if (p.severity == Severity::error) throw ConfigError(p.location.to_string() + ": " + p.message);
  return t;
}

int to_int(const std::string& s, const TsvTable& t, const TableRow& r, const char* col) {
  if (s.empty() || s.size() > 9 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    throw ConfigError(t.where(r, col).to_string() + ": expected a number");
  return std::stoi(s);
}

std::shared_ptr<const Tables> load_uncached(const std::string& dir) {
  auto out = std::make_shared<Tables>();
  auto it = load(dir + "/naaccr-items.tsv", {"naaccr_id", "naaccr_num", "field", "transform", "priority", "dictionary_versions", "source"},
                 {"template", "skip_values", "note"});
  for (const auto& r : it.rows) {
    ItemRow row;
    row.naaccr_id = it.cell(r, "naaccr_id");
    row.naaccr_num = to_int(it.cell(r, "naaccr_num"), it, r, "naaccr_num");
    row.field = it.cell(r, "field");
    row.transform = it.cell(r, "transform");
    row.templ = it.cell(r, "template");
    row.priority = to_int(it.cell(r, "priority"), it, r, "priority");
    if (!it.cell(r, "skip_values").empty()) row.skip_values = split(it.cell(r, "skip_values"), '|');
    for (const auto& v : split(it.cell(r, "dictionary_versions"), '|')) row.versions.push_back(to_int(v, it, r, "dictionary_versions"));
    if (row.transform != "copy" && row.transform != "code" && row.transform != "template" && row.transform != "ki67" &&
        row.transform != "identifier")
      throw ConfigError(it.where(r, "transform").to_string() + ": transform must be copy, code, template or ki67");
    if (row.transform == "template" && row.templ.find("{value}") == std::string::npos)
      throw ConfigError(it.where(r, "template").to_string() + ": template needs {value}");
    if (it.cell(r, "source").empty()) throw ConfigError(it.where(r, "source").to_string() + ": row names no source");
    out->items.push_back(std::move(row));
  }
  auto vt = load(dir + "/naaccr-values.tsv", {"naaccr_id", "code", "field", "value", "concept", "source"}, {"note"});
  for (const auto& r : vt.rows) {
    ValueRow v{vt.cell(r, "naaccr_id"), vt.cell(r, "code"), vt.cell(r, "field"), vt.cell(r, "value"), vt.cell(r, "concept")};
    if (out->value(v.naaccr_id, v.code)) throw ConfigError(vt.where(r, "code").to_string() + ": duplicate code");
    if (vt.cell(r, "source").empty()) throw ConfigError(vt.where(r, "source").to_string() + ": row names no source");
    out->values.push_back(std::move(v));
  }
  auto tt = load(dir + "/naaccr-treatments.tsv",
                 {"family", "item", "codes", "outcome", "concept", "kind", "profile", "status_reason", "date_items", "local_system",
                  "code_display", "count_as", "source"},
                 {"note"});
  for (const auto& r : tt.rows) {
    TreatmentRow t;
    t.family = tt.cell(r, "family");
    t.item = tt.cell(r, "item");
    for (const auto& part : split(tt.cell(r, "codes"), ',')) {
      auto p = std::string(trim(part));
      auto dash = p.find('-');
      std::string lo = dash == std::string::npos ? p : p.substr(0, dash), hi = dash == std::string::npos ? p : p.substr(dash + 1);
      if (lo.empty() || lo.size() != hi.size() || hi < lo) throw ConfigError(tt.where(r, "codes").to_string() + ": bad code range '" + p + "'");
      t.code_ranges.emplace_back(lo, hi);
    }
    t.outcome = tt.cell(r, "outcome");
    t.concept_key = tt.cell(r, "concept");
    t.kind = tt.cell(r, "kind");
    t.profile = tt.cell(r, "profile");
    t.status_reason = tt.cell(r, "status_reason");
    if (!tt.cell(r, "date_items").empty()) t.date_items = split(tt.cell(r, "date_items"), '|');
    t.local_system = tt.cell(r, "local_system");
    t.code_display = tt.cell(r, "code_display");
    t.count_as = tt.cell(r, "count_as");
    if (t.outcome != "given" && t.outcome != "not_done" && t.outcome != "counted" && t.outcome != "none")
      throw ConfigError(tt.where(r, "outcome").to_string() + ": outcome must be given, not_done, counted or none");
    if ((t.outcome == "given" || t.outcome == "not_done") && t.concept_key.empty())
      throw ConfigError(tt.where(r, "concept").to_string() + ": a given/not_done row needs a concept");
    if ((t.outcome == "counted" || t.outcome == "none") && t.count_as.empty())
      throw ConfigError(tt.where(r, "count_as").to_string() + ": a counted row needs count_as");
    if (tt.cell(r, "source").empty()) throw ConfigError(tt.where(r, "source").to_string() + ": row names no source");
    for (const auto& o : out->treatments)
      if (o.item == t.item && o.concept_key == t.concept_key)
        for (const auto& [lo, hi] : t.code_ranges)
          if (o.matches(lo) || o.matches(hi)) throw ConfigError(tt.where(r, "codes").to_string() + ": code overlaps an earlier row of " + t.item);
    out->treatments.push_back(std::move(t));
  }
  return out;
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

std::shared_ptr<const Tables> load_tables(const std::string& mappings_dir) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const Tables>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = cache[mappings_dir];
  if (!slot) slot = load_uncached(mappings_dir);
  return slot;
}

std::string default_mappings_dir() { return resolve_data_path(DataPath::mappings); }

}  // namespace netconv::naaccr
