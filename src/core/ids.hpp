// Stable resource ids: every id netconv writes (FHIR resource ids, CDA instance ids, file keys)
// is a hash over what identifies the thing, so the same input gives the same ids on any run, at
// any -j, with no clock or random source (docs: "Resource ids"). Pure function: thread-safe.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace netconv {

// SHA-256 of "netconv/1" and the parts, each behind a 0x1f separator; the first 16 bytes in
// lower-case hex (32 characters). Changing this changes every id of every output.
std::string hash_id(std::initializer_list<std::string_view> parts);

// The shard hash of a patient key (the contract's patient_id, NAACCR patientIdNumber): the first
// 8 bytes of SHA-256 over the key's bytes, read big-endian. `--shard K/N` keeps the patients with
// patient_shard_hash(key) % N == K - 1. It is part of the shard contract (README "Sharding and
// merging"): any tool can compute it (Python: int.from_bytes(sha256(key).digest()[:8], "big")),
// and changing it moves patients between shards of runs that are meant to be merged.
std::uint64_t patient_shard_hash(std::string_view patient_key);

}  // namespace netconv
