#include "pipeline/output_files.hpp"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
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

void OutputFiles::append(const std::string& rel, const std::vector<std::string_view>& pieces) {
  std::FILE* f = open(rel);
  if (std::fflush(f) != 0) throw IoError("write failed: " + dir_ + "/" + rel);  // keep earlier stdio bytes first
  int fd = fileno(f);
  std::vector<iovec> iov;
  iov.reserve(pieces.size());
  for (auto p : pieces)
    if (!p.empty()) iov.push_back({const_cast<char*>(p.data()), p.size()});
  std::size_t next = 0;
  while (next < iov.size()) {
    int count = static_cast<int>(std::min<std::size_t>(iov.size() - next, IOV_MAX));
    ssize_t n = ::writev(fd, iov.data() + next, count);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError("write failed: " + dir_ + "/" + rel + ": " + std::strerror(errno));
    }
    // a partial write: skip what was written, resume inside the piece it stopped in
    auto done = static_cast<std::size_t>(n);
    while (next < iov.size() && done >= iov[next].iov_len) done -= iov[next++].iov_len;
    if (next < iov.size()) {
      iov[next].iov_base = static_cast<char*>(iov[next].iov_base) + done;
      iov[next].iov_len -= done;
    }
  }
}

void OutputFiles::ensure(const std::string& rel) { open(rel); }

// A complete file (a CDA document) in one write(): thousands of them per run, so no stdio stream
// (its buffer allocation and a second write() for the tail) per file.
void OutputFiles::write_whole(const std::string& rel, const std::string& bytes) {
  std::string path = dir_ + "/" + rel;
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) throw IoError("cannot create directory for " + path + ": " + ec.message());
  int fd = ::open(part_name(path).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) throw IoError("cannot write " + path + ": " + std::strerror(errno));
  whole_.push_back(rel);  // from here on removed again if the run does not commit
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      throw IoError("write failed: " + path + ": " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) throw IoError("write failed: " + path + ": " + std::strerror(errno));
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
