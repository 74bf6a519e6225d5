// Merging shard runs (`netconv convert --shard K/N`, each into its own folder) into one output
// folder that holds the same bytes one run over the whole input would have written (report.json's
// timing line aside). Library side of `netconv merge`; the CLI only parses options.
//
// What it merges (README "Sharding and merging"):
// - every NDJSON file below a format folder (fhir/*.ndjson) and manifest.ndjson: a k-way merge in
//   ascending byte order of the patient key, the order a run writes patients in. A line's key is
//   recovered from the output itself: a Patient line's identifier[0].value; any other resource's
//   first "Patient/<id>" reference, mapped through the shards' Patient lines; a bundle's Patient
//   entry; a manifest line's "patient" id. A line without a patient reference stays behind the
//   line before it. A shard whose lines are not in that order is refused.
// - every other file below a format folder (CDA documents): copied; a name in two shards is refused.
// - rejects.ndjson: in input order (input, then line), as a run writes it.
// - report.json: counts summed, the "shard" skips removed; report.html drawn from it.
// Before anything is written the shards are checked: shards 1..N of one N, each once, all of the
// same inputs (names, sizes, SHA-256), the same tables, output formats and version; every input
// record accounted for exactly once (each shard read them all; the records that are not another
// shard's add up to what was read); no FHIR resource (type and id) twice. A failed check throws
// MergeCheckError naming the shard and what differs. The output is written with the output
// folder's commit protocol (pipeline/output_files.hpp): staged, switched into place at once.
#pragma once
#include <string>
#include <vector>

#include "formats/format.hpp"
#include "pipeline/convert.hpp"

namespace netconv {

struct MergeOptions {
  std::vector<std::string> shard_dirs;  // one folder per shard, in any order
  std::string output_dir;               // must not be one of them
  bool show_values = false;             // report.html shows rejected values (as convert --show-values)
  const FormatRegistry* formats = nullptr;  // whose folders hold outputs; null = builtin_formats()
};

// Throws MergeCheckError (shards that do not fit), ConfigError (bad options), IoError. The
// summary's exit_code is kExitDataProblems when the merged run has rejects, like the run's.
ConvertSummary merge_shards(const MergeOptions& options);

}  // namespace netconv
