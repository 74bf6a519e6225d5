// A set of 64-bit keys with open addressing: 8 bytes per slot, so remembering every patient of a
// million-row export costs a few MiB, not the ~40 bytes per entry of a node-based set.
#pragma once
#include <cstdint>
#include <vector>

namespace netconv {

class IdSet {
 public:
  // Returns false when the key was already present. Key 0 is remapped (0 marks empty slots).
  bool insert(std::uint64_t key) {
    if (key == 0) key = 1;
    if ((size_ + 1) * 2 > slots_.size()) grow();
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = key & mask;; i = (i + 1) & mask) {
      if (slots_[i] == key) return false;
      if (slots_[i] == 0) {
        slots_[i] = key;
        ++size_;
        return true;
      }
    }
  }
  std::size_t size() const { return size_; }

 private:
  void grow() {
    std::vector<std::uint64_t> old;
    old.swap(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, 0);
    size_ = 0;
    for (auto k : old)
      if (k) insert(k);
  }
  std::vector<std::uint64_t> slots_;
  std::size_t size_ = 0;
};

}  // namespace netconv
