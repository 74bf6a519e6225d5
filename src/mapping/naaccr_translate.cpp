#include "mapping/naaccr_translate.hpp"

#include <algorithm>
#include <map>

namespace netconv::naaccr {
namespace {

const RawField* find_item(const SourceRecord& rec, const std::string& id) {
  for (const auto& f : rec.items)
    if (f.name == id) return &f;
  return nullptr;
}

struct Pick {
  const ItemRow* row;
  const RawField* item;
  bool informative;
};

// Fields fed by several items: an informative value (not one of the row's skip values) beats an
// uninformative one, then the lowest priority wins; ties keep the earlier row.
std::map<std::string, Pick> choose_items(const SourceRecord& rec, const Tables& tables) {
  std::map<std::string, Pick> chosen;
  for (const auto& row : tables.items) {
    const RawField* s = find_item(rec, row.naaccr_id);
    if (!s) continue;
    bool informative = std::find(row.skip_values.begin(), row.skip_values.end(), s->value) == row.skip_values.end();
    auto it = chosen.find(row.field);
    if (it == chosen.end()) {
      chosen.emplace(row.field, Pick{&row, s, informative});
      continue;
    }
    auto& cur = it->second;
    if ((informative && !cur.informative) || (informative == cur.informative && row.priority < cur.row->priority)) cur = {&row, s, informative};
  }
  return chosen;
}

// One chosen item's fields by its row's transform.
void add_fields(const SourceRecord& rec, const Tables& tables, const std::string& target, const Pick& pick, std::vector<RawField>& out,
                std::vector<Diagnostic>& problems) {
  const auto& row = *pick.row;
  const auto* s = pick.item;
  auto add = [&](const std::string& name, std::string value) { out.push_back({name, std::move(value), {}, false, s->location}); };
  if (row.transform == "copy" || row.transform == "identifier") {
    add(target, s->value);
  } else if (row.transform == "template") {
    std::string v = row.templ;
    v.replace(v.find("{value}"), 7, s->value);
    add(target, v);
  } else if (row.transform == "ki67") {
    bool numeric = !s->value.empty() && std::all_of(s->value.begin(), s->value.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
    add(numeric ? target : "naaccr." + row.naaccr_id, s->value);
  } else if (row.transform == "code") {
    add("naaccr." + row.naaccr_id, s->value);
    const auto* vr = tables.value(row.naaccr_id, s->value);
    if (!vr) {
      problems.push_back({Severity::error, "NC-NAACCR-031", s->location,
                              rec.place + "code is not one of the item's codes (naaccr-values.tsv)", s->value});
    } else if (!vr->field.empty()) {
      add(vr->field, vr->value);
    }
  }
}

class TranslatingReader : public RecordReader {
 public:
  TranslatingReader(std::unique_ptr<RecordReader> raw, const Tables& tables) : raw_(std::move(raw)), tables_(tables) {}
  bool next(SourceRecord& rec) override {
    if (!raw_->next(rec)) return false;
    translate_items(rec, tables_);
    return true;
  }
  std::uint64_t bytes_read() const override { return raw_->bytes_read(); }
  bool failed() const override { return raw_->failed(); }

 private:
  std::unique_ptr<RecordReader> raw_;
  const Tables& tables_;
};

}  // namespace

void translate_items(SourceRecord& rec, const Tables& tables) {
  if (rec.items.empty()) return;
  std::vector<RawField> fields;
  std::vector<Diagnostic> problems;
  fields.reserve(rec.fields.size() + tables.items.size());
  for (const auto& [target, pick] : choose_items(rec, tables)) add_fields(rec, tables, target, pick, fields, problems);
  for (auto& f : rec.fields) fields.push_back(std::move(f));
  rec.fields = std::move(fields);
  rec.items.clear();
  // the tumor's code problems belong with its item problems, before what the reader added when
  // the file stopped inside the patient (NC-NAACCR-012)
  auto at = std::find_if(rec.problems.begin(), rec.problems.end(), [](const Diagnostic& d) { return d.code == "NC-NAACCR-012"; });
  rec.problems.insert(at, std::make_move_iterator(problems.begin()), std::make_move_iterator(problems.end()));
}

std::unique_ptr<RecordReader> translating_reader(std::unique_ptr<RecordReader> raw, const MappingSet& tables) {
  return std::make_unique<TranslatingReader>(std::move(raw), tables.naaccr_tables());
}

}  // namespace netconv::naaccr
