// Files below the output directory, written under temporary names and renamed into place only
// when the run completes, so an interrupted run never leaves a partial file under a final name.
#pragma once
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace netconv {

class OutputFiles {
 public:
  explicit OutputFiles(std::string dir) : dir_(std::move(dir)) {}
  ~OutputFiles();  // removes uncommitted temporary files
  OutputFiles(const OutputFiles&) = delete;
  OutputFiles& operator=(const OutputFiles&) = delete;

  void append(const std::string& rel, const std::string& bytes);      // throws IoError
  // The pieces, in order, in as few system calls as the kernel takes (writev), without
  // copying them into a buffer first; for the many small per-patient pieces of one file.
  void append(const std::string& rel, const std::vector<std::string_view>& pieces);  // throws IoError
  void write_whole(const std::string& rel, const std::string& bytes);  // throws IoError
  void ensure(const std::string& rel);  // create even when empty (rejects.ndjson)
  // Renames every file into place; returns the relative paths written, sorted.
  std::vector<std::string> commit();
  const std::string& dir() const { return dir_; }

 private:
  std::FILE* open(const std::string& rel);
  std::string dir_;
  std::map<std::string, std::FILE*> open_;
  std::vector<std::string> whole_;  // complete files already closed under .part names
};

}  // namespace netconv
