// NAACCR item translation (docs/naaccr.md): a NAACCR tumor record's raw items (SourceRecord::items,
// as the reader found them) become the contract's fields and "naaccr.<id>" fields through
// naaccr-items.tsv (which item feeds which field, by priority) and naaccr-values.tsv (registry
// codes). A code without a row is an NC-NAACCR-031 problem of the record. Runs between the
// reader and the pipeline, so grouping by patient sees translated records.
#pragma once
#include <memory>

#include "mapping/mapping_set.hpp"
#include "model/source_record.hpp"
#include "mapping/naaccr_tables.hpp"
#include "readers/reader.hpp"

namespace netconv::naaccr {

// Replaces rec.items by the fields they give, ahead of the reader's own fields (tumor_id,
// tumor_key...). A record without items is left as it is.
void translate_items(SourceRecord& rec, const Tables& tables);

// The NAACCR reader with every record translated; the tables are the set's (ConfigError when the
// set has no NAACCR tables).
std::unique_ptr<RecordReader> translating_reader(std::unique_ptr<RecordReader> raw, const MappingSet& tables);

}  // namespace netconv::naaccr
