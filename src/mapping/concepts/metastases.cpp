// Metastatic sites: one Condition per distinct site concept.
#include "core/text.hpp"
#include "mapping/concepts/record_context.hpp"

namespace netconv::concepts {

void map_metastases(RecordContext& cx) {
  auto& tu = cx.out.net_case.tumor;
  const auto& t = cx.t;
  std::string icd_slot = tu.tumor_class == "net" ? "icd10cm.net" : "icd10cm.nec";
  for (const auto& item : cx.items("metastatic_sites")) {
    const auto* key = t.value_concept("metastatic_sites", item);
    if (!key) { cx.reject("metastatic_sites", "NC-VAL-001", "metastatic site is not one of the contract's values"); continue; }
    if (key->empty() || !cx.first_time(*key)) continue;
    model::Metastasis m;
    m.key = to_lower(item);
    m.code = t.lookup(*key);
    if (t.has_slot(*key, icd_slot)) merge_codings(m.code, t.lookup(*key, icd_slot));
    if (t.has_slot(*key, "bodySite")) m.body_site = t.lookup(*key, "bodySite");
    auto f = cx.tumor_fact({"metastasis", m.key});  // the site, not its codes: a recoded site keeps its id
    m.resource_id = std::move(f.id);
    m.stable_key = std::move(f.key);
    tu.metastases.push_back(std::move(m));
  }
}

}  // namespace netconv::concepts
