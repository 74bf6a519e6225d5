// The grouping part of a conversion: records arrive either in patient-key order from the sorting
// intake (pipeline/record_intake.hpp; add_sorted) or, with --presorted, in input order (add), and
// leave as work items of whole patients. In input order a patient seen again after other
// patients is marked so its records are rejected (NC-REC-006); in key order a NAACCR patient whose
// id comes in a second Patient element is (other_element). One with more than
// max_rows_per_patient records is marked too_many and its records shrink to their keys, so one
// patient cannot hold the run's memory (NC-REC-007). A patient's records leave in ascending
// tumor-id byte order (stable), whatever order they came in.
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
  bool other_element = false;  // with reappeared: a NAACCR Patient element repeating an earlier one's id
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
  // Records in (patient key, group, tumor id, position) order: a patient is one run of equal
  // keys; a change of `group` within it is a later NAACCR Patient element of the same id.
  void add_sorted(SourceRecord&& rec, const std::string& patient, std::uint64_t group);
  // Hands on what is held (at the end of the input, or of the run).
  void flush();

 private:
  void start_patient(const std::string& id);
  void append(SourceRecord&& rec);
  // Puts the last patient's records in tumor-id order (they are whole: it has ended).
  void end_patient();
  static void keep_key_only(SourceRecord& rec);

  std::size_t batch_, max_rows_;
  std::function<void(WorkItem&&)> submit_;
  BufferSink reader_diags_;
  WorkItem item_;
  std::size_t item_records_ = 0, current_rows_ = 0;
  std::string current_patient_;
  std::uint64_t current_group_ = 0;
  IdSet seen_patients_;
};

}  // namespace netconv
