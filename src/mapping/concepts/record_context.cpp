#include "mapping/concepts/record_context.hpp"

#include "core/text.hpp"

namespace netconv::concepts {

std::vector<std::string> RecordContext::items(std::string_view name) const {
  const auto* f = rec.get(name);
  std::vector<std::string> r;
  if (!f) return r;
  if (f->is_list) {
    for (const auto& i : f->items)
      if (!i.empty()) r.push_back(i);
    return r;
  }
  if (f->value.empty()) return r;
  for (auto& i : split(f->value, '|')) {
    auto s = std::string(trim(i));
    if (!s.empty()) r.push_back(s);
  }
  return r;
}

bool RecordContext::first_time(const std::string& key) {
  for (const auto* k : seen_concepts)
    if (*k == key) return false;
  seen_concepts.push_back(&key);
  return true;
}

void merge_codings(model::Concept& into, const model::Concept& from) {
  for (const auto& c : from.codings) into.codings.push_back(c);
}

}  // namespace netconv::concepts
