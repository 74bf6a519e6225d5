// Where a conversion's outputs go when the output folder is "-": one NDJSON stream on standard
// output, the rejects to a file the caller names (or nowhere: the diagnostics on stderr name
// every reject) and the report to a file the caller names. There is no folder and no commit: a
// reader of the stream sees each patient's lines as soon as the run has them, in output order.
//
// When the reader goes away (EPIPE; SIGPIPE is ignored so the write fails instead of killing the
// process) the stream is marked gone: the run stops reading, writes no report (it would claim an
// output nobody received) and ends with kExitStreamClosed. Any other write error throws IoError.
#pragma once
#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace netconv {

class StreamOutput {
 public:
  // `rejects_file`, `report_file`: "" = not written. Opening the rejects file fails with IoError.
  // Ignores SIGPIPE for the process (a library caller streaming to a pipe wants EPIPE too).
  StreamOutput(std::string rejects_file, std::string report_file);
  // Writes the pieces, in order, to standard output; false (and nothing more is written) once
  // the reader has gone.
  bool write(const std::vector<std::string_view>& pieces);
  void write_rejects(const std::string& lines);
  // The completed run's report; nothing when the reader went away or no report file was named.
  void commit(const std::string& report);
  bool gone() const { return gone_; }
  std::uint64_t bytes_written() const { return bytes_; }

 private:
  std::string rejects_file_, report_file_;
  std::ofstream rejects_;
  std::uint64_t bytes_ = 0;
  bool gone_ = false;
};

}  // namespace netconv
