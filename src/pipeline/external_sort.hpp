// An external merge sort of source records by a key, in bounded memory: records are held in
// memory until their estimated size passes the budget, then sorted and written to a run file in
// a folder the sorter creates below a caller's folder (the output folder's staging area, so the
// commit protocol removes whatever a killed run left). At the end the runs are merged, at most
// `fan_in` at a time (earlier levels write merged runs, the last one streams), and every record
// leaves in key order exactly once. Input that arrives already in key order is never sorted, and
// never written to a file while it fits the budget.
//
// Contract: keys are total (the position is unique per sorter), so the order is deterministic.
// Every write or read error throws IoError naming the run file (a full disk says "No space left
// on device"). The destructor closes and removes every run file and the folder, whatever
// happened (success, an exception, an interrupt); it never throws. One thread uses a sorter.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/source_record.hpp"

namespace netconv {

// The order records leave in: patient key bytes, then the group they came in (0 when the format
// has none; a NAACCR Patient element's first position), then tumor id bytes, then the position.
struct SortKey {
  std::string patient;
  std::uint64_t group = 0;
  std::string tumor;
  std::uint64_t position = 0;
  bool operator<(const SortKey& o) const;
  bool operator==(const SortKey& o) const = default;
};

struct SortedRecord {
  SortKey key;
  SourceRecord record;
};

class RecordSorter {
 public:
  struct Limits {
    std::size_t memory_bytes = std::size_t{256} << 20;  // held in memory before a run is written
    std::size_t fan_in = 16;                            // runs merged at once (open files)
  };
  // `parent_fd`: an open folder; the sorter makes `name` below it (shown in errors as
  // `shown_parent`/`name`) on the first spill only.
  RecordSorter(int parent_fd, std::string shown_parent, std::string name, Limits limits);
  ~RecordSorter();
  RecordSorter(const RecordSorter&) = delete;
  RecordSorter& operator=(const RecordSorter&) = delete;

  void add(SortKey&& key, SourceRecord&& record);
  // Every record added so far arrived in key order.
  bool in_order() const { return in_order_; }
  std::size_t runs_written() const { return runs_written_; }
  // Runs merged into a longer run before the last merge (more runs than fan_in).
  std::size_t intermediate_merges() const { return merge_levels_; }
  // After the last add: hands every record to `out` in key order; stops early (returns false)
  // when `stop` says so. Call once.
  bool drain(const std::function<void(SortedRecord&&)>& out, const std::function<bool()>& stop);

  // What a record is taken to cost in memory (its strings and vectors, with allocator overhead).
  static std::size_t memory_cost(const SortKey& key, const SourceRecord& record);

 private:
  class RunReader;
  class RunWriter;
  void spill();
  std::string write_run(const std::vector<SortedRecord>& entries);
  std::string merge_runs(std::vector<std::string> runs);
  bool merge_into(std::vector<std::unique_ptr<RunReader>>& readers, const std::function<void(SortedRecord&&)>& out,
                  const std::function<bool()>& stop);
  void make_folder();
  void remove_run(const std::string& run);
  void remove_all() noexcept;

  int parent_fd_;
  std::string shown_, name_;
  Limits limits_;
  int dir_fd_ = -1;
  std::vector<SortedRecord> held_;
  std::size_t held_bytes_ = 0;
  bool in_order_ = true;
  std::vector<std::string> runs_;  // run files not merged yet, oldest first
  std::vector<std::string> live_;  // every run file that exists
  std::size_t runs_written_ = 0, merge_levels_ = 0;
};

}  // namespace netconv
