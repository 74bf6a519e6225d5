#include "mapping/reader_specific.hpp"

namespace netconv {

void map_reader_specific_fields(const SourceRecord&, const MappingSet&, model::NetCase&, RecordOutcome&) {}

}  // namespace netconv
