// A set of 64-bit keys (hashes of patient keys) with open addressing: 8 bytes per slot, so
// remembering a million patients costs ~12 MiB, not the ~40 bytes per entry
// of a node-based set. The keys are spread over 64 tables by their top bits: a table that fills
// up is doubled on its own, so growing never holds two copies of the whole set at once (one
// table of 2^21 slots did: 24 MiB at the moment it doubled, for a million patients).
#pragma once
#include <array>
#include <cstdint>
#include <vector>

namespace netconv {

class IdSet {
 public:
  // Returns false when the key was already present. Key 0 is remapped (0 marks empty slots).
  bool insert(std::uint64_t key) {
    if (key == 0) key = 1;
    Shard& s = shards_[key >> (64 - kShardBits)];
    if ((s.size + 1) * 5 > s.slots.size() * 4) grow(s);  // load factor at most 4/5
    return place(s, key);
  }
  std::size_t size() const {
    std::size_t n = 0;
    for (const auto& s : shards_) n += s.size;
    return n;
  }
  std::size_t slot_count() const {
    std::size_t n = 0;
    for (const auto& s : shards_) n += s.slots.size();
    return n;
  }

 private:
  static constexpr int kShardBits = 6;
  struct Shard {
    std::vector<std::uint64_t> slots;
    std::size_t size = 0;
  };
  static bool place(Shard& s, std::uint64_t key) {
    const std::size_t n = s.slots.size();
    // the low 32 bits scaled to [0, n): any table size, no division
    for (std::size_t i = static_cast<std::size_t>(((key & 0xFFFFFFFFu) * n) >> 32);; i = i + 1 == n ? 0 : i + 1) {
      if (s.slots[i] == key) return false;
      if (s.slots[i] == 0) {
        s.slots[i] = key;
        ++s.size;
        return true;
      }
    }
  }
  static void grow(Shard& s) {
    std::vector<std::uint64_t> old;
    old.swap(s.slots);
    // x1.5 rather than x2: between 1.25 and 1.9 slots per key instead of 1.33 to 2.7
    s.slots.assign(old.empty() ? 64 : old.size() + old.size() / 2, 0);
    s.size = 0;
    for (auto k : old)
      if (k) place(s, k);
  }
  std::array<Shard, std::size_t{1} << kShardBits> shards_;
};

}  // namespace netconv
