#include "report/run_folder.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/errors.hpp"

namespace netconv::report {
namespace {

constexpr const char* kTemp = ".netconv-report.html.part";

[[noreturn]] void fail(const std::string& what, const std::string& path, int err) {
  throw IoError(what + " " + path + ": " + std::strerror(err));
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read", path, errno ? errno : ENOENT);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) fail("cannot read", path, errno ? errno : EIO);
  return bytes;
}

void write_all(int fd, const std::string& bytes, const std::string& path) {
  for (std::size_t done = 0; done < bytes.size();) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot write", path, errno);
    done += std::size_t(n);
  }
}

}  // namespace

std::string render_report_text(const std::string& report_json, const RejectDigest& rejects, const HtmlOptions& options,
                               const std::string& source) {
  auto report = nlohmann::json::parse(report_json, nullptr, false);
  if (!report.is_object()) throw IoError(source + " is not a netconv report (a JSON object)");
  return render_html(report, rejects, options);
}

std::string render_run_folder(const std::string& dir, const HtmlOptions& options) {
  const std::string report_path = dir + "/report.json", rejects_path = dir + "/rejects.ndjson";
  std::string report = read_file(report_path);
  std::ifstream rejects(rejects_path, std::ios::binary);
  if (!rejects) fail("cannot read", rejects_path, errno ? errno : ENOENT);
  RejectDigest digest;
  for (std::string line; std::getline(rejects, line);)
    if (!line.empty()) digest.add_line(line);
  if (rejects.bad()) fail("cannot read", rejects_path, errno ? errno : EIO);
  return render_report_text(report, digest, options, report_path);
}

void write_report_html(const std::string& dir, const std::string& html) {
  Fd out(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (out.get() < 0) fail("cannot open run folder", dir, errno);
  if (::flock(out.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) throw IoError("run folder " + dir + " is being written by a netconv run");
    fail("cannot lock run folder", dir, errno);
  }
  // a temporary a killed `netconv report` left; the lock says no one is writing it now
  if (::unlinkat(out.get(), kTemp, 0) != 0 && errno != ENOENT) fail("cannot remove", dir + "/" + kTemp, errno);
  const std::string temp = dir + "/" + kTemp;
  Fd fd(::openat(out.get(), kTemp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666));
  if (fd.get() < 0) fail("cannot create", temp, errno);
  write_all(fd.get(), html, temp);
  if (::fsync(fd.get()) != 0) fail("cannot write", temp, errno);
  if (::close(fd.release()) != 0) fail("cannot close", temp, errno);
  if (::renameat(out.get(), kTemp, out.get(), "report.html") != 0) fail("cannot replace", dir + "/report.html", errno);
  if (::fsync(out.get()) != 0) fail("cannot sync", dir, errno);
}

}  // namespace netconv::report
