// Per-patient input fingerprints: a ContentHash over everything that decides a patient's output
// bytes — its source records' field contents and the run's settings (netconv version, mapping
// tables, output options). The manifest stores it beside the patient's resources; a --since run
// that meets a patient with the same fingerprint carries the previous manifest line instead of
// mapping, rendering and checking the patient again, since it would produce the same resources.
// Locations (file, line, column) are not part of it: a re-sorted or re-cut export matches.
#pragma once
#include <string>
#include <vector>

#include "model/source_record.hpp"
#include "pipeline/convert.hpp"
#include "pipeline/manifest.hpp"

namespace netconv {

class InputFingerprinter {
 public:
  // `tables_sha256`: the mapping tables' digest (report::mapping_tables_sha256). Files named by
  // options (columns, NAACCR dictionary, CDA header configuration) count by their contents.
  InputFingerprinter(const ConvertOptions& opt, const std::string& tables_sha256);
  // The fingerprint of one patient's records, taken in the canonical order the pipeline
  // processes them (ascending tumor id, input order for ties), so the export's row order and
  // line numbers do not change it. Thread-safe (const).
  ContentHash patient(const std::vector<SourceRecord>& records) const;

  // The run's settings as they are hashed (for tests and messages; holds no patient data).
  const std::string& settings() const { return settings_; }

 private:
  std::string settings_;
  ContentHasher seed_;  // settings_ already fed in
};

}  // namespace netconv
