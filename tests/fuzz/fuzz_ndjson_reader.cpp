// libFuzzer target: the NDJSON reader (src/readers/ndjson_reader.cpp) on arbitrary bytes, with the
// default line limit and with a tiny one.
#include <sstream>

#include "fuzz_common.hpp"
#include "readers/reader.hpp"

using namespace netconv;

static void read_all(const std::string& text, std::size_t max_bytes) {
  std::istringstream in(text);
  CollectingSink sink;
  ReaderConfig cfg;
  cfg.display_name = "fuzz.ndjson";
  cfg.max_record_bytes = max_bytes;
  auto reader = make_ndjson_reader(in, cfg, sink);
  SourceRecord rec;
  std::size_t records = 0, line_ends = 0;
  for (char c : text) line_ends += c == '\n';
  while (reader->next(rec)) {
    if (++records > line_ends + 1) fuzz::finding("more records than lines");
    if (rec.location.line == 0) fuzz::finding("record without a line");
    for (const auto& f : rec.fields) {
      if (f.value.size() > max_bytes) fuzz::finding("field longer than the line limit");
      if (f.is_list != is_list_column(f.name) && f.is_list) fuzz::finding("list in a scalar field");
    }
    for (const auto& p : rec.problems) fuzz::check_diagnostic(p);
  }
  if (reader->bytes_read() > text.size()) fuzz::finding("read more bytes than given");
  for (const auto& d : sink.items) fuzz::check_diagnostic(d);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text = fuzz::as_string(data, size);
  read_all(text, 1 << 20);
  read_all(text, 24);
  return 0;
}
