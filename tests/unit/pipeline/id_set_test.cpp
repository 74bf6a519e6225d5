// The set that remembers every patient seen (out-of-order reappearance): exact membership, and
// memory bounded by a constant number of bytes per key.
#include "pipeline/id_set.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <unordered_set>

namespace {

std::uint64_t mix(std::uint64_t x) {  // splitmix64: keys spread like the id hashes they stand for
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

TEST(IdSet, ExactMembershipLikeAStandardSet) {
  netconv::IdSet ids;
  std::unordered_set<std::uint64_t> reference;
  for (std::uint64_t i = 0; i < 200'000; ++i) {
    std::uint64_t k = mix(i % 150'000);  // every key from 0 to 149,999, some twice
    EXPECT_EQ(ids.insert(k), reference.insert(k).second) << i;
  }
  EXPECT_EQ(ids.size(), reference.size());
}

TEST(IdSet, ZeroIsAKeyLikeAnyOther) {
  netconv::IdSet ids;
  EXPECT_TRUE(ids.insert(0));
  EXPECT_FALSE(ids.insert(0));
}

TEST(IdSet, AtMostSixteenBytesPerKeyAtAMillion) {
  netconv::IdSet ids;
  for (std::uint64_t i = 0; i < 1'000'000; ++i) ids.insert(mix(i));
  EXPECT_EQ(ids.size(), 1'000'000u);
  EXPECT_LE(ids.slot_count() * 8, 16u * 1'000'000u);
}

}  // namespace
