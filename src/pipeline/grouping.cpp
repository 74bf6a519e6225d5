#include "pipeline/grouping.hpp"

#include "core/sha256.hpp"

namespace netconv {

void PatientGrouper::start_patient(const std::string& id) {
  if (item_records_ >= batch_) flush();
  PatientRecords p;
  if (!id.empty()) {
    auto h = sha256(id);
    std::uint64_t key = 0;
    for (int i = 0; i < 8; ++i) key = (key << 8) | h[i];
    p.reappeared = !seen_patients_.insert(key);
  }
  item_.patients.push_back(std::move(p));
  current_patient_ = id;
  current_rows_ = 0;
}

void PatientGrouper::add(SourceRecord&& rec) {
  const auto* pid = rec.get("patient_id");
  std::string id = pid ? pid->value : "";
  bool same = !id.empty() && !item_.patients.empty() && id == current_patient_;
  if (!same) start_patient(id);
  if (++current_rows_ > max_rows_) {
    // beyond the bound the patient is rejected whole: its records shrink to their keys and go
    // on in batches, so one patient cannot hold the run's memory
    if (!item_.patients.back().too_many) {
      item_.patients.back().too_many = true;
      for (auto& r : item_.patients.back().records) keep_key_only(r);
    } else if (item_records_ >= batch_) {
      flush();
      item_.patients.push_back(PatientRecords{{}, false, true, true});
    }
    keep_key_only(rec);
  }
  item_.patients.back().records.push_back(std::move(rec));
  ++item_records_;
}

void PatientGrouper::keep_key_only(SourceRecord& rec) {
  std::vector<RawField> keys;
  for (auto& f : rec.fields)
    if (f.name == "patient_id" || f.name == "tumor_id") keys.push_back(std::move(f));
  rec.fields = std::move(keys);
  rec.problems.clear();
}

void PatientGrouper::flush() {
  item_.reader_diagnostics = std::move(reader_diags_.items);
  reader_diags_.items.clear();
  if (item_.patients.empty() && item_.reader_diagnostics.empty()) return;
  submit_(std::move(item_));
  item_ = WorkItem{};
  item_records_ = 0;
}

}  // namespace netconv
