// Syndromes, the carcinoid syndrome flag and symptoms: Conditions of the tumor.
#include "core/text.hpp"
#include "mapping/concepts/record_context.hpp"

namespace netconv::concepts {
namespace {

void add_conditions(RecordContext& cx, const char* field, const char* kind) {
  auto& tu = cx.out.net_case.tumor;
  for (const auto& item : cx.items(field)) {
    const auto* key = cx.t.value_concept(field, item);
    if (!key) { cx.reject(field, "NC-VAL-001", std::string(field) + ": value is not one of the contract's values"); continue; }
    if (key->empty() || !cx.first_time(*key)) continue;
    auto f = cx.tumor_fact({kind, to_lower(item)});
    tu.conditions.push_back({kind, to_lower(item), cx.t.lookup(*key), std::move(f.id), std::move(f.key)});
  }
}

void add_carcinoid_syndrome(RecordContext& cx) {
  const auto& cs = cx.value("carcinoid_syndrome");
  if (cs.empty()) return;
  auto& tu = cx.out.net_case.tumor;
  const auto* key = cx.t.value_concept("carcinoid_syndrome", cs);
  if (!key) cx.reject("carcinoid_syndrome", "NC-VAL-001", "carcinoid_syndrome must be Y, N or U");
  else if (!key->empty()) {
    auto f = cx.tumor_fact({"carcinoid_syndrome"});
    tu.conditions.push_back({"carcinoid_syndrome", "carcinoid_syndrome", cx.t.lookup(*key), std::move(f.id), std::move(f.key)});
  }
}

}  // namespace

void map_syndromes_and_symptoms(RecordContext& cx) {
  add_conditions(cx, "syndromes", "syndrome");
  add_carcinoid_syndrome(cx);
  add_conditions(cx, "symptoms", "symptom");
}

}  // namespace netconv::concepts
