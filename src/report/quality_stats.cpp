#include "report/quality_stats.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/json_writer.hpp"
#include "core/sha256.hpp"

namespace netconv::report {
namespace {

void count_unverified(Counts& into, const model::Concept& c) {
  if (c.verified()) return;
  // the table key names the concept; a registry code without a table row is named by its local code
  const std::string& key = !c.key.empty() ? c.key : c.local.code;
  if (!key.empty()) ++into[key];
}
void count_unverified(Counts& into, const std::optional<model::Concept>& c) {
  if (c) count_unverified(into, *c);
}

void count_tumor_concepts(Counts& into, const model::Tumor& t) {
  for (const auto* c : {&t.topography_concept, &t.morphology_concept, &t.diagnosis}) count_unverified(into, *c);
  for (const auto* c : {&t.body_site, &t.laterality, &t.grade_value, &t.grade_method}) count_unverified(into, *c);
  for (const auto& o : t.observations) {
    count_unverified(into, o.code);
    count_unverified(into, o.value);
  }
  for (const auto& m : t.metastases) {
    count_unverified(into, m.code);
    count_unverified(into, m.body_site);
  }
  for (const auto& c : t.conditions) count_unverified(into, c.code);
  for (const auto& tr : t.treatments) {
    count_unverified(into, tr.code);
    count_unverified(into, tr.category);
    count_unverified(into, tr.status_reason);
  }
  for (const auto& d : t.diagnostics) count_unverified(into, d.code);
  for (const auto& l : t.labs) count_unverified(into, l.code);
}

void write_counts(JsonWriter& w, std::string_view name, const Counts& m) {
  w.key(name).begin_object();
  for (const auto& [k, v] : m) w.member_number(k, std::to_string(v));
  w.end_object();
}

Counts read_counts(const nlohmann::json& j, const char* name) {
  Counts out;
  auto it = j.find(name);
  if (it == j.end() || !it->is_object()) return out;
  for (const auto& [k, v] : it->items())
    if (is_count(v)) out[k] = v.get<std::uint64_t>();
  return out;
}

std::uint64_t read_number(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && is_count(*it) ? it->get<std::uint64_t>() : 0;
}

}  // namespace

bool is_count(const nlohmann::json& v) {
  return v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0);
}

const std::array<std::string_view, kKi67Bins>& ki67_bin_labels() {
  static const std::array<std::string_view, kKi67Bins> labels = {"<1", "1-<3", "3-<5", "5-<10", "10-20", ">20-30", ">30-55", ">55"};
  return labels;
}

std::size_t ki67_bin(double p) {
  if (p < 1) return 0;
  if (p < 3) return 1;
  if (p < 5) return 2;
  if (p < 10) return 3;
  if (p <= 20) return 4;  // WHO G2 ends at 20 % inclusive
  if (p <= 30) return 5;
  if (p <= 55) return 6;
  return 7;
}

void QualityStats::add(const model::NetCase& c) {
  const auto& t = c.tumor;
  ++cases;
  ++site_groups[t.site_group.empty() ? "other" : t.site_group];
  ++primary_sites[t.topography.empty() ? "unknown" : t.topography];
  ++(t.grade_source == "derived" ? grade_derived : grade_given)[t.grade.empty() ? "none" : t.grade];
  if (!t.grade_conflict.empty()) ++grade_contradictions;
  bool ki67_seen = false;
  for (const auto& o : t.observations)
    if (o.kind == "ki67" && o.quantity && !ki67_seen) {
      ++ki67[ki67_bin(o.quantity->value.value)];
      ki67_seen = true;
    }
  if (!ki67_seen) ++ki67_missing;
  for (const auto& tr : t.treatments) ++treatment_kinds[tr.kind.empty() ? "other" : tr.kind];
  count_tumor_concepts(unverified_concepts, t);
  count_unverified(unverified_concepts, c.patient.gender);
  count_unverified(unverified_concepts, c.patient.birth_sex);
  count_unverified(unverified_concepts, c.patient.cause_of_death);
}

void QualityStats::merge(const QualityStats& o) {
  auto add_counts = [](Counts& into, const Counts& from) {
    for (const auto& [k, v] : from) into[k] += v;
  };
  cases += o.cases;
  add_counts(site_groups, o.site_groups);
  add_counts(primary_sites, o.primary_sites);
  add_counts(grade_given, o.grade_given);
  add_counts(grade_derived, o.grade_derived);
  grade_contradictions += o.grade_contradictions;
  for (std::size_t i = 0; i < kKi67Bins; ++i) ki67[i] += o.ki67[i];
  ki67_missing += o.ki67_missing;
  add_counts(treatment_kinds, o.treatment_kinds);
  add_counts(unverified_concepts, o.unverified_concepts);
  add_counts(input_formats, o.input_formats);
  if (output_formats.empty()) output_formats = o.output_formats;
  if (mapping_tables_sha256.empty()) mapping_tables_sha256 = o.mapping_tables_sha256;
}

void QualityStats::write_json(JsonWriter& w) const {
  w.key("quality").begin_object().member_number("cases", std::to_string(cases));
  write_counts(w, "input_formats", input_formats);
  w.key("output_formats").begin_array();
  for (const auto& f : output_formats) w.string(f);
  w.end_array();
  w.member("mapping_tables_sha256", mapping_tables_sha256);
  write_counts(w, "site_groups", site_groups);
  write_counts(w, "primary_sites", primary_sites);
  write_counts(w, "grade_given", grade_given);
  write_counts(w, "grade_derived", grade_derived);
  w.member_number("grade_contradictions", std::to_string(grade_contradictions));
  w.key("ki67_percent").begin_object();
  for (std::size_t i = 0; i < kKi67Bins; ++i) w.member_number(ki67_bin_labels()[i], std::to_string(ki67[i]));
  w.member_number("missing", std::to_string(ki67_missing)).end_object();
  write_counts(w, "treatment_kinds", treatment_kinds);
  write_counts(w, "unverified_concepts", unverified_concepts);
  w.end_object();
}

QualityStats QualityStats::from_json(const nlohmann::json& q) {
  QualityStats s;
  if (!q.is_object()) return s;
  s.cases = read_number(q, "cases");
  s.input_formats = read_counts(q, "input_formats");
  if (auto it = q.find("output_formats"); it != q.end() && it->is_array())
    for (const auto& f : *it)
      if (f.is_string()) s.output_formats.push_back(f.get<std::string>());
  if (auto it = q.find("mapping_tables_sha256"); it != q.end() && it->is_string()) s.mapping_tables_sha256 = *it;
  s.site_groups = read_counts(q, "site_groups");
  s.primary_sites = read_counts(q, "primary_sites");
  s.grade_given = read_counts(q, "grade_given");
  s.grade_derived = read_counts(q, "grade_derived");
  s.grade_contradictions = read_number(q, "grade_contradictions");
  Counts ki = read_counts(q, "ki67_percent");
  for (std::size_t i = 0; i < kKi67Bins; ++i) s.ki67[i] = ki[std::string(ki67_bin_labels()[i])];
  s.ki67_missing = ki["missing"];
  s.treatment_kinds = read_counts(q, "treatment_kinds");
  s.unverified_concepts = read_counts(q, "unverified_concepts");
  return s;
}

std::string mapping_tables_sha256(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec)) files.push_back(it->path());
  if (ec) return "";
  std::sort(files.begin(), files.end());
  Sha256 h;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) return "";
    // name and size first, so that moving bytes from one file to the next changes the digest
    h.update(f.filename().string() + '\0' + std::to_string(bytes.size()) + '\0');
    h.update(bytes);
  }
  auto digest = h.finish();
  return hex_prefix(digest, digest.size());
}

}  // namespace netconv::report
