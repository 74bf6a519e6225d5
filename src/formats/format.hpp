// Formats as registered units. An input format is a name, the file extensions that hint at it, a
// sniffer that recognises it from the first bytes of an input, and a reader factory. An output
// format is a name, a writer factory, a checker factory (what checks each output before it is
// written, and what `netconv validate` runs on a file of that format), the file extensions
// `validate` hands to it, and how explain and check-mappings see the units of a rendered chunk.
//
// Each format lives in its own file (src/formats/<name>.cpp) with one register_<name>_format()
// function; builtin_formats() calls each of them once, in src/formats/builtin.cpp. Nothing else
// in the program names a format: convert, validate, explain, check-mappings and the CLI's help
// ask the registry. A library user (or a test) copies builtin_formats(), adds its own formats and
// passes the registry in the options of convert(), validate_files() or explain().
#pragma once
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostics.hpp"
#include "mapping/mapping_set.hpp"
#include "readers/reader.hpp"
#include "validation/checker.hpp"
#include "writers/writer.hpp"

namespace netconv {

// What a sniffer says about the first bytes of an input.
enum class Sniff {
  no,         // not this format
  yes,        // this format (the content says so)
  undecided,  // more bytes are needed (the caller reads more, up to kSniffBytes, then stops asking)
};
constexpr std::size_t kSniffBytes = 16 * 1024;

struct InputFormat {
  std::string name;     // the --from value, e.g. "csv"
  std::string summary;  // one line for --help
  std::vector<std::string> extensions;  // lower-case, with the dot; a hint when the content does not decide
  std::function<Sniff(std::string_view head)> sniff;  // empty: never recognised by content
  // The run's mapping tables are passed for formats whose records need translating before they
  // are grouped (NAACCR item codes); readers themselves never see them.
  std::function<std::unique_ptr<RecordReader>(std::istream&, const ReaderConfig&, DiagnosticSink&, const MappingSet&)> open;
};

// What a checker is loaded with (the CLI's --fhir-packages, --fhir-schema, --cda-schema, ...).
struct CheckerOptions {
  std::string fhir_packages, fhir_schema, cda_schema;
  std::string profile;           // validate --profile: also check every unit against this profile
  bool validation_cache = true;  // --no-validation-cache turns the verdict-neutral caches off
  // true for convert: only what the format's own writer emits is checked, so a checker may load
  // less (validate checks files from anywhere)
  bool own_output_only = false;
};

// Violations of a rendered patient's output, by the record key they belong to ("" = every record
// of the patient).
using FailedRecords = std::map<std::string, std::vector<Diagnostic>>;

// One verdict of `netconv validate`: a resource, a Bundle envelope, a document. Each issue is a
// Diagnostic: code = the rule, location = {file, line, 0, path in the unit}.
struct CheckedUnit {
  std::string file;
  std::uint64_t line = 0;
  std::string label;  // "Condition/abc", "entry[2] Condition/abc", "CDA"
  std::vector<Diagnostic> issues;
  bool failed() const;
};

// An output format's checker: loaded once (it may take seconds), then used from every worker
// thread at once (const methods are thread-safe for distinct sessions). What a check learns or
// reuses lives in the CheckSession the caller passes in (validation/checker.hpp): one per worker.
class OutputChecker {
 public:
  virtual ~OutputChecker() = default;
  // Adds the violations of one rendered patient's output (errors only) to `failed`.
  virtual void check(CheckSession& session, const RenderedPatient& out, FailedRecords& failed) const = 0;
  // One whole file given to `netconv validate`; each verdict goes to `emit`, in file order.
  virtual void check_file(CheckSession& session, const std::string& path, std::string_view text,
                          const std::function<void(CheckedUnit)>& emit) const = 0;
};

// Helpers explain and check-mappings use to look into a rendered chunk without knowing its format.
struct OutputUnit {
  std::string_view bytes;  // one checkable unit: a resource, a document
  std::string label;       // how findings name it, e.g. "Condition/abc" or the chunk's path
};

// check-mappings' round trip: a value one unit carries that a mapping table put there, with
// what the format's own type rules say about it. check-mappings traces it back to the table row.
struct CodedValue {
  enum class Kind {
    system,     // a code system's URI (code-systems.tsv)
    code,       // a code of `system` (concepts.tsv)
    canonical,  // a profile or other canonical URL taken from a constant
    uri,        // a URI taken from a constant (findings do not quote it)
    ucum_unit,  // a unit of measure, checked against UCUM by check-mappings itself
  };
  Kind kind = Kind::code;
  std::string path;    // where in the unit, e.g. "Condition.code.coding.system"
  std::string value;
  std::string system;  // kind code: the system URI the code belongs to
  std::string invalid; // why the format's own type rules reject the value ("" = valid)
};
struct UnitCodes {
  std::string unreadable;  // why the unit cannot be read at all ("" = it can), e.g. "is not a JSON object"
  std::vector<CodedValue> values;
};

struct OutputFormat {
  std::string name;     // the --to value, e.g. "fhir"
  std::string summary;  // one line for --help
  // The folder below the output directory its files go to (its writer's directory()). A run owns
  // the folders of every registered format: it replaces or removes an earlier run's.
  std::string directory;
  std::function<std::unique_ptr<OutputWriter>(const WriterOptions&, const MappingSet&)> writer;
  std::function<std::unique_ptr<OutputChecker>(const CheckerOptions&)> checker;  // empty: not checked
  std::vector<std::string> file_extensions;  // files `validate` hands to the checker (lower-case, with the dot)
  // The units of one rendered chunk, in order (a unit that cannot be read gets an empty label).
  std::function<std::vector<OutputUnit>(const OutputChunk&)> units;
  // explain: a few indented lines saying what one unit holds (codings, templates).
  std::function<void(const OutputChunk&, const OutputUnit&, std::ostream&)> describe;
  // How people name the format and its units, in check-mappings' report and notes: "FHIR" and
  // "resource" give "3 FHIR resource(s)" and the JSON count "fhir_resources" (name_unit + "s").
  std::string title, unit_noun;
  // The mapping table that holds the writer's constants: where check-mappings locates a writer
  // that cannot start.
  std::string constants_table;
  // check-mappings: whether a unit reads and the coded values it carries; empty = none to look at.
  std::function<void(const OutputUnit&, UnitCodes&)> coded_values;
};

class FormatRegistry {
 public:
  // Throws std::logic_error when the name is already taken: a format is registered once.
  void add(InputFormat f);
  void add(OutputFormat f);

  const InputFormat* input(std::string_view name) const;    // nullptr when unknown
  const OutputFormat* output(std::string_view name) const;  // nullptr when unknown
  const std::vector<InputFormat>& inputs() const { return inputs_; }
  const std::vector<OutputFormat>& outputs() const { return outputs_; }
  // "csv, ndjson or naaccr-xml": for messages and help.
  std::string input_names(const char* last_separator = " or ") const;
  std::string output_names(const char* last_separator = " or ") const;

  // The input format of an input: the one whose sniffer says yes to `head` (when several do, the
  // one the extension of `path` names), else the one the extension names, else the first
  // registered. `head` may be all of the input.
  const InputFormat& detect(std::string_view head, const std::string& path) const;
  // The output format whose file_extensions hold the extension of `path`; nullptr when none.
  const OutputFormat* output_for_file(const std::string& path) const;

  // The output formats' folders, in registration order.
  std::vector<std::string> output_directories() const;
  // Throws ConfigError naming the known formats when one is unknown.
  std::vector<std::unique_ptr<OutputWriter>> make_writers(const std::vector<std::string>& names, const WriterOptions& o,
                                                          const MappingSet& tables) const;

 private:
  std::vector<InputFormat> inputs_;
  std::vector<OutputFormat> outputs_;
};

// The formats netconv ships, registered once (src/formats/builtin.cpp); never changes afterwards.
const FormatRegistry& builtin_formats();
// Adds the shipped formats to `r` (what builtin_formats() holds); a library user starts from it.
void register_builtin_formats(FormatRegistry& r);

// `head` without a leading UTF-8 byte order mark and white space (what sniffers look past).
std::string_view skip_bom_and_space(std::string_view head);

// The lower-cased extension of a path, with its dot ("" when none).
std::string lower_extension(const std::string& path);

}  // namespace netconv
