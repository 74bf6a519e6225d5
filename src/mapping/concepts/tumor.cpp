// The tumor's codes (site, histology, behavior), which decide scope, and its concepts.
#include "core/ids.hpp"
#include "mapping/concepts/record_context.hpp"
#include "mapping/transforms.hpp"

namespace netconv::concepts {
namespace {

// Splits "8240/3" into histology and behavior; a separate behavior must agree with the digit.
void split_histology(RecordContext& cx, TumorCodes& c) {
  c.histology = cx.value("histology");
  c.behavior = cx.value("behavior");
  if (c.histology.size() == 6 && c.histology[4] == '/') {
    std::string b = c.histology.substr(5);
    c.histology = c.histology.substr(0, 4);
    if (!c.behavior.empty() && c.behavior != b) cx.reject("behavior", "NC-CODE-003", "behavior contradicts the behavior digit in histology");
    c.behavior = b;
  }
  if (c.behavior.empty()) c.behavior = "3";
}

}  // namespace

void check_tumor_codes(RecordContext& cx) {
  auto& c = cx.codes;
  const auto* site_f = cx.rec.get("primary_site");
  c.topography = normalize_topography(cx.value("primary_site"));
  if (cx.value("primary_site").empty()) cx.reject(site_f, "primary_site", "NC-REC-004", "primary_site is required");
  else if (!c.topography || !cx.t.valid_topography(*c.topography))
    cx.reject(site_f, "primary_site", "NC-CODE-001", "primary_site is not an ICD-O-3 topography code");
  split_histology(cx, c);
  const auto* hist_f = cx.rec.get("histology");
  bool codes_ok = true;
  if (c.histology.empty()) { cx.reject(hist_f, "histology", "NC-REC-004", "histology is required"); codes_ok = false; }
  else if (!cx.t.valid_histology(c.histology)) { cx.reject(hist_f, "histology", "NC-CODE-002", "histology is not an ICD-O-3 morphology code"); codes_ok = false; }
  if (c.behavior.size() != 1 || std::string("012369").find(c.behavior[0]) == std::string::npos) {
    cx.reject("behavior", "NC-CODE-004", "behavior is not an ICD-O-3 behavior digit");
    codes_ok = false;
  }
  if (!c.topography || !cx.t.valid_topography(*c.topography)) codes_ok = false;
  c.scope = codes_ok ? cx.t.scope(c.histology, c.behavior) : nullptr;
  // out of scope is a skip only for a record that is otherwise sound
  if (codes_ok && (!c.scope || c.scope->decision != "convert") && cx.rec.problems.empty() && cx.has_patient_id && cx.clean) {
    cx.out.kind = RecordOutcome::Kind::skipped;
    cx.out.skip_reason = c.scope ? "excluded-morphology:" + c.histology + "/" + c.behavior : "not-neuroendocrine";
  }
}

void map_tumor_identity(RecordContext& cx) {
  auto& tu = cx.out.net_case.tumor;
  const auto& pt = cx.out.net_case.patient;
  tu.tumor_id = cx.out.tumor_id;
  // a reader may give a stabler tumor key than the sequence number (NAACCR: site, histology, date)
  tu.stable_key.clear();
  append_key_part(tu.stable_key, pt.id_value);
  append_key_part(tu.stable_key, cx.value("tumor_key").empty() ? tu.tumor_id : cx.value("tumor_key"));
  tu.key = hash_id({"Tumor", pt.id_system, tu.stable_key});
  auto f = cx.tumor_fact({"primary"});
  tu.condition_id = std::move(f.id);
  tu.condition_key = std::move(f.key);
  if (const auto& d = cx.value("diagnosis_date"); !d.empty()) {
    tu.diagnosis_date = parse_partial_date(d);
    if (!tu.diagnosis_date) cx.reject("diagnosis_date", "NC-DATE-001", "diagnosis_date is not a valid date");
    else if (pt.birth_date && tu.diagnosis_date->compare(*pt.birth_date) < 0)
      cx.reject("diagnosis_date", "NC-DATE-002", "diagnosis_date is before birth_date");
  }
}

void map_tumor_codes(RecordContext& cx, const IcdO3Systems& systems) {
  auto& tu = cx.out.net_case.tumor;
  const auto& t = cx.t;
  tu.topography = *cx.codes.topography;
  const SiteRow* site = t.site(tu.topography);
  tu.site_group = site ? site->site_group : "other";
  tu.site_family = site ? site->family : "other";
  tu.topography_concept.key = "icdo3." + tu.topography;
  tu.topography_concept.text = t.topography_display(tu.topography);
  tu.topography_concept.codings.push_back({systems.topo_uri, systems.topo_oid, tu.topography, tu.topography_concept.text});
  if (site && !site->body_site.empty()) tu.body_site = t.lookup(site->body_site);
  tu.morphology = cx.codes.histology + "/" + cx.codes.behavior;
  tu.tumor_class = cx.codes.scope->tumor_class;
  tu.morphology_concept.key = "icdo3." + tu.morphology;
  tu.morphology_concept.text = t.morphology_display(tu.morphology);
  tu.morphology_concept.codings.push_back({systems.morph_uri, systems.morph_oid, tu.morphology, tu.morphology_concept.text});
  if (!cx.codes.scope->morphology_concept.empty()) merge_codings(tu.morphology_concept, t.lookup(cx.codes.scope->morphology_concept));
  if (const auto* dx = t.diagnosis(tu.topography, tu.site_group, tu.tumor_class)) tu.diagnosis = t.lookup(dx->concept_key);
  else cx.reject("primary_site", "NC-MAP-031", "no diagnosis mapping for this site and tumor class");
}

}  // namespace netconv::concepts
