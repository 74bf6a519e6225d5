// The run manifest (OUT/manifest.ndjson): one line per converted patient, in output order,
//   {"patient":"<Patient id>","resources":[["<Type>","<id>","<sha256 hex>"],...]}
// naming every FHIR resource the patient's output holds and a SHA-256 of its bytes without
// `meta.source` (which names the run, not the content). A later run with --since reads it to
// write only what changed (pipeline/delta.hpp). Resources are listed in the writer's order.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace netconv {

struct ManifestResource {
  std::string type, id;
  std::array<std::uint8_t, 32> hash{};
  bool operator==(const ManifestResource&) const = default;
};

struct ManifestEntry {
  std::string patient;  // the Patient resource's id
  std::vector<ManifestResource> resources;
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

// A previous run's manifest, read once and then only looked up (from any thread).
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
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

 private:
  void add_line(std::string_view line, const std::string& shown, std::size_t number, const ManifestLimits& limits);

  std::vector<ManifestEntry> entries_;
  std::unordered_map<std::string, std::size_t> index_;
};

}  // namespace netconv
