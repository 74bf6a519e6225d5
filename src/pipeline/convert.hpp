// The library's entry point for conversion: inputs -> mapped cases -> writers -> output folder,
// with rejects.ndjson and report.json. The CLI only parses options and maps the result to exit
// codes. Program/config problems throw ConfigError (exit 2) or IoError (exit 3); data problems go
// to the diagnostic sink and the run goes on. Formats are looked up in a FormatRegistry
// (formats/format.hpp); the run's parts are in pipeline/{input,grouping,work,checking,reporting}.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/diagnostics.hpp"
#include "mapping/mapping_set.hpp"
#include "formats/format.hpp"
#include "pipeline/interrupt.hpp"
#include "report/quality_stats.hpp"
#include "writers/writer.hpp"

namespace netconv {

struct ManifestEntry;  // pipeline/manifest.hpp
// Whether a previous run's patient belongs to this run (a sharded run's own shard); empty = all.
using PatientScope = std::function<bool(const ManifestEntry&)>;

struct ConvertOptions {
  std::vector<std::string> inputs;  // paths; "-" = stdin
  std::string from;                 // an input format's name; "" = by content, the extension as a hint
  const FormatRegistry* formats = nullptr;  // the formats --from and --to name; null = builtin_formats()
  std::vector<std::string> to = {"fhir"};
  std::string output_dir = "out";
  std::string patient_id_system;    // "" = urn:netconv:registry:<registry_id>:patient, else the table default
  // the registry's id (--registry-id; pipeline/registry_id.hpp): [A-Za-z0-9._-]{1,64}, "" = none
  std::string registry_id;
  bool icd10cm_current_edition = false;  // --icd10cm-edition current (default: valid on the diagnosis date)
  std::string columns_file;
  std::string naaccr_dictionary;
  WriterOptions writer;
  bool show_values = false;
  bool validate = true;       // every output checked before it is written (--no-validate)
  bool validation_cache = true;  // verdict-neutral caches in each worker's check session (--no-validation-cache; docs/validation.md)
  // what one check session may remember before its caches are dropped (--validation-cache-limit)
  std::size_t validation_cache_limit = std::size_t{64} << 20;
  std::string fhir_packages;  // FHIR definition packages (--fhir-packages; see scripts/install-fhir-packages.sh)
  std::string fhir_schema;    // optional official fhir.schema.json checked as well
  std::string cda_schema;     // CDA XSD (default: schemas/cda/netconv-ccda.xsd)
  unsigned jobs = 0;          // worker threads; 0 = the number of cores
  bool progress = false;      // progress line on stderr (the CLI sets it for terminals)
  std::size_t batch_records = 256;  // records per work item
  // records one patient may have (CSV/NDJSON rows, NAACCR tumors); beyond it the patient is
  // rejected whole (NC-REC-007) and its records are held as keys only (--max-rows-per-patient)
  std::size_t max_rows_per_patient = 1000;
  // Records are grouped by patient whatever their order, sorted in at most this much memory
  // (beyond it, in run files in the output folder's staging area; --memory-limit). With
  // `presorted` they are grouped as they come, in one pass (--presorted; NC-REC-006).
  std::size_t memory_limit = std::size_t{256} << 20;
  bool presorted = false;
  // --shard K/N: only the patients with patient_shard_hash(key) % N == K - 1 are converted (records
  // without a patient key belong to shard 1); every record is still read and the others are counted
  // as skipped for the reason "shard". 0/0 = no sharding.
  unsigned shard_index = 0, shard_count = 0;
  // With output_dir "-": the rejects and the report go to these files ("" = not written).
  std::string rejects_file, report_file;
  // Delta mode (--since): a previous output folder or its manifest.ndjson; only what changed
  // since is written (pipeline/delta.hpp). "" = a full run.
  std::string since;
  bool delete_missing_patients = false;  // previous patients absent from this export are deleted
  PatientScope since_scope;              // which previous patients this run answers for
};

// What report.json says about a shard run, so that `netconv merge` can check its shards fit:
// which shard it is and the identity of every input (bytes and SHA-256; "" for standard input).
struct ShardInput {
  std::string name, sha256;
  std::uint64_t bytes = 0;
};

struct ConvertSummary {
  std::uint64_t read = 0, converted = 0, rejected = 0, skipped = 0;
  std::uint64_t patients_written = 0, files_failed = 0;
  std::map<std::string, std::uint64_t> skipped_by_reason, rejected_by_code, warnings_by_code, resources_by_type,
      counted;
  std::vector<std::string> outputs;
  double seconds = 0;
  // What validation cost this run (0 with --no-validate): checking every output before it is
  // written, summed over the worker threads (part of `seconds`), and loading the validators
  // before the first record (not part of `seconds`).
  double validation_seconds = 0, validator_load_seconds = 0;
  std::uint64_t output_bytes = 0;
  report::QualityStats quality;  // the converted cases, for report.json's "quality" and report.html
  // --since: resources and patients by what happened to them since the previous run
  // (unchanged | changed | new | deleted; patients also kept_missing)
  bool delta = false;
  std::map<std::string, std::uint64_t> delta_resources, delta_patients;
  bool interrupted = false;
  unsigned shard_index = 0, shard_count = 0;  // as asked for; 0/0 = not a shard run
  std::vector<ShardInput> shard_inputs;
  int exit_code = 0;
};

// request_interrupt() (pipeline/interrupt.hpp), from a signal handler: convert() stops reading,
// finishes what is in flight, writes its counts to report.interrupted.json and leaves the output
// folder's previous completed run as it was. exit_code becomes 130.

// Loads and checks the tables; throws ConfigError listing every error (file:line).
MappingSet load_checked_tables(const std::string& dir, DiagnosticSink& diags);
// Mapping-table directory: the flag, then $NETCONV_MAPPINGS, then beside the executable, then
// the source tree the binary was built from.
std::string resolve_mappings_dir(const std::string& flag);

// Every input is hashed (pipeline/hashed_inputs.hpp) before the first record: the run id of
// the resources' meta.source is made from the inputs' SHA-256 (core/lineage.hpp).
ConvertSummary convert(const ConvertOptions& options, const MappingSet& tables, DiagnosticSink& diags);

}  // namespace netconv
