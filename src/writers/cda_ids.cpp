#include "writers/cda_ids.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "core/sha256.hpp"
#include "writers/cda_config.hpp"

namespace netconv::cda {

std::string decimal(const std::uint8_t* bytes, std::size_t n) {
  std::vector<std::uint8_t> num(bytes, bytes + n);
  std::string digits;
  auto nonzero = [&] { return std::any_of(num.begin(), num.end(), [](std::uint8_t b) { return b != 0; }); };
  while (nonzero()) {
    unsigned rem = 0;
    for (auto& b : num) {  // long division by 10, most significant byte first
      unsigned cur = (rem << 8) | b;
      b = static_cast<std::uint8_t>(cur / 10);
      rem = cur % 10;
    }
    digits += static_cast<char>('0' + rem);
  }
  if (digits.empty()) return "0";
  std::reverse(digits.begin(), digits.end());
  return digits;
}

std::string uuid_to_oid(std::string_view uuid) {
  std::uint8_t bytes[16];
  std::size_t nibbles = 0;
  for (char c : uuid) {
    if (c == '-') continue;
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (v < 0 || nibbles >= 32) return "";
    if (nibbles % 2 == 0) bytes[nibbles / 2] = static_cast<std::uint8_t>(v << 4);
    else bytes[nibbles / 2] |= static_cast<std::uint8_t>(v);
    ++nibbles;
  }
  if (nibbles != 32) return "";
  return "2.25." + decimal(bytes, 16);
}

std::string id_root_for_system(const std::string& system_uri, const std::string& arc) {
  auto starts = [&](std::string_view prefix) {
    if (system_uri.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(system_uri[i])) != prefix[i]) return false;
    return true;
  };
  if (starts("urn:oid:") && valid_oid(system_uri.substr(8))) return system_uri.substr(8);
  if (starts("urn:uuid:")) {
    auto oid = uuid_to_oid(system_uri.substr(9));
    if (!oid.empty()) return oid;
  }
  auto h = sha256(system_uri);
  return arc + "." + decimal(h.data(), 6);
}

}  // namespace netconv::cda
