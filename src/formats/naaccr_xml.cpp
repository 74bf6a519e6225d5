// NAACCR XML 1.x (a NaaccrData root element) as an input format.
#include "formats/format.hpp"
#include "mapping/naaccr_translate.hpp"

namespace netconv {
namespace {

// The root element's local name, past the XML declaration, processing instructions, comments and
// a DOCTYPE; "" with `complete` false when `head` ends before it.
std::string_view root_element(std::string_view s, bool& complete) {
  complete = false;
  s = skip_bom_and_space(s);
  while (s.size() >= 2 && s[0] == '<' && (s[1] == '?' || s[1] == '!')) {
    const char* end = s.substr(0, 4) == "<!--" ? "-->" : s[1] == '?' ? "?>" : ">";
    auto close = s.find(end, 2);
    if (close == std::string_view::npos) return {};
    s = skip_bom_and_space(s.substr(close + std::string_view(end).size()));
  }
  if (s.empty() || s[0] != '<') {
    complete = !s.empty();
    return {};
  }
  auto name_end = s.find_first_of(" \t\r\n/>", 1);
  if (name_end == std::string_view::npos) return {};
  complete = true;
  auto name = s.substr(1, name_end - 1);
  if (auto colon = name.find(':'); colon != std::string_view::npos) name.remove_prefix(colon + 1);
  return name;
}

}  // namespace

void register_naaccr_xml_format(FormatRegistry& r) {
  InputFormat f;
  f.name = "naaccr-xml";
  f.summary = "NAACCR XML 1.x (root element NaaccrData)";
  f.extensions = {".xml"};
  f.sniff = [](std::string_view head) {
    bool complete = false;
    auto root = root_element(head, complete);
    if (!complete) return Sniff::undecided;
    return root == "NaaccrData" ? Sniff::yes : Sniff::no;
  };
  // the reader yields raw NAACCR items; the mapping unit translates them into contract fields
  f.open = [](std::istream& in, const ReaderConfig& cfg, DiagnosticSink& diags, const MappingSet& tables) {
    return naaccr::translating_reader(make_naaccr_reader(in, cfg, diags), tables);
  };
  r.add(std::move(f));
}

}  // namespace netconv
