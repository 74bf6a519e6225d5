#include "pipeline/input.hpp"

#include "core/errors.hpp"

namespace netconv {

namespace {

bool any_undecided(const FormatRegistry& formats, std::string_view head) {
  for (const auto& f : formats.inputs())
    if (f.sniff && f.sniff(head) == Sniff::undecided) return true;
  return false;
}

}  // namespace

const InputFormat& choose_input_format(InputFile& file, const std::string& path, const std::string& from,
                                       const FormatRegistry& formats) {
  if (!from.empty()) {
    if (const auto* f = formats.input(from)) return *f;
    throw ConfigError("unknown input format '" + from + "' (expected " + formats.input_names() + ")");
  }
  // read ahead only until every sniffer has decided: a pipe's writer may be slow or interactive
  std::string_view head = file.read_ahead(kSniffBytes);
  while (any_undecided(formats, head) && head.size() < kSniffBytes) {
    auto before = head.size();
    head = file.read_ahead(kSniffBytes);
    if (head.size() == before) break;  // the input ended (or an interrupt came)
  }
  return formats.detect(head, path == "-" ? "" : path);
}

OpenedInput::OpenedInput(const std::string& path, const std::string& from, const FormatRegistry& formats, ReaderConfig cfg,
                         DiagnosticSink& diags, const MappingSet& tables)
    : file_(path), stream_(&file_) {
  format_ = &choose_input_format(file_, path, from, formats);
  reader_ = format_->open(stream_, cfg, diags, tables);
}

ReaderConfig reader_config(const ConvertOptions& opt, const MappingSet& tables, const ColumnMap& columns,
                           std::string display_name) {
  ReaderConfig cfg;
  cfg.display_name = std::move(display_name);
  cfg.columns = columns.renames.empty() ? nullptr : &columns;
  cfg.naaccr_dictionary = opt.naaccr_dictionary;
  cfg.mappings_dir = tables.dir();
  cfg.max_records_per_patient = opt.max_rows_per_patient;
  return cfg;
}

void feed_records(RecordReader& reader, PatientGrouper& grouper, const std::function<bool()>& keep_going,
                  const std::function<void()>& after_record) {
  SourceRecord rec;
  while (keep_going() && reader.next(rec)) {
    grouper.add(std::move(rec));
    rec = SourceRecord{};
    after_record();
  }
}

}  // namespace netconv
