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

// Incremental SHA-256 over pieces, without joining them into one string first (resource ids
// hash several parts per resource, ~14 resources per record).
class Sha256 {
 public:
  void update(std::string_view data);
  std::array<std::uint8_t, 32> finish();  // the digest of everything updated; use once

 private:
  std::uint32_t h_[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::uint8_t block_[64];
  std::size_t used_ = 0;     // bytes in block_
  std::uint64_t total_ = 0;  // bytes updated
};

// Lowercase hex of the first `bytes` bytes of a digest.
std::string hex_prefix(const std::array<std::uint8_t, 32>& digest, std::size_t bytes);

}  // namespace netconv
