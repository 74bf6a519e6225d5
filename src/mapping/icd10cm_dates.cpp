#include "mapping/icd10cm_dates.hpp"

#include <algorithm>
#include <charconv>

#include "core/tsv_table.hpp"

namespace netconv {
namespace {

bool parse_fy(const std::string& s, int& out) {
  if (s.size() != 4) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && out >= 2016 && out <= 2099;
}

void keep_valid(model::Concept& c, const Icd10cmValidity& v, int fy) {
  std::vector<std::size_t> dated;
  for (std::size_t i = 0; i < c.codings.size(); ++i)
    if (c.codings[i].system_uri == v.system_uri() && v.range(c.codings[i].code)) dated.push_back(i);
  if (dated.size() < 2) return;  // nothing to choose between: the common case, no copy
  int first = v.newest_fy(), last = 0;
  for (auto i : dated) {
    first = std::min(first, v.range(c.codings[i].code)->from);
    last = std::max(last, v.range(c.codings[i].code)->to);
  }
  int year = fy == 0 ? last : std::clamp(fy, first, last);
  std::vector<model::Coding> kept;
  for (std::size_t i = 0; i < c.codings.size(); ++i) {
    bool is_dated = std::find(dated.begin(), dated.end(), i) != dated.end();
    if (!is_dated || v.range(c.codings[i].code)->contains(year)) kept.push_back(std::move(c.codings[i]));
  }
  c.codings = std::move(kept);
}

}  // namespace

Icd10cmValidity Icd10cmValidity::load(const std::string& dir, const std::string& system_uri, std::vector<Diagnostic>& problems) {
  Icd10cmValidity v;
  v.uri_ = system_uri;
  auto t = load_tsv(dir + "/icd10cm-validity.tsv", {"code", "from_fy", "to_fy", "display", "source"}, {"note"}, problems);
  auto error = [&](const TableRow& r, const char* col, std::string msg) {
    problems.push_back({Severity::error, "NC-MAP-038", t.where(r, col), std::move(msg), ""});
  };
  for (const auto& r : t.rows) {
    FyRange f;
    if (!parse_fy(t.cell(r, "from_fy"), f.from)) { error(r, "from_fy", "from_fy is not a fiscal year YYYY (2016 or later)"); continue; }
    if (!parse_fy(t.cell(r, "to_fy"), f.to) || f.to < f.from) { error(r, "to_fy", "to_fy is not a fiscal year YYYY at or after from_fy"); continue; }
    if (t.cell(r, "source").empty()) problems.push_back({Severity::error, "NC-MAP-040", t.where(r, "source"), "row names no source", ""});
    if (!v.ranges_.emplace(t.cell(r, "code"), f).second) {
      problems.push_back({Severity::error, "NC-MAP-010", t.where(r, "code"), "duplicate ICD-10-CM code", ""});
      continue;
    }
    v.newest_ = std::max(v.newest_, f.to);
    v.oldest_ = v.oldest_ == 0 ? f.from : std::min(v.oldest_, f.from);
  }
  return v;
}

const FyRange* Icd10cmValidity::range(std::string_view code) const {
  auto it = ranges_.find(std::string(code));
  return it == ranges_.end() ? nullptr : &it->second;
}

std::string icd10cm_range_problem(std::vector<std::pair<std::string, FyRange>> codes, int oldest, int newest) {
  if (codes.empty()) return "";
  std::sort(codes.begin(), codes.end(), [](const auto& a, const auto& b) { return a.second.from < b.second.from; });
  auto fy = [](int y) { return "FY" + std::to_string(y); };
  if (codes.front().second.from > oldest)
    return "no code before " + fy(codes.front().second.from) + " (" + codes.front().first + "); the table starts at " + fy(oldest);
  for (std::size_t i = 1; i < codes.size(); ++i) {
    const auto& [pc, p] = codes[i - 1];
    const auto& [nc, n] = codes[i];
    if (n.from <= p.to) return pc + " and " + nc + " overlap in " + fy(n.from);
    if (n.from > p.to + 1) return "gap between " + pc + " (to " + fy(p.to) + ") and " + nc + " (from " + fy(n.from) + ")";
  }
  if (codes.back().second.to < newest)
    return codes.back().first + " ends in " + fy(codes.back().second.to) + ", before the newest edition " + fy(newest);
  return "";
}

int fiscal_year(const model::PartialDate& d) {
  if (d.precision == model::DatePrecision::year) return d.year;
  return d.month >= 10 ? d.year + 1 : d.year;
}

void keep_icd10cm_valid_in(model::Tumor& tu, const Icd10cmValidity& v, int fy) {
  keep_valid(tu.diagnosis, v, fy);
  for (auto& m : tu.metastases) keep_valid(m.code, v, fy);
  for (auto& c : tu.conditions) keep_valid(c.code, v, fy);
}

}  // namespace netconv
