// The input part of a conversion: one input (a file or "-" for stdin) opened with InputFile,
// its format chosen (--from, else by content with the extension as a hint: FormatRegistry::detect)
// from bytes read ahead without losing them, and that format's record reader over it.
#pragma once
#include <functional>
#include <istream>
#include <memory>
#include <string>

#include "formats/format.hpp"
#include "pipeline/convert.hpp"
#include "pipeline/grouping.hpp"
#include "pipeline/interrupt.hpp"

namespace netconv {

class OpenedInput {
 public:
  // `from` = "" to detect the format; a name the registry does not know throws ConfigError.
  // Throws IoError when the input cannot be opened.
  OpenedInput(const std::string& path, const std::string& from, const FormatRegistry& formats, ReaderConfig cfg,
              DiagnosticSink& diags, const MappingSet& tables);
  OpenedInput(const OpenedInput&) = delete;
  OpenedInput& operator=(const OpenedInput&) = delete;

  RecordReader& reader() { return *reader_; }
  const InputFormat& format() const { return *format_; }
  // A read error (not an interrupt) ended the input early.
  bool read_failed() const { return stream_.bad() || file_.failed(); }

 private:
  InputFile file_;  // declared first: the stream and the reader read from it
  std::istream stream_;
  const InputFormat* format_ = nullptr;
  std::unique_ptr<RecordReader> reader_;
};

// The format `from` names, or the one detected from the first bytes of `file` (read ahead, up to
// kSniffBytes, until no sniffer is undecided) and the extension of `path`.
const InputFormat& choose_input_format(InputFile& file, const std::string& path, const std::string& from,
                                       const FormatRegistry& formats);

// The reader settings of one input of a conversion: its name in diagnostics, the column renames
// (null when none), the NAACCR dictionary and the per-patient bound. `columns` must outlive the reader.
ReaderConfig reader_config(const ConvertOptions& opt, const MappingSet& tables, const ColumnMap& columns,
                           std::string display_name);

// Hands every record of `reader` to `grouper`, in input order, while `keep_going()` says so;
// `after_record` is called after each one (progress, limits; it may throw to stop). Both the
// folder pipeline and the library's in-memory conversion read their records through it.
void feed_records(RecordReader& reader, PatientGrouper& grouper, const std::function<bool()>& keep_going,
                  const std::function<void()>& after_record);

}  // namespace netconv
