#include "support/files.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace netconv::test_support {
namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const fs::path& path, const std::string& text) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

TempDir::TempDir(const std::string& tag)
    : dir(fs::temp_directory_path() / ("netconv-" + tag + "-" + std::to_string(::getpid()))) {
  fs::remove_all(dir);
  fs::create_directories(dir);
}

TempDir::~TempDir() {
  std::error_code ignored;  // a destructor must not throw; a leftover is removed by the next run
  fs::remove_all(dir, ignored);
}

TableCopy::TableCopy(const std::string& tag) : TempDir(tag) {
  fs::copy(NETCONV_MAPPINGS_DIR, dir, fs::copy_options::recursive);
}

void TableCopy::append(const std::string& file, const std::string& line) const {
  std::ofstream out(dir / file, std::ios::app | std::ios::binary);
  out << line << "\n";
}

void TableCopy::replace(const std::string& file, const std::string& from, const std::string& to) const {
  auto s = slurp(dir / file);
  auto pos = s.find(from);
  ASSERT_NE(pos, std::string::npos) << file << ": " << from;
  s.replace(pos, from.size(), to);
  std::ofstream(dir / file, std::ios::binary | std::ios::trunc) << s;
}

std::uint64_t TableCopy::line_count(const std::string& file) const {
  auto s = slurp(dir / file);
  return static_cast<std::uint64_t>(std::count(s.begin(), s.end(), '\n'));
}

}  // namespace netconv::test_support
