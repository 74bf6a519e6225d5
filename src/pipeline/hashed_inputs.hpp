// The run's inputs with the SHA-256 of each, known before the first record is converted (the
// run id that every resource's meta.source names is made from them). A regular file is hashed
// in one pass before the run and converted from its path (the second read is usually served by
// the page cache). Standard input and other streams cannot be read twice: they are first copied
// to an unlinked temporary file in $TMPDIR, hashed on the way, and converted from that copy, so
// `convert -` gives the same bytes as `convert FILE`. The copy goes when this object does.
#pragma once
#include <string>
#include <vector>

#include "writers/writer.hpp"

namespace netconv {

class HashedInputs {
 public:
  // Throws IoError when an input cannot be opened or read (or the copy cannot be written). An
  // interrupt while a stream is copied ends its copy there, as it ends any input.
  explicit HashedInputs(const std::vector<std::string>& inputs);
  ~HashedInputs();
  HashedInputs(const HashedInputs&) = delete;
  HashedInputs& operator=(const HashedInputs&) = delete;

  // What to open to read input `i`: its own path, or the copy of a stream (/proc/self/fd/N).
  const std::string& read_path(std::size_t i) const { return read_paths_[i]; }
  // Name (as diagnostics give it: the path, or <stdin>) and SHA-256 of each input, in order.
  const std::vector<RunLineage::Input>& digests() const { return digests_; }

 private:
  std::vector<std::string> read_paths_;
  std::vector<RunLineage::Input> digests_;
  std::vector<int> copies_;  // descriptors of the unlinked copies
};

}  // namespace netconv
