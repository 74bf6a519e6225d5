// Fields only some readers produce (NAACCR treatment summaries, sex assigned at birth...): the
// reader names them with a reader prefix (e.g. "naaccr.") and this hook maps them into the
// NetCase after the contract fields, adding reasons/warnings/counted facts to the outcome.
#pragma once
#include "mapping/mapper.hpp"

namespace netconv {

void map_reader_specific_fields(const SourceRecord& rec, const MappingSet& tables, model::NetCase& nc, RecordOutcome& out);

}  // namespace netconv
