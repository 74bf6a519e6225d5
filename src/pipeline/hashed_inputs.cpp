#include "pipeline/hashed_inputs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/errors.hpp"
#include "core/lineage.hpp"
#include "core/sha256.hpp"

namespace netconv {
namespace {

// SHA-256 of what is left to read in `fd` (a regular file), read with pread so the conversion
// still reads it from where it stands.
std::string remaining_sha256(int fd, const std::string& display) {
  const off_t start = ::lseek(fd, 0, SEEK_CUR);
  if (start < 0) throw IoError("cannot read " + display + ": " + std::strerror(errno));
  Sha256 h;
  std::string block(std::size_t{1} << 20, '\0');
  for (off_t at = start;;) {
    const auto n = ::pread(fd, block.data(), block.size(), at);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw IoError("read error on " + display + ": " + std::strerror(errno));
    if (n == 0) break;
    h.update(std::string_view(block.data(), static_cast<std::size_t>(n)));
    at += n;
  }
  auto d = h.finish();
  return hex_prefix(d, d.size());
}

bool is_regular(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

HashedInputs::HashedInputs(const std::vector<std::string>& inputs) {
  for (const auto& input : inputs) {
    const std::string display = input == "-" ? "<stdin>" : input;
    read_paths_.push_back(input);
    std::error_code ec;
    if (input == "-") {
      digests_.push_back({display, is_regular(STDIN_FILENO) ? remaining_sha256(STDIN_FILENO, display) : std::string()});
    } else if (std::filesystem::is_regular_file(input, ec)) {
      digests_.push_back({display, file_sha256_hex(input)});
    } else {
      digests_.push_back({display, ""});  // a pipe or FIFO: read once, by the conversion
    }
  }
}

}  // namespace netconv
