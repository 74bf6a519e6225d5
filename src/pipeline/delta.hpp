// Deltas against a previous run (convert --since): which of a patient's FHIR resources are
// unchanged, changed, new or gone, and the output that brings a server holding the previous run
// to this run's state: PUT for new and changed resources, DELETE for vanished ones, nothing for an
// unchanged patient. Also every run's manifest line (pipeline/manifest.hpp), computed from the
// FHIR writer's output after it was checked. The worker-side parts are const and thread-safe.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "pipeline/convert.hpp"
#include "pipeline/manifest.hpp"
#include "writers/writer.hpp"

namespace netconv {

enum class Change { unchanged, changed, added };

struct PatientDelta {
  std::vector<Change> resources;          // one per current resource, in its order
  std::vector<ManifestResource> deleted;  // previous resources the patient no longer has, in their order
  bool new_patient = false;
  bool any_change() const;
};

// `prev` null: the patient is new (every resource added).
PatientDelta diff_patient(const ManifestEntry* prev, const ManifestEntry& cur);

// Previous patients absent from this run (`seen[i]` false), among those `in_scope` accepts (a
// sharded run considers only its own shard's; empty = all): with `delete_missing` they are
// deleted, otherwise kept (the server still holds them, so the new manifest lists them again).
struct MissingPatients {
  std::vector<std::size_t> deleted, kept;  // indexes into the previous manifest, in its order
};
MissingPatients missing_patients(const PreviousManifest& prev, const std::vector<bool>& seen, bool delete_missing,
                                 const PatientScope& in_scope);

// One transaction Bundle line (with newline) of DELETE requests for `resources`, the Patient
// last (servers that check references then see no dangling subject while the bundle applies).
std::string delete_bundle(const std::vector<ManifestResource>& resources);

struct ResourceSpan {
  std::size_t chunk, offset, length;  // where a resource is in its output's chunks
};

// A patient's FHIR output digested and compared with the previous run, before it is checked.
struct PreparedPatient {
  ManifestEntry entry;             // patient empty: no Patient rendered, no manifest line
  std::vector<ResourceSpan> spans;  // one per entry resource
  PatientDelta delta;              // in delta mode
  std::size_t previous = static_cast<std::size_t>(-1);  // its index in the previous manifest
  bool delta_mode = false;
  // Nothing to write: checking it can be skipped, since the previous run checked the same bytes
  // (up to meta.source) before it wrote them.
  bool unchanged() const { return delta_mode && !entry.patient.empty() && !delta.any_change(); }
};

// The worker-side hook: called with a patient's outputs, before and after they are checked.
class ManifestStage {
 public:
  // `fhir`: index of the FHIR output among the run's outputs (npos: none, no manifest lines);
  // `prev`: the previous manifest in delta mode, else null; `layout`: bulk | bundle.
  // `carry`: in delta mode, a patient whose input fingerprint is in the previous manifest is
  // carried (carry_unchanged) instead of converted.
  ManifestStage(std::size_t fhir, const PreviousManifest* prev, std::string layout, bool carry = true);
  PreparedPatient prepare(const std::vector<RenderedPatient>& rendered) const;
  // Delta mode: when the previous manifest has a patient with this input fingerprint, the patient
  // (its `records`) would render the same resources again: its previous manifest line goes to
  // `chunks`, its records count as read and converted, its resources and itself as unchanged,
  // and true is returned; nothing of it is mapped, rendered, checked or written.
  bool carry_unchanged(const ContentHash& input, std::size_t records, ConvertSummary& counts,
                       std::vector<std::size_t>& matched, std::vector<OutputChunk>& chunks) const;
  // Appends the patient's manifest.ndjson chunk to the FHIR output; in delta mode cuts every
  // output down to what changed (nothing for an unchanged patient; CDA documents whole for a
  // changed one), adds the DELETE entries, counts into counts.delta_*, and records the previous
  // patient it matched.
  // `input`: the patient's input fingerprint for its manifest line (null: none, a record of the
  // patient was rejected or skipped).
  void apply(const PreparedPatient& p, std::vector<RenderedPatient>& rendered, ConvertSummary& counts,
             std::vector<std::size_t>& matched, const ContentHash* input = nullptr) const;
  // prepare + apply
  void apply(std::vector<RenderedPatient>& rendered, ConvertSummary& counts, std::vector<std::size_t>& matched) const;

 private:
  std::size_t fhir_;
  const PreviousManifest* prev_;
  std::string layout_;
  bool carry_;
};

constexpr std::size_t kNoOutput = static_cast<std::size_t>(-1);

}  // namespace netconv
