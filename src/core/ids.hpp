// Stable resource ids: every id netconv writes (FHIR resource ids, CDA instance ids, file keys)
// is a hash over what identifies the thing, so the same input gives the same ids on any run, at
// any -j, with no clock or random source (README "What ids mean"). A fact's id is a hash of its
// patient's identifier system and its stable key: a readable path such as
// `P7/1/treatment/chemo/capecitabine/1` naming the fact by identity, never by content, so a
// corrected date, grade, code or dose keeps the id. Pure functions: thread-safe.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace netconv {

// SHA-256 of "netconv/1" and the parts, each behind a 0x1f separator; the first 16 bytes in
// lower-case hex (32 characters). Changing this changes every id of every output.
std::string hash_id(std::initializer_list<std::string_view> parts);

// The business-identifier system of facts when no registry id is known: local experiments only.
inline constexpr std::string_view kDefaultFactSystem = "urn:netconv:fact";

// A registry id: 1-64 of [A-Za-z0-9._-] (it becomes part of a URN).
bool valid_registry_id(std::string_view id);
// urn:netconv:registry:<ID>:<kind> (kind: patient, fact). The id must be valid.
std::string registry_system(std::string_view registry_id, std::string_view kind);

// An explicit list-item id (contract 1.2 `#ID`): 1-64 of [A-Za-z0-9._-].
bool valid_item_id(std::string_view id);

// Appends one part of a stable key behind a '/' (none before the first part), with '%' and '/'
// percent-encoded so that a part never splits the key: two different part lists never give one key.
void append_key_part(std::string& key, std::string_view part);

// A fact's stable key (the business identifier value) and its id.
struct FactId {
  std::string key, id;
};
// key = base + "/" + each part (encoded); id = hash of ("fact", patient system, key).
FactId fact_id(std::string_view patient_system, std::string_view base_key, std::initializer_list<std::string_view> parts);
// The shard hash of a patient key (the contract's patient_id, NAACCR patientIdNumber): the first
// 8 bytes of SHA-256 over the key's bytes, read big-endian. `--shard K/N` keeps the patients with
// patient_shard_hash(key) % N == K - 1. It is part of the shard contract (README "Sharding and
// merging"): any tool can compute it (Python: int.from_bytes(sha256(key).digest()[:8], "big")),
// and changing it moves patients between shards of runs that are meant to be merged.
std::uint64_t patient_shard_hash(std::string_view patient_key);

}  // namespace netconv
