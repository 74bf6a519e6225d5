// check-mappings rule NC-MAP-046: a broader code standing in for a registry term
// hides the difference between terms (bland embolization and chemoembolization share 41209002),
// so every row marked as a stand-in carries the term it stands for.
#include <algorithm>
#include <cctype>
#include <set>

#include "commands/check_internal.hpp"

namespace netconv::check_detail {
namespace {

bool marked_stand_in(std::string note) {
  std::transform(note.begin(), note.end(), note.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return note.find("stand-in") != std::string::npos;
}

}  // namespace

void check_stand_ins(TableCheck& c) {
  const auto& si = c.raw["stand-ins.tsv"];
  std::set<std::pair<std::string, std::string>> with_text;
  for (const auto& r : si.rows)
    if (!si.cell(r, "text").empty()) with_text.insert({si.cell(r, "concept"), si.cell(r, "slot")});
  const auto& ct = c.raw["concepts.tsv"];
  for (const auto& r : ct.rows) {
    if (ct.cell(r, "verified") != "yes" || !marked_stand_in(ct.cell(r, "note"))) continue;
    const auto& key = ct.cell(r, "concept");
    const auto& slot = ct.cell(r, "slot");
    if (!with_text.count({key, slot}))
      c.error("NC-MAP-046", ct.where(r, "note"),
              "'" + key + "' (" + slot + ") is a stand-in: add the registry term it stands for to stand-ins.tsv, sent as code.text");
  }
}

}  // namespace netconv::check_detail
