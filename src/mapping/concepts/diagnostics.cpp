// Diagnostic procedures (contract 1.1): KIND[@DATE], and an explicit id KIND[@DATE]#ID (1.2).
// Identity: the explicit id, else kind and ordinal (README "What ids mean").
#include "core/text.hpp"
#include "mapping/concepts/record_context.hpp"
#include "mapping/transforms.hpp"

namespace netconv::concepts {

void map_diagnostics(RecordContext& cx) {
  auto& tu = cx.out.net_case.tumor;
  for (auto item : cx.items("diagnostics")) {
    const auto* df = cx.rec.get("diagnostics");
    std::string item_id;
    if (!cx.take_item_id(item, item_id, "diagnostics")) continue;
    auto at = item.find('@');
    std::string kind = to_lower(trim(item.substr(0, at)));
    std::optional<model::PartialDate> date;
    if (at != std::string::npos && !(date = parse_partial_date(trim(item.substr(at + 1))))) {
      cx.reject(df, "diagnostics", "NC-DATE-001", "diagnostic test date is not a valid date");
      continue;
    }
    const auto* key = cx.t.value_concept("diagnostics", kind);
    if (!key || key->empty()) { cx.reject(df, "diagnostics", "NC-VAL-001", "diagnostics: value is not one of the contract's values"); continue; }
    auto f = item_id.empty() ? cx.tumor_fact({"diagnostic", kind, cx.next_ordinal("diagnostic/" + kind)})
                             : cx.tumor_fact({"diagnostic", "#" + item_id});
    tu.diagnostics.push_back({kind, cx.t.lookup(*key), date, std::move(f.id), std::move(f.key)});
  }
}

}  // namespace netconv::concepts
