// Identity, the record-wide checks and the patient.
#include <algorithm>

#include "core/ids.hpp"
#include "core/text.hpp"
#include "mapping/concepts/record_context.hpp"
#include "mapping/transforms.hpp"
#include "readers/reader.hpp"

namespace netconv::concepts {
namespace {

// Control characters in any field (docs/security.md): FHIR ids and codes forbid them, XML drops or
// normalises them, so two different inputs could become one output. The record is rejected.
// A list field holds at most kMaxListItems items (docs/security.md "Limits"): a 1 MiB record of
// '|' would otherwise be a million items, each a resource.
constexpr std::size_t kMaxListItems = 1000;

bool check_control_chars(RecordContext& cx) {
  bool clean = true;
  for (const auto& f : cx.rec.fields) {
    std::size_t items = f.is_list ? f.items.size()
                        : is_list_column(f.name) ? static_cast<std::size_t>(std::count(f.value.begin(), f.value.end(), '|')) + 1
                                                 : 0;
    if (items > kMaxListItems) {
      cx.reject(&f, f.name, "NC-VAL-005", "list has more than " + std::to_string(kMaxListItems) + " items");
      clean = false;
    }
    bool bad = find_control_char(f.value) != std::string::npos;
    for (const auto& item : f.items) bad = bad || find_control_char(item) != std::string::npos;
    if (!bad) continue;
    cx.reject(&f, f.name, "NC-VAL-004", "value contains a control character (U+0000-U+001F, U+007F-U+009F)");
    clean = false;
  }
  return clean;
}

bool valid_tumor_id(const std::string& id) {
  return id.size() <= 16 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_';
         });
}

}  // namespace

void map_identity(RecordContext& cx) {
  auto& out = cx.out;
  out.patient_id = cx.value("patient_id");
  out.tumor_id = cx.value("tumor_id");
  if (out.tumor_id.empty()) out.tumor_id = "1";
  if (out.patient_id.empty()) cx.reject("patient_id", "NC-REC-001", "patient_id is required");
  else if (out.patient_id.size() > 64) cx.reject("patient_id", "NC-REC-002", "patient_id longer than 64 characters");
  if (!valid_tumor_id(out.tumor_id)) cx.reject("tumor_id", "NC-REC-003", "tumor_id must be 1-16 letters, digits, '-' or '_'");
  cx.clean = check_control_chars(cx);
  cx.has_patient_id = !out.patient_id.empty();
  clear_unreportable_key(out.patient_id, out.tumor_id);
  out.net_case.record_key = out.patient_id + "/" + out.tumor_id;
}

void map_patient(RecordContext& cx, const MapperOptions& opt) {
  auto& pt = cx.out.net_case.patient;
  // readers of registry exports name the identifier system per record (NAACCR registry id); the
  // run's registry id (--registry-id) overrides what a file says
  const auto& own_system = cx.value("patient_id_system");
  pt.id_system = own_system.empty() || !opt.registry_id.empty() ? opt.patient_id_system : own_system;
  const auto& registry = opt.registry_id.empty() ? cx.value("naaccr.registry_id") : opt.registry_id;
  pt.fact_system = valid_registry_id(registry) ? registry_system(registry, "fact") : std::string(kDefaultFactSystem);
  pt.id_value = cx.out.patient_id;
  pt.resource_id = hash_id({"Patient", pt.id_system, pt.id_value});
  pt.file_key = hash_id({"file", pt.id_system, pt.id_value}).substr(0, 24);
  if (const auto& b = cx.value("birth_date"); !b.empty()) {
    pt.birth_date = parse_partial_date(b);
    if (!pt.birth_date) cx.reject("birth_date", "NC-DATE-001", "birth_date is not a valid date (YYYY, YYYY-MM, YYYY-MM-DD, YYYYMMDD)");
  }
  if (const auto& s = cx.value("sex"); !s.empty()) {
    const auto* key = cx.t.value_concept("sex", s);
    if (!key) cx.reject("sex", "NC-VAL-001", "sex is not one of the contract's values");
    else if (!key->empty()) pt.gender = cx.t.lookup(*key);
  }
}

}  // namespace netconv::concepts
