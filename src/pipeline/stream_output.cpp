#include "pipeline/stream_output.hpp"

#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "core/errors.hpp"

namespace netconv {

StreamOutput::StreamOutput(std::string rejects_file, std::string report_file)
    : rejects_file_(std::move(rejects_file)), report_file_(std::move(report_file)) {
  std::signal(SIGPIPE, SIG_IGN);
  if (rejects_file_.empty()) return;
  rejects_.open(rejects_file_, std::ios::binary | std::ios::trunc);
  if (!rejects_) throw IoError("cannot create " + rejects_file_ + ": " + std::strerror(errno));
}

bool StreamOutput::write(const std::vector<std::string_view>& pieces) {
  if (gone_) return false;
  std::vector<iovec> iov;
  for (auto p : pieces)
    if (!p.empty()) iov.push_back({const_cast<char*>(p.data()), p.size()});
  std::size_t first = 0;
  while (first < iov.size()) {
    constexpr std::size_t kIovMax = 1024;  // Linux's IOV_MAX: pieces one writev() takes
    const int count = static_cast<int>(std::min(iov.size() - first, kIovMax));
    ssize_t n = ::writev(STDOUT_FILENO, iov.data() + first, count);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EPIPE) return !(gone_ = true);
    if (n < 0) throw IoError(std::string("write error on standard output: ") + std::strerror(errno));
    bytes_ += static_cast<std::uint64_t>(n);
    // a short write: skip the pieces written whole, trim the one written in part
    auto done = static_cast<std::size_t>(n);
    while (first < iov.size() && done >= iov[first].iov_len) done -= iov[first++].iov_len;
    if (first < iov.size()) {
      iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + done;
      iov[first].iov_len -= done;
    }
  }
  return true;
}

void StreamOutput::write_rejects(const std::string& lines) {
  if (!rejects_.is_open()) return;
  rejects_ << lines;
  if (!rejects_) throw IoError("write error on " + rejects_file_);
}

void StreamOutput::commit(const std::string& report) {
  if (rejects_.is_open()) {
    rejects_.close();
    if (rejects_.fail()) throw IoError("write error on " + rejects_file_);
  }
  if (gone_ || report_file_.empty()) return;
  std::ofstream out(report_file_, std::ios::binary | std::ios::trunc);
  out << report;
  out.close();
  if (out.fail()) throw IoError("cannot write " + report_file_);
}

}  // namespace netconv
