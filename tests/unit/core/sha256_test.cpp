#include "core/sha256.hpp"

#include <gtest/gtest.h>

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

}  // namespace netconv
