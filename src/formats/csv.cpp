// The registry CSV contract as an input format: the fallback when nothing else recognises an input.
#include "formats/format.hpp"

namespace netconv {

void register_csv_format(FormatRegistry& r) {
  InputFormat f;
  f.name = "csv";
  f.summary = "registry CSV contract (RFC 4180, a header row)";
  f.extensions = {".csv"};
  // CSV has no signature: it is what an input is when no other format recognises it
  f.open = [](std::istream& in, const ReaderConfig& cfg, DiagnosticSink& diags, const MappingSet&) {
    return make_csv_reader(in, cfg, diags);
  };
  r.add(std::move(f));
}

}  // namespace netconv
