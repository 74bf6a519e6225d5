// Treatments: KIND:AGENT[+AGENT...][@START[/END]][#ID], one resource per agent. Identity: the
// explicit item id and the agent's place in the item, else kind, agent and ordinal (README
// "What ids mean").
#include <algorithm>

#include "core/ids.hpp"
#include "core/text.hpp"
#include "mapping/concepts/record_context.hpp"
#include "mapping/transforms.hpp"

namespace netconv::concepts {
namespace {

struct TreatmentItem {
  std::string kind, agents_text, item_id;
  const KindRow* kind_row = nullptr;
  std::optional<model::PartialDate> start, end;
};

// START[/END]: each date valid, in order, not before birth. False (and a reason) otherwise.
bool parse_treatment_dates(RecordContext& cx, const std::string& dates, TreatmentItem& it) {
  const auto* tf = cx.rec.get("treatments");
  const auto& birth = cx.out.net_case.patient.birth_date;
  auto slash = dates.find('/');
  std::string s = std::string(trim(dates.substr(0, slash)));
  std::string e = slash == std::string::npos ? "" : std::string(trim(dates.substr(slash + 1)));
  if (!s.empty() && !(it.start = parse_partial_date(s))) { cx.reject(tf, "treatments", "NC-DATE-001", "treatment start is not a valid date"); return false; }
  if (!e.empty() && !(it.end = parse_partial_date(e))) { cx.reject(tf, "treatments", "NC-DATE-001", "treatment end is not a valid date"); return false; }
  if (it.start && it.end && it.end->compare(*it.start) < 0) { cx.reject(tf, "treatments", "NC-DATE-003", "treatment ends before it starts"); return false; }
  if (it.start && birth && it.start->compare(*birth) < 0) { cx.reject(tf, "treatments", "NC-DATE-002", "treatment starts before birth_date"); return false; }
  return true;
}

// Splits one item into kind, agents and dates; nullopt (and a reason) when it is malformed.
std::optional<TreatmentItem> parse_treatment(RecordContext& cx, std::string item) {
  const auto* tf = cx.rec.get("treatments");
  std::string item_id;
  if (!cx.take_item_id(item, item_id, "treatments")) return std::nullopt;
  auto colon = item.find(':');
  if (colon == std::string::npos) { cx.reject(tf, "treatments", "NC-TRT-001", "treatment item is not KIND:AGENT[@START[/END]]"); return std::nullopt; }
  TreatmentItem it;
  it.item_id = std::move(item_id);
  it.kind = to_lower(trim(item.substr(0, colon)));
  std::string rest = item.substr(colon + 1), dates;
  if (auto at = rest.find('@'); at != std::string::npos) { dates = rest.substr(at + 1); rest = rest.substr(0, at); }
  it.agents_text = rest;
  it.kind_row = cx.t.kind(it.kind);
  if (!cx.t.value_concept("treatment_kind", it.kind) || !it.kind_row) { cx.reject(tf, "treatments", "NC-TRT-002", "unknown treatment kind"); return std::nullopt; }
  if (!dates.empty() && !parse_treatment_dates(cx, dates, it)) return std::nullopt;
  return it;
}

void add_agents(RecordContext& cx, const TreatmentItem& it) {
  const auto* tf = cx.rec.get("treatments");
  auto& tu = cx.out.net_case.tumor;
  auto agents = split(it.agents_text, '+');
  std::string regimen;
  for (auto& a : agents) { a = to_lower(trim(a)); regimen += (regimen.empty() ? "" : "+") + a; }
  for (std::size_t place = 0; place < agents.size(); ++place) {
    const auto& a = agents[place];
    const auto* ag = cx.t.agent(a);
    if (a.empty() || !ag) { cx.reject(tf, "treatments", "NC-TRT-003", "unknown treatment agent"); continue; }
    if (std::find(ag->kinds.begin(), ag->kinds.end(), it.kind) == ag->kinds.end()) {
      cx.reject(tf, "treatments", "NC-TRT-004", "agent is not given as treatment kind '" + it.kind + "'");
      continue;
    }
    model::Treatment tr;
    tr.kind = it.kind;
    tr.agent = a;
    tr.resource = ag->resource;
    tr.code = cx.t.lookup(ag->concept_key);
    if (!it.kind_row->category_concept.empty()) tr.category = cx.t.lookup(it.kind_row->category_concept);
    tr.start = it.start;
    tr.end = it.end;
    tr.regimen = agents.size() > 1 ? regimen : "";
    auto f = it.item_id.empty() ? cx.tumor_fact({"treatment", it.kind, a, cx.next_ordinal("treatment/" + it.kind + "/" + a)})
                                : cx.tumor_fact({"treatment", "#" + it.item_id, std::to_string(place + 1)});
    tr.resource_id = std::move(f.id);
    tr.stable_key = std::move(f.key);
    tu.treatments.push_back(std::move(tr));
  }
}

}  // namespace

void map_treatments(RecordContext& cx) {
  for (const auto& item : cx.items("treatments"))
    if (auto it = parse_treatment(cx, item)) add_agents(cx, *it);
}

}  // namespace netconv::concepts
