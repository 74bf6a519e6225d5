#include "mapping/concepts/record_context.hpp"

#include "core/ids.hpp"
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

std::string RecordContext::next_ordinal(const std::string& key) {
  for (auto& [k, n] : ordinals)
    if (k == key) return std::to_string(++n);
  ordinals.emplace_back(key, 1);
  return "1";
}

bool RecordContext::take_item_id(std::string& item, std::string& id, const char* field) {
  id.clear();
  auto hash = item.rfind('#');
  if (hash == std::string::npos) return true;
  id = std::string(trim(std::string_view(item).substr(hash + 1)));
  item.erase(hash);
  if (!valid_item_id(id)) {
    reject(field, "NC-ID-001", std::string(field) + ": item id after '#' must be 1-64 letters, digits, '.', '_' or '-'");
    return false;
  }
  if (!item_ids.insert(id).second) {
    reject(field, "NC-ID-002", std::string(field) + ": item id is already used by another item of this tumor");
    return false;
  }
  return true;
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
