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

std::uint64_t patient_shard_hash(std::string_view patient_key) {
  const auto digest = sha256(patient_key);
  std::uint64_t h = 0;
  for (int i = 0; i < 8; ++i) h = (h << 8) | digest[i];
  return h;
}

}  // namespace netconv
