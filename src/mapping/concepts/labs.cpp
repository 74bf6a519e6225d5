// Labs (contract 1.1): TEST=VALUE UNIT[@DATE], and an explicit id ...#ID (1.2). Identity: the
// explicit id, else test and ordinal: a corrected value, unit or date keeps the id. The unit decides the LOINC code and is never
// converted: a unit the test does not take rejects the record.
#include "core/text.hpp"
#include "mapping/concepts/record_context.hpp"
#include "mapping/transforms.hpp"

namespace netconv::concepts {
namespace {

struct LabItem {
  std::string test, value_text, unit, comparator, date_text;
};

// TEST=VALUE UNIT[@DATE] -> its parts (comparator split off the value); false when malformed.
bool split_lab(const std::string& item, LabItem& lab) {
  auto eq = item.find('=');
  if (eq == std::string::npos) return false;
  lab.test = to_lower(trim(item.substr(0, eq)));
  std::string rest = item.substr(eq + 1);
  if (auto at = rest.find('@'); at != std::string::npos) { lab.date_text = std::string(trim(rest.substr(at + 1))); rest = rest.substr(0, at); }
  auto value_unit = std::string(trim(rest));
  auto space = value_unit.find(' ');
  if (space == std::string::npos) return false;
  lab.value_text = value_unit.substr(0, space);
  lab.unit = std::string(trim(value_unit.substr(space + 1)));
  for (const char* c : {"<=", ">=", "<", ">"})
    if (lab.value_text.rfind(c, 0) == 0) { lab.comparator = c; lab.value_text = lab.value_text.substr(lab.comparator.size()); break; }
  return true;
}

void map_lab(RecordContext& cx, std::string item) {
  const auto* lf = cx.rec.get("labs");
  std::string item_id;
  if (!cx.take_item_id(item, item_id, "labs")) return;
  LabItem lab;
  if (!split_lab(item, lab)) { cx.reject(lf, "labs", "NC-LAB-001", "lab item is not TEST=VALUE UNIT[@DATE]"); return; }
  auto value = parse_decimal(lab.value_text);
  if (!value || value->value < 0) { cx.reject(lf, "labs", "NC-LAB-002", "lab value must be a decimal of 0 or more"); return; }
  if (!cx.t.has_lab_test(lab.test)) { cx.reject(lf, "labs", "NC-LAB-003", "unknown lab test"); return; }
  const auto* key = cx.t.lab_concept(lab.test, lab.unit);
  if (!key) { cx.reject(lf, "labs", "NC-LAB-004", "unit is not one the test is reported in (no conversion is made)"); return; }
  std::optional<model::PartialDate> date;
  if (!lab.date_text.empty() && !(date = parse_partial_date(lab.date_text))) { cx.reject(lf, "labs", "NC-DATE-001", "lab date is not a valid date"); return; }
  auto& tu = cx.out.net_case.tumor;
  auto f = item_id.empty() ? cx.tumor_fact({"lab", lab.test, cx.next_ordinal("lab/" + lab.test)}) : cx.tumor_fact({"lab", "#" + item_id});
  tu.labs.push_back({lab.test, cx.t.lookup(*key), model::Quantity{*value, lab.comparator, lab.unit, lab.unit}, date, std::move(f.id), std::move(f.key)});
}

}  // namespace

void map_labs(RecordContext& cx) {
  for (const auto& item : cx.items("labs")) map_lab(cx, item);
}

}  // namespace netconv::concepts
