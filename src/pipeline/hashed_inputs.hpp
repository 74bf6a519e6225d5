// The run's inputs with the SHA-256 of each, known before the first record is converted (the
// run id that every resource's meta.source names is made from them). A regular file (standard
// input redirected from one included) is hashed in one pass before the run and converted from
// where it stands (the second read is usually served by the page cache). A pipe or FIFO can be
// read only once and netconv keeps no copy of it (it would be patient data written outside the
// output folder): its digest is empty, so its run id is made from the version and the tables
// alone, and a Provenance names it without a digest.
#pragma once
#include <string>
#include <vector>

#include "writers/writer.hpp"

namespace netconv {

class HashedInputs {
 public:
  // Throws IoError when a regular input cannot be opened or read.
  explicit HashedInputs(const std::vector<std::string>& inputs);
  HashedInputs(const HashedInputs&) = delete;
  HashedInputs& operator=(const HashedInputs&) = delete;

  // What to open to read input `i` (its own path; kept for callers that once read a copy).
  const std::string& read_path(std::size_t i) const { return read_paths_[i]; }
  // Name (as diagnostics give it: the path, or <stdin>) and SHA-256 of each input, in order.
  const std::vector<RunLineage::Input>& digests() const { return digests_; }

 private:
  std::vector<std::string> read_paths_;
  std::vector<RunLineage::Input> digests_;
};

}  // namespace netconv
