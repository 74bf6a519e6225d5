// SHA-256 (FIPS 180-4), used to derive resource ids and file keys from source identifiers so
// that raw registry identifiers never appear in ids or file names.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace netconv {

std::array<std::uint8_t, 32> sha256(std::string_view data);
std::string sha256_hex(std::string_view data);

}  // namespace netconv
