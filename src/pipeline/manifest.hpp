// The run manifest (OUT/manifest.ndjson): one line per converted patient, in output order,
//   {"patient":"<Patient id>","resources":[["<Type>","<id>","<content hash hex>"],...]}
// naming every FHIR resource the patient's output holds and a 128-bit content hash (32 hex
// digits, ContentHasher) of its bytes without `meta.source` (which names the run, not the content). A later run with --since reads it to
// write only what changed (pipeline/delta.hpp). Resources are listed in the writer's order.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace netconv {

using ContentHash = std::array<std::uint8_t, 16>;

// A fast 128-bit non-cryptographic hash of a byte stream (fed in any number of pieces; the result
// depends only on the concatenated bytes). Two independent 64-bit lanes each fold every 8-byte
// little-endian word in with a multiply and an xor-shift (different constants and folding), the
// tail bytes and the total length close the stream, and each lane is finalised by its own
// multiply/xor-shift avalanche.
//
// Why not a cryptographic hash: the manifest's hashes only tell whether this registry's own
// output changed since its previous run; nobody gains by forging a collision between two
// resources of the same export, so collision resistance against an adversary buys nothing and
// SHA-256 cost ~10 % of a conversion. Odds: treating the lanes as independent random functions,
// a changed resource goes unnoticed with probability about 2^-128; even if the lanes were fully
// correlated it is 2^-64, i.e. below 1e-10 for a hundred million resources compared a month.
class ContentHasher {
 public:
  void update(std::string_view bytes);
  ContentHash finish() const;

 private:
  void fold(std::uint64_t word);
  std::uint64_t a_ = 0x6a09e667f3bcc909ULL, b_ = 0xbb67ae8584caa73bULL;
  std::uint64_t pending_ = 0;  // up to 7 bytes not yet folded, little-endian
  unsigned pending_n_ = 0;
  std::uint64_t length_ = 0;
};
ContentHash content_hash(std::string_view bytes);

struct ManifestResource {
  std::string type, id;
  ContentHash hash{};
  bool operator==(const ManifestResource&) const = default;
};

struct ManifestEntry {
  std::string patient;  // the Patient resource's id
  std::vector<ManifestResource> resources;
  // The patient's input fingerprint (pipeline/fingerprint.hpp), written as a third member
  // "input" after "resources"; only when every record of the patient was converted.
  std::optional<ContentHash> input = std::nullopt;
};

// Type, id and content hash of one rendered FHIR resource (a JSON object). The hash covers the
// resource's bytes with its meta.source member cut out (and meta itself when source was its only
// member). Returns false when the text is not an object with a string resourceType and id.
bool digest_resource(std::string_view json, ManifestResource& out);

// The manifest.ndjson line of one patient, with its newline.
std::string manifest_line(const ManifestEntry& e);

// Limits on a manifest read with --since (docs: README "Loading into a FHIR server").
struct ManifestLimits {
  std::uint64_t max_bytes = std::uint64_t{8} << 30;  // the whole file
  std::size_t max_line = std::size_t{64} << 20;       // one patient's line
};

// A previous run's manifest (lines with or without "input"), read once and then only looked up (from any thread).
class PreviousManifest {
 public:
  // `path`: an output folder (its manifest.ndjson) or a manifest file. Throws IoError when it
  // cannot be read (exit 3) and ConfigError with a NC-DELTA code when it is not a manifest or
  // exceeds `limits` (exit 2); messages name the file and line, never patient data.
  static PreviousManifest load(const std::string& path, const ManifestLimits& limits = {});
  // The same from text already in memory (`shown` names it in messages).
  static PreviousManifest parse(std::string_view text, const std::string& shown, const ManifestLimits& limits = {});

  const std::vector<ManifestEntry>& entries() const { return entries_; }
  // Index into entries() of the patient with this Patient id; npos when it was not there.
  std::size_t find(std::string_view patient) const;
  // Index into entries() of the patient with this input fingerprint; npos when none has it.
  std::size_t find_input(const ContentHash& input) const;
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

 private:
  void add_line(std::string_view line, const std::string& shown, std::size_t number, const ManifestLimits& limits);

  std::vector<ManifestEntry> entries_;
  struct HashKey {
    std::size_t operator()(const ContentHash& h) const;
  };
  std::unordered_map<std::string, std::size_t> index_;
  std::unordered_map<ContentHash, std::size_t, HashKey> inputs_;
};

}  // namespace netconv
