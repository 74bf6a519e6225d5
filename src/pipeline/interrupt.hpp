// Interrupts (SIGINT, SIGTERM) and input that gives way to them. The handlers are installed with
// sigaction without SA_RESTART and also write to a self-pipe, so a run blocked reading a FIFO or a
// pipe that sends nothing wakes at once: InputFile polls the input together with that pipe.
// A second signal ends the process at once with exit code 130 (the output folder is left as a
// killed run leaves it: the previous completed run, cleaned by the next run; docs/output-folder.md).
#pragma once
#include <streambuf>
#include <string>
#include <string_view>

namespace netconv {

// Installs the handlers (once per process; the CLI calls it before a conversion).
void install_interrupt_handlers();
// Async-signal-safe: sets the flag and wakes every InputFile waiting for data.
void request_interrupt();
bool interrupt_requested();

// An input file or standard input ("-") read with read(2): each read waits (poll) for data or an
// interrupt, whichever comes first; an interrupt ends the input as if it were at its end.
// Throws IoError when the file cannot be opened (an interrupt while a FIFO waits for its writer
// gives an empty input instead).
class InputFile : public std::streambuf {
 public:
  explicit InputFile(const std::string& path);
  ~InputFile() override;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  // A read error (not an interrupt) happened; the input ended there.
  bool failed() const { return failed_; }
  // Reads ahead without consuming: when fewer than `max` bytes are buffered, one more read(2)
  // (waiting as the stream does) adds to them. Returns what is buffered; what the stream reads
  // next starts with it. For looking at an input's first bytes; `max` is at most 64 KiB.
  std::string_view read_ahead(std::size_t max);

 protected:
  int_type underflow() override;

 private:
  // One read(2) into [dst, dst + room) that waits (poll) for data or an interrupt; <= 0 at the end.
  long read_some(char* dst, std::size_t room);

  int fd_ = -1;
  bool owned_ = false, failed_ = false;
  bool eof_ = false;  // read(2) said end of input: peek() and the stream do not ask again
  char buffer_[64 * 1024];
};

}  // namespace netconv
