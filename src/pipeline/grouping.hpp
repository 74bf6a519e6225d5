// The grouping part of a conversion: records arrive in input order and leave as work items of
// whole patients (a patient's records are contiguous in a sorted input). A patient seen again
// after other patients is marked so its records are rejected (NC-REC-006); one with more than
// max_rows_per_patient records is marked too_many and its records shrink to their keys, so one
// patient cannot hold the run's memory (NC-REC-007).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/diagnostics.hpp"
#include "pipeline/id_set.hpp"
#include "readers/reader.hpp"

namespace netconv {

// Records of one patient, contiguous in the input.
struct PatientRecords {
  std::vector<SourceRecord> records;
  bool reappeared = false;  // the patient was seen before other patients: every record is rejected
  bool too_many = false;    // more than max_rows_per_patient records: every record is rejected, kept as keys only
  bool continued = false;   // a later part of a too_many patient (reported once, on the first part)
};

// One unit of parallel work. Diagnostics travel with the work so stderr is in input order
// whatever the thread count.
struct WorkItem {
  std::vector<Diagnostic> reader_diagnostics;  // reported before this item's records
  std::vector<PatientRecords> patients;
};

// Buffers a reader's diagnostics until the next work item leaves, keeping them in order.
class BufferSink : public DiagnosticSink {
 public:
  void report(const Diagnostic& d) override { items.push_back(d); }
  std::vector<Diagnostic> items;
};

class PatientGrouper {
 public:
  // `submit` receives each full work item (about batch_records records, whole patients).
  PatientGrouper(std::size_t batch_records, std::size_t max_rows_per_patient, std::function<void(WorkItem&&)> submit)
      : batch_(batch_records), max_rows_(max_rows_per_patient), submit_(std::move(submit)) {}

  // Where readers report: their diagnostics leave with the next item.
  DiagnosticSink& reader_diagnostics() { return reader_diags_; }
  void add(SourceRecord&& rec);
  // Hands on what is held (at the end of the input, or of the run).
  void flush();

 private:
  void start_patient(const std::string& id);
  static void keep_key_only(SourceRecord& rec);

  std::size_t batch_, max_rows_;
  std::function<void(WorkItem&&)> submit_;
  BufferSink reader_diags_;
  WorkItem item_;
  std::size_t item_records_ = 0, current_rows_ = 0;
  std::string current_patient_;
  IdSet seen_patients_;
};

}  // namespace netconv
