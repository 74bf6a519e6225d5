// The contract as NDJSON (one JSON object per line) as an input format.
#include "formats/format.hpp"

namespace netconv {

void register_ndjson_format(FormatRegistry& r) {
  InputFormat f;
  f.name = "ndjson";
  f.summary = "the contract as one JSON object per line";
  f.extensions = {".ndjson", ".jsonl"};
  // a CSV header never starts with '{', a JSON object always does
  f.sniff = [](std::string_view head) {
    head = skip_bom_and_space(head);
    if (head.empty()) return Sniff::undecided;
    return head[0] == '{' ? Sniff::yes : Sniff::no;
  };
  f.open = [](std::istream& in, const ReaderConfig& cfg, DiagnosticSink& diags, const MappingSet&) {
    return make_ndjson_reader(in, cfg, diags);
  };
  r.add(std::move(f));
}

}  // namespace netconv
