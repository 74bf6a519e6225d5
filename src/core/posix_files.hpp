// Writing files through POSIX descriptors, the way every netconv output is written: relative to a
// folder's descriptor, never through a link, never over an existing file, every error an IoError
// naming the file. Shared by the output folder's commit protocol and `netconv report`.
#pragma once
#include <cstddef>
#include <string>

namespace netconv::posix {

// Throws IoError "<what> <path>: <strerror>"; for the errors a planted file or link causes it adds
// that netconv never follows one.
[[noreturn]] void fail(const std::string& what, const std::string& path, int err);

// Closes the descriptor it holds (if any) when it goes.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd();
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Writes all of `data`, retrying interrupted and short writes; `shown` names the file in errors.
void write_all(int fd, const char* data, std::size_t size, const std::string& shown);

// Creates `name` below the folder `at` (never an existing file or a link), writes and closes it;
// fsyncs it first when `sync` (callers that make the folder durable as a whole pass false).
void write_new_file(int at, const char* name, const std::string& bytes, const std::string& shown, bool sync);

}  // namespace netconv::posix
