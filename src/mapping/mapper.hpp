// Mapper: one source record (any reader) -> a NetCase, a rejection with located coded reasons,
// or a skip (out of scope) with a counted reason. Pure function of the record and the tables,
// so it can run on any worker thread. Each concept (tumor, grade, metastases, ...) has its own
// mapper in mapping/concepts/; map() runs them in a fixed order.
#pragma once
#include <string>
#include <vector>

#include "core/diagnostics.hpp"
#include "mapping/mapping_set.hpp"
#include "model/net_case.hpp"
#include "model/source_record.hpp"

namespace netconv {

struct MapperOptions {
  std::string patient_id_system;  // identifier system for patient_id
  // ICD-10-CM of the newest edition in the tables instead of the code valid on the diagnosis date
  bool icd10cm_current_edition = false;
  // The run's registry id ("" = none; then a record's own, NAACCR registryId): names the fact
  // identifier system and overrides a record's own patient identifier system
  std::string registry_id{};
};

// Clears a record key's parts that failed their checks (patient_id over 64 bytes, tumor_id over
// 16, a control character in either): such a value may hold anything — a runaway quoted field
// holds other records' lines — so a reject then names the record by its line only.
void clear_unreportable_key(std::string& patient_id, std::string& tumor_id);

// The FHIR/CDA identity of the two ICD-O-3 axes, resolved once per Mapper.
struct IcdO3Systems {
  std::string topo_uri, topo_oid, morph_uri, morph_oid;
};

struct RecordOutcome {
  enum class Kind { converted, rejected, skipped } kind = Kind::rejected;
  model::NetCase net_case;
  std::vector<Diagnostic> reasons;   // rejection reasons (errors)
  std::vector<Diagnostic> warnings;  // kept record, but worth saying
  std::string skip_reason;           // counted in report.json
  std::vector<std::string> counted;  // facts counted in report.json, not errors (e.g. NAACCR "unknown if given")
  std::string patient_id;            // raw key (data outputs only)
  std::string tumor_id;
};

class Mapper {
 public:
  Mapper(const MappingSet& tables, MapperOptions options);
  RecordOutcome map(const SourceRecord& record) const;

 private:
  const MappingSet& t_;
  MapperOptions opt_;
  IcdO3Systems systems_;
};

}  // namespace netconv
