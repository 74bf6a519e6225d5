// ICD-10-CM by date (docs/mapping-decisions.md section 1): which code of a concept was valid in
// which CMS fiscal year, read from mappings/icd10cm-validity.tsv, and the choice of the code valid
// on a diagnosis date. A fiscal year YYYY runs from 1 October YYYY-1 to 30 September YYYY.
#pragma once
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/diagnostics.hpp"
#include "model/net_case.hpp"

namespace netconv {

struct FyRange {
  int from = 0, to = 0;  // first and last fiscal year in which the code is billable, inclusive
  bool contains(int fy) const { return fy >= from && fy <= to; }
};

class Icd10cmValidity {
 public:
  // Loads `dir`/icd10cm-validity.tsv. Table problems (NC-MAP-0xx) are appended; a row with a bad
  // range is left out.
  // `system_uri` is the FHIR URI of ICD-10-CM (code-systems.tsv), by which codings are recognised.
  static Icd10cmValidity load(const std::string& dir, const std::string& system_uri, std::vector<Diagnostic>& problems);
  const FyRange* range(std::string_view code) const;
  int newest_fy() const { return newest_; }  // the newest edition the table was read from
  int oldest_fy() const { return oldest_; }
  const std::string& system_uri() const { return uri_; }

 private:
  std::string uri_;
  std::unordered_map<std::string, FyRange> ranges_;
  int newest_ = 0, oldest_ = 0;
};

// Why the ranges of one concept slot's ICD-10-CM codes do not tile [oldest, newest] without gap
// or overlap; "" when they do. `codes` holds (code, range) in any order.
std::string icd10cm_range_problem(std::vector<std::pair<std::string, FyRange>> codes, int oldest, int newest);

// The fiscal year of a date: October-December count to the next year. A year-only date is taken
// as that fiscal year (January-September, three quarters of the year).
int fiscal_year(const model::PartialDate& d);

// Of each concept of the tumor with two or more dated ICD-10-CM codings, keeps the one valid in
// fiscal year `fy` (0 = the newest edition); years before the first edition take the first code,
// years after the newest take the newest. Concepts with one ICD-10-CM coding are left alone.
void keep_icd10cm_valid_in(model::Tumor& tu, const Icd10cmValidity& v, int fy);

}  // namespace netconv
