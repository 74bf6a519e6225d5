#include "core/errors.hpp"

#include <filesystem>

namespace netconv {

ExitFor exit_for(const std::exception& e) {
  if (dynamic_cast<const ConfigError*>(&e)) return {kExitUsage, "configuration error"};
  // the file system refused (permissions, a full disk): an I/O error, not a bug
  if (dynamic_cast<const IoError*>(&e) || dynamic_cast<const std::filesystem::filesystem_error*>(&e)) return {kExitIo, "I/O error"};
  // anything else is a bug in netconv (a broken invariant, an exception nothing expected): its
  // own code, so scripts do not take it for a missing file
  return {kExitInternal, "internal error"};
}

}  // namespace netconv
