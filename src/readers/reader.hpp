// Record readers: one per input format, each yielding one source record at a time with its
// location, in constant memory. Readers know framing (CSV quoting, JSON syntax, XML structure),
// not meaning: values are mapped later by the mapper.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostics.hpp"
#include "model/source_record.hpp"

namespace netconv {

class RecordReader {
 public:
  virtual ~RecordReader() = default;
  // Fills `rec` with the next record; false at end of input. File-level problems that stop the
  // file (unreadable header, malformed XML) are reported to the sink and end the input.
  virtual bool next(SourceRecord& rec) = 0;
  // Bytes consumed so far, for progress.
  virtual std::uint64_t bytes_read() const = 0;
  // True when the file stopped early on a file-level problem.
  virtual bool failed() const = 0;
};

// Optional mapping of a site's own header names onto contract names (--columns FILE).
struct ColumnMap {
  std::vector<std::pair<std::string, std::string>> renames;  // source -> contract
  std::string_view rename(std::string_view header) const;
};
ColumnMap load_column_map(const std::string& path);  // throws ConfigError

// The contract's column names (registry CSV contract 1.0, and 1.1 additions).
const std::vector<std::string>& contract_columns();
bool is_list_column(std::string_view name);
// Fields a reader may add beside the contract's (patient_id_system, tumor_key, naaccr.*); they
// never come from CSV/NDJSON headers.
bool is_reader_internal_field(std::string_view name);

struct ReaderConfig {
  std::string display_name;  // how the input is named in diagnostics
  const ColumnMap* columns = nullptr;
  std::size_t max_record_bytes = 1 << 20;  // longer records are rejected, never buffered whole (every byte counts)
  std::size_t max_fields = 1024;            // CSV: fields per record (header included); more: NC-CSV-012
  std::size_t max_quoted_lines = 32;        // CSV: line breaks one quoted field may span; more: NC-CSV-004, resume
  std::size_t max_records_per_patient = 1000;  // NAACCR: tumors held until their Patient ends; beyond, passed on as read
  std::string naaccr_dictionary;  // --naaccr-dictionary FILE (user or base dictionary), "" = built in
  std::string mappings_dir;       // mapping tables directory (NAACCR dictionary); "" = resolve_data_path's default
};

std::unique_ptr<RecordReader> make_csv_reader(std::istream& in, const ReaderConfig& cfg, DiagnosticSink& diags);
std::unique_ptr<RecordReader> make_naaccr_reader(std::istream& in, const ReaderConfig& cfg, DiagnosticSink& diags);
std::unique_ptr<RecordReader> make_ndjson_reader(std::istream& in, const ReaderConfig& cfg, DiagnosticSink& diags);

}  // namespace netconv
