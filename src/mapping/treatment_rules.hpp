// Clinical rules on mapped treatments, applied once per record after
// every reader-specific field is mapped:
//  - timing and status: an end date says a course ended (completed); a course with a start only,
//    or no date, is "unknown" (the registry does not say whether it goes on); an event (surgery,
//    one liver-directed session; treatment-kinds.tsv timing=event) recorded with or without its
//    date is completed. Not-done treatments keep their status.
//  - reasons: an agent listed in indications.tsv names the record's Conditions of those concepts
//    (telotristat -> carcinoid syndrome); without any, the tumor.
#pragma once
#include "mapping/mapping_set.hpp"
#include "model/net_case.hpp"

namespace netconv {

void apply_treatment_rules(const MappingSet& tables, model::Tumor& tumor);

}  // namespace netconv
