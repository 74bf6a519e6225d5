// The order a conversion sees its records in (README "Unsorted exports"). By default every record
// goes through an external merge sort (pipeline/external_sort.hpp) by (patient key, NAACCR
// Patient element, tumor id, input position), whose run files live in the output folder's
// staging area, and reaches the grouper in that order once the inputs are read: patients are
// converted in ascending patient-key byte order whatever the input order, and the bytes are
// those of the same records sorted. An input already in that order is never sorted, nor written
// to a run file while it fits the memory budget. With `presorted` records go to the grouper as
// they are read (single pass; a patient that reappears is rejected, NC-REC-006).
//
// rejects.ndjson is in input order (input index, then line) in every mode: RejectOrder puts each
// work item's lines in order when items come in input order, and sorts them all (in bounded
// memory, through a sorter of its own) when items come in patient-key order.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/checking.hpp"
#include "pipeline/external_sort.hpp"
#include "pipeline/grouping.hpp"

namespace netconv {

class RecordIntake {
 public:
  // `staging_fd`/`staging_path`: the folder the run files go below (created on the first spill).
  RecordIntake(bool presorted, std::size_t memory_bytes, PatientGrouper& grouper, DiagnosticSink& diags, int staging_fd,
               const std::string& staging_path);
  // Where a reader reports: with the grouper's items when streaming; at once when sorting (the
  // records come out long after they were read, and reader diagnostics are in input order).
  DiagnosticSink& reader_diagnostics();
  // Each input starts here (a NAACCR Patient element never spans two inputs).
  void begin_input() { last_element_.clear(); }
  void add(SourceRecord&& rec);
  // After the last input: hands the sorted records to the grouper (unless `stop`), then flushes it.
  void finish(const std::function<bool()>& stop);
  bool sorted_order_was_input_order() const { return !sorter_ || sorter_->in_order(); }
  std::size_t runs_written() const { return sorter_ ? sorter_->runs_written() : 0; }

 private:
  std::uint64_t element_of(const SourceRecord& rec, std::uint64_t position);

  PatientGrouper& grouper_;
  DiagnosticSink& diags_;
  std::unique_ptr<RecordSorter> sorter_;  // null with presorted
  std::uint64_t position_ = 0;
  std::string last_element_;
  std::uint64_t last_element_start_ = 0;
};

class RejectOrder {
 public:
  // `inputs`: the inputs' display names, in order (a reject's origin names its input that way).
  RejectOrder(bool items_in_input_order, std::size_t memory_bytes, int staging_fd, const std::string& staging_path,
              const std::vector<std::string>& inputs);
  // One work item's rejects, on the producer thread in item order; `write` gets lines to append
  // now or never (they leave through finish()).
  void take(WorkResult& r, const std::function<void(const std::string&)>& write);
  // After the last item: the remaining lines, in input order.
  void finish(const std::function<void(const std::string&)>& write, const std::function<bool()>& stop);

 private:
  SortKey key_of(const Location& origin);

  std::map<std::string, std::uint64_t> input_index_;
  std::unique_ptr<RecordSorter> sorter_;  // null when items come in input order
  std::uint64_t arrival_ = 0;
};

}  // namespace netconv
