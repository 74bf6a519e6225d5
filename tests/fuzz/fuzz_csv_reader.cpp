// libFuzzer target: the registry CSV reader (src/readers/csv_reader.cpp) on arbitrary bytes.
// Each input is read twice: with the default record limit and with a tiny one (so the
// "record too long" path is reached by short inputs), and once with a column map.
#include <sstream>

#include "fuzz_common.hpp"
#include "readers/reader.hpp"

using namespace netconv;

static void read_all(const std::string& text, std::size_t max_bytes, const ColumnMap* cols) {
  std::istringstream in(text);
  CollectingSink sink;
  ReaderConfig cfg;
  cfg.display_name = "fuzz.csv";
  cfg.columns = cols;
  cfg.max_record_bytes = max_bytes;
  auto reader = make_csv_reader(in, cfg, sink);
  SourceRecord rec;
  std::size_t records = 0, line_ends = 0;
  for (char c : text) line_ends += c == '\n' || c == '\r';
  while (reader->next(rec)) {
    if (++records > line_ends + 1) fuzz::finding("more records than lines");
    if (rec.location.line == 0) fuzz::finding("record without a line");
    for (const auto& f : rec.fields) {
      if (f.value.size() > max_bytes) fuzz::finding("field longer than the record limit");
      if (f.location.line == 0) fuzz::finding("field without a line");
    }
    for (const auto& p : rec.problems) fuzz::check_diagnostic(p);
  }
  if (reader->bytes_read() > text.size()) fuzz::finding("read more bytes than given");
  for (const auto& d : sink.items) fuzz::check_diagnostic(d);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text = fuzz::as_string(data, size);
  read_all(text, 1 << 20, nullptr);
  read_all(text, 16, nullptr);
  static const ColumnMap cols{{{"id", "patient_id"}, {"dob", "birth_date"}, {"site", "primary_site"}}};
  read_all(text, 1 << 20, &cols);
  return 0;
}
