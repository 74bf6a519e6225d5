#include "core/ids.hpp"

#include <gtest/gtest.h>

namespace netconv {

// Every output id depends on this function: its bytes are pinned to values computed outside
// netconv (Python: sha256(b"netconv/1" + b"\x1fPatient\x1fsys\x1f42").hexdigest()[:32]).
TEST(HashId, PinnedToTheDocumentedConstruction) {
  EXPECT_EQ(hash_id({"Patient", "sys", "42"}), "74c79c703e8ceb6bce55b87d51d264af");
  EXPECT_EQ(hash_id({}), "2adb69e9518ccc30cc1ca156c0019a5a");
}

// The separator keeps part boundaries: moving a character across a boundary changes the id.
TEST(HashId, PartBoundariesMatter) {
  EXPECT_NE(hash_id({"ab", "c"}), hash_id({"a", "bc"}));
  EXPECT_NE(hash_id({"abc"}), hash_id({"abc", ""}));
}

}  // namespace netconv

// The shard hash is a contract other tools compute (README "Sharding and merging"): these values
// are Python's int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big").
TEST(PatientShardHash, IsTheFirstEightBytesOfSha256BigEndian) {
  EXPECT_EQ(netconv::patient_shard_hash("NET-0101"), 17442101072789325839ULL);
  EXPECT_EQ(netconv::patient_shard_hash("GEN00000001"), 7186508693547688905ULL);
  EXPECT_EQ(netconv::patient_shard_hash(""), 16406829232824261652ULL);
}
