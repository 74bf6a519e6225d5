// Follow-up (contract 1.1): vital status, last contact and, with dead, the date of death.
#include "core/text.hpp"
#include "mapping/concepts/record_context.hpp"
#include "mapping/transforms.hpp"

namespace netconv::concepts {

void map_follow_up(RecordContext& cx) {
  auto& pt = cx.out.net_case.patient;
  const auto& tu = cx.out.net_case.tumor;
  if (const auto& vs = cx.value("vital_status"); !vs.empty()) {
    if (!cx.t.value_concept("vital_status", vs)) cx.reject("vital_status", "NC-VAL-001", "vital_status must be alive, dead or unknown");
    else pt.vital_status = to_lower(vs) == "unknown" ? "" : to_lower(vs);
  }
  if (const auto& lc = cx.value("last_contact_date"); !lc.empty()) {
    auto d = parse_partial_date(lc);
    if (!d) cx.reject("last_contact_date", "NC-DATE-001", "last_contact_date is not a valid date");
    else if (pt.birth_date && d->compare(*pt.birth_date) < 0)
      cx.reject("last_contact_date", "NC-DATE-002", "last_contact_date is before birth_date");
    else if (tu.diagnosis_date && d->compare(*tu.diagnosis_date) < 0)
      cx.reject("last_contact_date", "NC-DATE-004", "last_contact_date is before diagnosis_date");
    else pt.last_contact = d;
  }
  if (pt.vital_status == "dead") pt.death_date = pt.last_contact;  // the contract: with dead, the date of death
}

}  // namespace netconv::concepts
