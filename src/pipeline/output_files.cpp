#include "pipeline/output_files.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/errors.hpp"

namespace netconv {
namespace fs = std::filesystem;

namespace {
std::string part_name(const std::string& path) { return path + ".part"; }
}  // namespace

OutputFiles::~OutputFiles() {
  for (auto& [rel, f] : open_) {
    std::fclose(f);
    std::error_code ec;
    fs::remove(part_name(dir_ + "/" + rel), ec);
  }
  for (const auto& rel : whole_) {
    std::error_code ec;
    fs::remove(part_name(dir_ + "/" + rel), ec);
  }
}

std::FILE* OutputFiles::open(const std::string& rel) {
  auto it = open_.find(rel);
  if (it != open_.end()) return it->second;
  std::string path = dir_ + "/" + rel;
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) throw IoError("cannot create directory for " + path + ": " + ec.message());
  std::FILE* f = std::fopen(part_name(path).c_str(), "wb");
  if (!f) throw IoError("cannot write " + path + ": " + std::strerror(errno));
  open_[rel] = f;
  return f;
}

void OutputFiles::append(const std::string& rel, const std::string& bytes) {
  std::FILE* f = open(rel);
  if (std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) throw IoError("write failed: " + dir_ + "/" + rel);
}

void OutputFiles::ensure(const std::string& rel) { open(rel); }

void OutputFiles::write_whole(const std::string& rel, const std::string& bytes) {
  append(rel, bytes);
  auto it = open_.find(rel);
  if (std::fclose(it->second) != 0) throw IoError("write failed: " + dir_ + "/" + rel);
  open_.erase(it);
  whole_.push_back(rel);
}

std::vector<std::string> OutputFiles::commit() {
  std::vector<std::string> done;
  for (auto& [rel, f] : open_) {
    if (std::fclose(f) != 0) throw IoError("write failed: " + dir_ + "/" + rel);
    done.push_back(rel);
  }
  open_.clear();
  for (auto& rel : whole_) done.push_back(rel);
  whole_.clear();
  for (const auto& rel : done) {
    std::string path = dir_ + "/" + rel;
    std::error_code ec;
    fs::rename(part_name(path), path, ec);
    if (ec) throw IoError("cannot rename " + part_name(path) + ": " + ec.message());
  }
  std::sort(done.begin(), done.end());
  return done;
}

}  // namespace netconv
