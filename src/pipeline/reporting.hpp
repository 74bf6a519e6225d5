// The reporting part of a conversion: the run's counts (each work item's merged in input order),
// the progress line on stderr, and report.json's text.
#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "pipeline/convert.hpp"

namespace netconv {

class RunReport {
 public:
  explicit RunReport(bool progress) : progress_(progress) {}
  void start() { start_ = std::chrono::steady_clock::now(); }
  double seconds_since_start() const;
  // Adds one work item's counts (on the producer thread, in input order).
  void merge(const ConvertSummary& item);
  // Progress through the inputs, for the ETA: bytes of every input known, bytes read.
  void add_input_size(std::uint64_t bytes) { total_bytes_ += bytes; }
  void set_bytes_read(std::uint64_t done) { done_bytes_ = done; }
  // At most four times a second: records, rate, rejects and (when sizes are known) % and ETA.
  void show_progress();
  // Ends the progress line, if one was shown.
  void end_progress();
  std::string report_text(const std::vector<std::string>& inputs) const;

  ConvertSummary summary;

 private:
  bool progress_, progress_shown_ = false;
  std::chrono::steady_clock::time_point start_, last_progress_;
  std::uint64_t total_bytes_ = 0, done_bytes_ = 0;
};

}  // namespace netconv
