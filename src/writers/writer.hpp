// Output writers: one per output format, registered with its format (formats/format.hpp). A writer
// renders one patient's converted cases into chunks of bytes for files below the output
// directory; the pipeline appends the chunks in input order, so rendering may run on any thread.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/net_case.hpp"

namespace netconv {

class MappingSet;  // writers read it once, into their render contexts, when they are made

struct OutputChunk {
  std::string path;  // relative to the output directory, e.g. fhir/Patient.ndjson
  std::string bytes;
  bool whole_file = false;  // true: the chunk is a complete file (CDA documents)
};

// A piece of a chunk the validators check on its own (one FHIR resource, one CDA document).
// The views are valid while the PatientCases it was rendered from are (one is made per output
// resource: no allocation for them).
struct ValidationTarget {
  std::string_view media;       // fhir-json | cda-xml
  std::string_view record_key;  // input record it belongs to (its NetCase::record_key); "" = the whole patient (e.g. Patient)
  // How diagnostics name it, e.g. "fhir/Condition.ndjson Condition/<id>". Empty for a FHIR
  // resource: named from its chunk's path and its resourceType/id only when it fails, which
  // saves building a string per resource.
  std::string label;
  std::size_t chunk = 0, offset = 0, length = 0;
};

struct RenderedPatient {
  std::vector<OutputChunk> chunks;
  std::vector<ValidationTarget> targets;  // writers that leave this empty get whole-file checks
  // Set by the caller: false when nothing will check the output (--no-validate), so writers
  // need not describe targets (a label string per resource).
  bool describe_targets = true;
  std::map<std::string, std::uint64_t> resource_counts;  // e.g. "fhir:Condition" -> 3
};

// Buffers a writer reuses from one patient to the next, so that it grows them to a patient's
// size once instead of for every patient. Owned by the caller: one per worker thread or per
// batch of patients, never used by two threads at once. What they hold between two render()
// calls means nothing; any writer may use any of them.
struct RenderScratch {
  struct Span {
    std::size_t tag, offset, length;  // a piece of `text` and the output it belongs to
  };
  std::string text;         // a patient's output before it is cut into chunks
  std::vector<Span> spans;
  std::string document;     // the document being rendered
};

// Where a run's FHIR resources come from (meta.source, Provenance); filled by the conversion
// before the writers are made. Empty fields: nothing is written for them (e.g. `explain`).
struct RunLineage {
  struct Input {
    std::string name;    // as diagnostics name it: the path given, or <stdin>
    std::string sha256;  // of its bytes, lower-case hex
  };
  std::string meta_source;  // urn:netconv:registry:<ID>:run:<run-id> (core/lineage.hpp)
  std::string run_id;
  std::string tables_sha256;
  std::vector<Input> inputs;
};

struct WriterOptions {
  std::string fhir_layout = "bulk";  // bulk | bundle
  std::string fhir_bundle_type = "transaction";  // transaction | batch (bundle layout)
  std::string fhir_base_url;  // "" = fullUrl urn:uuid:<uuid from type and id>; else BASE/Type/id
  bool provenance = false;    // one Provenance per patient (bundle: in its Bundle; bulk: Provenance.ndjson)
  RunLineage lineage;
  std::string cda_layout = "document";  // document | entries
  std::string cda_config;  // path to the CDA header configuration, "" = defaults
};

class OutputWriter {
 public:
  virtual ~OutputWriter() = default;
  virtual std::string name() const = 0;                  // fhir, cda
  virtual std::string directory() const = 0;             // sub-directory it owns
  // Thread-safe: the writer itself is read-only; `scratch` belongs to the calling thread.
  virtual void render(const model::PatientCases& pc, RenderedPatient& out, RenderScratch& scratch) const = 0;
  // The same with buffers of its own (callers that render a patient now and then).
  void render(const model::PatientCases& pc, RenderedPatient& out) const {
    RenderScratch scratch;
    render(pc, out, scratch);
  }
};

// Throws ConfigError for an unknown format name or bad writer options.
std::vector<std::unique_ptr<OutputWriter>> make_writers(const std::vector<std::string>& formats,
                                                        const WriterOptions& options, const MappingSet& tables);

}  // namespace netconv
