// Files and folders for tests: whole-file reads and writes, a temporary folder removed with its
// owner, and a writable copy of the shipped mapping tables to break one thing at a time.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>

namespace netconv::test_support {

// The file's bytes; empty when it cannot be read (the caller's assertions then say what differs).
std::string slurp(const std::filesystem::path& path);
// Replaces the file's content with `text`, creating its parent folders.
void spit(const std::filesystem::path& path, const std::string& text);

// An empty folder under the system's temporary folder, unique to this process and `tag`, removed
// (with everything in it) when the object goes. Each CTest test is its own process.
class TempDir {
 public:
  explicit TempDir(const std::string& tag);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path dir;
};

// A TempDir holding a copy of the shipped mapping tables (mappings/).
class TableCopy : public TempDir {
 public:
  explicit TableCopy(const std::string& tag);
  // Appends `line` and a newline to `file`.
  void append(const std::string& file, const std::string& line) const;
  // Replaces the first `from` in `file` by `to`; fails the calling test when `from` is absent.
  void replace(const std::string& file, const std::string& from, const std::string& to) const;
  // The number of newline characters in `file`.
  std::uint64_t line_count(const std::string& file) const;
};

}  // namespace netconv::test_support
