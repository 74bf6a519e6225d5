#include "core/posix_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/errors.hpp"

namespace netconv::posix {

void fail(const std::string& what, const std::string& path, int err) {
  std::string hint;
  if (err == EEXIST || err == ELOOP || err == ENOTDIR)
    hint = " (netconv creates every file itself and never follows a link: something else was planted there)";
  throw IoError(what + " " + path + ": " + std::strerror(err) + hint);
}

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

void write_all(int fd, const char* data, std::size_t size, const std::string& shown) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot write", shown, errno);
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

void write_new_file(int at, const char* name, const std::string& bytes, const std::string& shown, bool sync) {
  int fd = ::openat(at, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) fail("cannot create", shown, errno);
  try {
    write_all(fd, bytes.data(), bytes.size(), shown);
    if (sync && ::fsync(fd) != 0) fail("cannot fsync", shown, errno);
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (::close(fd) != 0) fail("cannot close", shown, errno);
}

}  // namespace netconv::posix
