// Diagnostic procedures (contract 1.1): KIND[@DATE].
#include "core/ids.hpp"
#include "core/text.hpp"
#include "mapping/concepts/record_context.hpp"
#include "mapping/transforms.hpp"

namespace netconv::concepts {

void map_diagnostics(RecordContext& cx) {
  auto& tu = cx.out.net_case.tumor;
  for (const auto& item : cx.items("diagnostics")) {
    const auto* df = cx.rec.get("diagnostics");
    auto at = item.find('@');
    std::string kind = to_lower(trim(item.substr(0, at)));
    std::optional<model::PartialDate> date;
    if (at != std::string::npos && !(date = parse_partial_date(trim(item.substr(at + 1))))) {
      cx.reject(df, "diagnostics", "NC-DATE-001", "diagnostic test date is not a valid date");
      continue;
    }
    const auto* key = cx.t.value_concept("diagnostics", kind);
    if (!key || key->empty()) { cx.reject(df, "diagnostics", "NC-VAL-001", "diagnostics: value is not one of the contract's values"); continue; }
    std::string id = hash_id({"Procedure", tu.key, "diagnostic", *key, date ? date->fhir() : ""});
    if (!cx.resource_ids.insert(id).second) continue;
    tu.diagnostics.push_back({kind, cx.t.lookup(*key), date, id});
  }
}

}  // namespace netconv::concepts
