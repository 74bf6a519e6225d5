#include "core/sha256.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace netconv {

struct Sha256Case {
  std::string input, hex;
};

// FIPS 180-4 / NIST example vectors.
TEST(Sha256, KnownVectors) {
  const Sha256Case cases[] = {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {std::string(1000000, 'a'), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
  };
  for (const auto& c : cases) EXPECT_EQ(sha256_hex(c.input), c.hex) << c.input.substr(0, 20);
}

TEST(Sha256, PaddingBoundaries) {
  // lengths around the 55/56/64-byte padding edges must all differ and be stable
  std::string prev;
  for (std::size_t n : {55u, 56u, 57u, 63u, 64u, 65u, 119u, 120u}) {
    auto h = sha256_hex(std::string(n, 'x'));
    EXPECT_EQ(h.size(), 64u);
    EXPECT_NE(h, prev);
    EXPECT_EQ(h, sha256_hex(std::string(n, 'x')));
    prev = h;
  }
  EXPECT_EQ(sha256_hex(std::string(64, 'a')), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

// Pieces of every size, fed in any split, give the digest of the joined text (the block
// buffer's fill-up, whole blocks from the input, and the padding edges).
TEST(Sha256, IncrementalEqualsOneShot) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += static_cast<char>('a' + i % 26);
  for (std::size_t len : {0u, 1u, 55u, 56u, 63u, 64u, 65u, 127u, 128u, 200u, 300u})
    for (std::size_t step : {1u, 7u, 31u, 64u, 65u, 300u}) {
      Sha256 h;
      for (std::size_t at = 0; at < len; at += step) h.update(std::string_view(text).substr(at, std::min(step, len - at)));
      EXPECT_EQ(hex_prefix(h.finish(), 32), sha256_hex(text.substr(0, len))) << len << " " << step;
    }
  EXPECT_EQ(hex_prefix(sha256("abc"), 4), "ba7816bf");
}

}  // namespace netconv
