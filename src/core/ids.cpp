#include "core/ids.hpp"

#include <algorithm>

#include "core/sha256.hpp"

namespace netconv {
namespace {

bool token(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '.' || c == '_' || c == '-';
         });
}

}  // namespace

std::string hash_id(std::initializer_list<std::string_view> parts) {
  Sha256 h;
  h.update("netconv/1");
  for (auto p : parts) {
    h.update("\x1f");
    h.update(p);
  }
  return hex_prefix(h.finish(), 16);
}

bool valid_registry_id(std::string_view id) { return token(id); }
bool valid_item_id(std::string_view id) { return token(id); }

std::string registry_system(std::string_view registry_id, std::string_view kind) {
  std::string s = "urn:netconv:registry:";
  s.append(registry_id).append(":").append(kind);
  return s;
}

void append_key_part(std::string& key, std::string_view part) {
  if (!key.empty()) key += '/';
  for (char c : part) {
    if (c == '%') key += "%25";
    else if (c == '/') key += "%2F";
    else key += c;
  }
}

FactId fact_id(std::string_view patient_system, std::string_view base_key, std::initializer_list<std::string_view> parts) {
  FactId f;
  f.key.reserve(base_key.size() + 48);
  f.key = base_key;
  for (auto p : parts) append_key_part(f.key, p);
  f.id = hash_id({"fact", patient_system, f.key});
  return f;
}

std::uint64_t patient_shard_hash(std::string_view patient_key) {
  const auto digest = sha256(patient_key);
  std::uint64_t h = 0;
  for (int i = 0; i < 8; ++i) h = (h << 8) | digest[i];
  return h;
}

}  // namespace netconv
