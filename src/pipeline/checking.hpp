// The checking part of a conversion: the output formats of the run (--to), each with its writer
// and, unless --no-validate, its checker (loaded once, before the first record), and the loop
// that renders a patient and checks every output before anything is written. A record whose
// output fails is rejected with the violations and the patient rendered again without it, so no
// invalid output is ever written as if it were good. Runs on the worker threads (const).
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "formats/format.hpp"
#include "pipeline/convert.hpp"
#include "pipeline/delta.hpp"
#include "pipeline/fingerprint.hpp"

namespace netconv {

// What one work item produced.
struct WorkResult {
  std::vector<Diagnostic> diagnostics;
  std::vector<OutputChunk> chunks;
  std::string rejects;  // rejects.ndjson lines
  std::vector<Location> reject_origins;  // where each line's record was read: rejects leave in input order
  ConvertSummary counts;
  // the first converted record whose patient has no registry id (default identifier systems)
  std::optional<Location> default_systems_at;
  std::vector<std::size_t> previous_matched;  // --since: the previous manifest's patients this item wrote
};

// One rejects.ndjson line: the record, where it was read, and why it was rejected.
std::string reject_line(const std::string& record_key, const Location& where, const std::vector<Diagnostic>& reasons);
// Adds that line to `r` with its origin.
void add_reject(WorkResult& r, const std::string& record_key, const Location& where, const std::vector<Diagnostic>& reasons);

// What one work item borrows while it runs: the checkers' session (null without validation) and
// the writers' reusable buffers; both are the worker's, never thread_local.
struct ItemScratch {
  CheckSession* session = nullptr;
  RenderScratch render;
};

// What the checkers are loaded with for a conversion's options (only the writers' own output).
CheckerOptions checker_options(const ConvertOptions& opt);

// Output formats' checkers and the sessions they are used with, loaded once and shared: a run
// loads its own; an engine converting many inputs with different --to lists shares one set
// between its stages.
struct LoadedCheckers {
  std::map<std::string, std::shared_ptr<const OutputChecker>> by_format;  // formats without a checker absent
  std::shared_ptr<CheckSessionPool> sessions;  // null: nothing is checked (--no-validate)
  double load_seconds = 0;
};
// Loads the checkers of `names` (none when opt.validate is off). Throws ConfigError for an
// unknown format or when a checker cannot load.
LoadedCheckers load_checkers(const ConvertOptions& opt, const FormatRegistry& formats, const std::vector<std::string>& names);

class OutputStage {
 public:
  // Throws ConfigError for an unknown format or when a checker cannot load. `previous`: the
  // previous run's manifest in delta mode (outputs are cut down to what changed), else null.
  OutputStage(const ConvertOptions& opt, const FormatRegistry& formats, const MappingSet& tables,
              const PreviousManifest* previous = nullptr);
  // The same with checkers loaded before (load_checkers() over at least opt.to); only the writers
  // are made here.
  OutputStage(const ConvertOptions& opt, const FormatRegistry& formats, const MappingSet& tables, const LoadedCheckers& checkers,
              const PreviousManifest* previous = nullptr);
  // `session`: the calling worker's (null when nothing is checked, --no-validate). `input`: the
  // patient's input fingerprint when every record of it was converted (null: none); it goes to
  // the manifest line unless the checks reject a record too.
  void render_checked(model::PatientCases& group, WorkResult& r, ItemScratch& scratch,
                      const ContentHash* input = nullptr) const;
  // Null when the run writes no manifest (no FHIR output): then no fingerprints are taken.
  const InputFingerprinter* fingerprints() const { return fingerprints_.get(); }
  // Delta mode: an unchanged patient's previous manifest line carried into `r` (ManifestStage).
  bool carry_unchanged(const ContentHash& input, std::size_t records, WorkResult& r) const {
    return manifest_->carry_unchanged(input, records, r.counts, r.previous_matched, r.chunks);
  }
  double checker_load_seconds() const { return load_seconds_; }
  // The checks' sessions, one lent to each work item while it runs; null with --no-validate.
  CheckSessionPool* sessions() const { return sessions_.get(); }

 private:
  struct Output {
    std::unique_ptr<OutputWriter> writer;
    std::shared_ptr<const OutputChecker> checker;  // null: not checked
  };
  // The failed records' cases leave `group` as rejects; the rest stay to be rendered again.
  static void reject_failed(model::PatientCases& group, FailedRecords& failed, WorkResult& r);

  std::vector<Output> outputs_;
  bool validate_;
  double load_seconds_ = 0;
  std::shared_ptr<CheckSessionPool> sessions_;
  std::unique_ptr<ManifestStage> manifest_;  // every patient's manifest line, and the delta
  std::unique_ptr<InputFingerprinter> fingerprints_;
  std::size_t fhir_ = kNoOutput;              // the FHIR output's index in outputs_
};

}  // namespace netconv
