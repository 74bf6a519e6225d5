// What a worker thread does with one work item: maps each record (mapping/), counts skips and
// rejects, groups a patient's converted cases and hands them to the checking part to be
// rendered and checked. A pure function of the item and the run's read-only tables, writers
// and checkers, so items may run on any thread in any order.
#pragma once
#include "mapping/mapper.hpp"
#include "pipeline/checking.hpp"
#include "pipeline/grouping.hpp"

namespace netconv {

class PatientWork {
 public:
  PatientWork(const ConvertOptions& opt, const MappingSet& tables, const OutputStage& outputs);
  WorkResult process(WorkItem& item) const;

 private:
  WorkResult process(WorkItem& item, ItemScratch& scratch) const;
  void convert_patient(const PatientRecords& patient, WorkResult& r, ItemScratch& scratch) const;
  // Every record of a patient over max_rows_per_patient is rejected (NC-REC-007), told once.
  void reject_too_many(const PatientRecords& patient, WorkResult& r) const;

  std::size_t max_rows_;
  Mapper mapper_;
  const OutputStage& outputs_;
};

}  // namespace netconv
