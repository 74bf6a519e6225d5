#include "mapping/treatment_rules.hpp"

namespace netconv {
namespace {

void settle_status(const MappingSet& t, model::Treatment& tr) {
  const KindRow* k = t.kind(tr.kind);
  tr.course = !k || k->timing == "course";
  if (!tr.status.empty()) return;  // not-done (NAACCR) says more than the dates
  if (tr.end || !tr.course) tr.status = "completed";
  else tr.status = "unknown";
}

void link_indications(const MappingSet& t, model::Tumor& tu, model::Treatment& tr) {
  tr.reason_ids.clear();
  for (const auto& key : t.indications(tr.agent))
    for (const auto& c : tu.conditions)
      if (c.code.key == key) tr.reason_ids.push_back(c.resource_id);
}

}  // namespace

void apply_treatment_rules(const MappingSet& tables, model::Tumor& tumor) {
  for (auto& tr : tumor.treatments) {
    settle_status(tables, tr);
    link_indications(tables, tumor, tr);
  }
}

}  // namespace netconv
