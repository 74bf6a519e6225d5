#include "pipeline/hashed_inputs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/errors.hpp"
#include "core/lineage.hpp"
#include "core/sha256.hpp"
#include "pipeline/interrupt.hpp"

namespace netconv {
namespace {

// Copies a stream into `fd` and returns the SHA-256 of what was copied.
std::string copy_and_hash(const std::string& path, const std::string& display, int fd) {
  InputFile in(path);  // waits for data or an interrupt, as the conversion's own reads do
  Sha256 h;
  std::string block(std::size_t{1} << 16, '\0');
  for (;;) {
    auto n = in.sgetn(block.data(), static_cast<std::streamsize>(block.size()));
    if (n <= 0) break;
    h.update(std::string_view(block.data(), static_cast<std::size_t>(n)));
    for (std::size_t done = 0; done < static_cast<std::size_t>(n);) {
      auto w = ::write(fd, block.data() + done, static_cast<std::size_t>(n) - done);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) throw IoError("cannot copy " + display + " to a temporary file: " + std::strerror(errno));
      done += static_cast<std::size_t>(w);
    }
  }
  if (in.failed()) throw IoError("read error on " + display);
  auto d = h.finish();
  return hex_prefix(d, d.size());
}

int unlinked_temp_file() {
  std::error_code ec;
  auto dir = std::filesystem::temp_directory_path(ec);
  std::string templ = (ec ? std::filesystem::path("/tmp") : dir) / "netconv-input-XXXXXX";
  int fd = ::mkostemp(templ.data(), O_CLOEXEC);
  if (fd < 0) throw IoError("cannot make a temporary file for standard input in " + templ + ": " + std::strerror(errno));
  ::unlink(templ.c_str());  // nothing to clean up, whatever way the run ends
  return fd;
}

}  // namespace

HashedInputs::HashedInputs(const std::vector<std::string>& inputs) {
  try {
    for (const auto& input : inputs) {
      const std::string display = input == "-" ? "<stdin>" : input;
      std::error_code ec;
      if (input != "-" && std::filesystem::is_regular_file(input, ec)) {
        read_paths_.push_back(input);
        digests_.push_back({display, file_sha256_hex(input)});
        continue;
      }
      copies_.push_back(unlinked_temp_file());
      digests_.push_back({display, copy_and_hash(input, display, copies_.back())});
      read_paths_.push_back("/proc/self/fd/" + std::to_string(copies_.back()));
    }
  } catch (...) {
    for (int fd : copies_) ::close(fd);
    throw;
  }
}

HashedInputs::~HashedInputs() {
  for (int fd : copies_) ::close(fd);
}

}  // namespace netconv
