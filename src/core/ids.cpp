#include "core/ids.hpp"

#include "core/sha256.hpp"

namespace netconv {

std::string hash_id(std::initializer_list<std::string_view> parts) {
  Sha256 h;
  h.update("netconv/1");
  for (auto p : parts) {
    h.update("\x1f");
    h.update(p);
  }
  return hex_prefix(h.finish(), 16);
}

}  // namespace netconv
