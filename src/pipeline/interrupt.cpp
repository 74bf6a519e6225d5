#include "pipeline/interrupt.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "core/errors.hpp"

namespace netconv {

namespace {
std::atomic<bool> g_interrupt{false};
// The self-pipe: written by the handler, never read, so it stays readable for every poll.
std::atomic<int> g_wake_read{-1}, g_wake_write{-1};

void on_signal(int) {
  if (g_interrupt.load()) _exit(130);  // the second signal: stop now
  request_interrupt();
}
}  // namespace

void install_interrupt_handlers() {
  if (g_wake_read.load() < 0) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0) {
      g_wake_read.store(fds[0]);
      g_wake_write.store(fds[1]);
    }
  }
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking system call returns EINTR
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

void request_interrupt() {
  int saved = errno;  // a handler must not change errno under the code it interrupted
  g_interrupt.store(true);
  if (int fd = g_wake_write.load(); fd >= 0) {
    char b = 1;
    [[maybe_unused]] ssize_t n = ::write(fd, &b, 1);
  }
  errno = saved;
}

bool interrupt_requested() { return g_interrupt.load(); }

InputFile::InputFile(const std::string& path) {
  if (path == "-") {
    fd_ = STDIN_FILENO;
  } else {
    owned_ = true;
    do fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);  // a FIFO waits here for its writer
    while (fd_ < 0 && errno == EINTR && !interrupt_requested());
    if (fd_ < 0 && !(errno == EINTR && interrupt_requested()))
      throw IoError("cannot open input " + path + ": " + std::strerror(errno));
  }
  setg(buffer_, buffer_, buffer_);
}

InputFile::~InputFile() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

InputFile::int_type InputFile::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  long n = read_some(buffer_, sizeof buffer_);
  if (n <= 0) return traits_type::eof();
  setg(buffer_, buffer_, buffer_ + n);
  return traits_type::to_int_type(*gptr());
}

std::string_view InputFile::read_ahead(std::size_t max) {
  max = std::min(max, sizeof buffer_);
  if (gptr() != buffer_) {  // keep what is buffered at the front, so the rest fits behind it
    std::size_t have = static_cast<std::size_t>(egptr() - gptr());
    std::memmove(buffer_, gptr(), have);
    setg(buffer_, buffer_, buffer_ + have);
  }
  if (static_cast<std::size_t>(egptr() - gptr()) < max) {
    long n = read_some(egptr(), max - static_cast<std::size_t>(egptr() - gptr()));
    if (n > 0) setg(buffer_, buffer_, egptr() + n);
  }
  return {gptr(), static_cast<std::size_t>(egptr() - gptr())};
}

long InputFile::read_some(char* dst, std::size_t room) {
  if (fd_ < 0 || eof_) return 0;
  while (!interrupt_requested()) {
    int wake = g_wake_read.load();
    pollfd p[2] = {{fd_, POLLIN, 0}, {wake, POLLIN, 0}};
    if (::poll(p, wake >= 0 ? 2 : 1, -1) < 0 && errno != EINTR) {
      failed_ = true;
      return -1;
    }
    if (interrupt_requested()) break;
    ssize_t n = ::read(fd_, dst, room);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) failed_ = true;
    if (n <= 0) eof_ = true;
    return n;
  }
  return 0;
}

}  // namespace netconv
