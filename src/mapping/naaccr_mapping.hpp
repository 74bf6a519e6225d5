// The NAACCR mapping unit: fields only NAACCR records carry (treatment summaries, sex assigned at
// birth, Ki-67 categories...), named "naaccr.<item>" by the reader. Maps them into the NetCase
// after the contract fields, adding reasons/warnings/counted facts to the outcome, through the
// NAACCR tables MappingSet loaded. Records without such fields are left as they are.
#pragma once
#include "mapping/mapper.hpp"

namespace netconv {

void map_naaccr_fields(const SourceRecord& rec, const MappingSet& tables, model::NetCase& nc, RecordOutcome& out);

}  // namespace netconv
