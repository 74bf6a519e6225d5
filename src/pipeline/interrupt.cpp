#include "pipeline/interrupt.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

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
  if (fd_ < 0) return traits_type::eof();
  while (!interrupt_requested()) {
    int wake = g_wake_read.load();
    pollfd p[2] = {{fd_, POLLIN, 0}, {wake, POLLIN, 0}};
    if (::poll(p, wake >= 0 ? 2 : 1, -1) < 0 && errno != EINTR) {
      failed_ = true;
      return traits_type::eof();
    }
    if (interrupt_requested()) break;
    ssize_t n = ::read(fd_, buffer_, sizeof buffer_);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) failed_ = true;
    if (n <= 0) return traits_type::eof();
    setg(buffer_, buffer_, buffer_ + n);
    return traits_type::to_int_type(*gptr());
  }
  return traits_type::eof();
}

}  // namespace netconv
