#include "pipeline/grouping.hpp"

#include <algorithm>

#include "core/sha256.hpp"

namespace netconv {

namespace {

std::string_view tumor_of(const SourceRecord& rec) {
  const auto* t = rec.get("tumor_id");
  return t ? std::string_view(t->value) : std::string_view();
}

}  // namespace

void PatientGrouper::end_patient() {
  if (item_.patients.empty()) return;
  auto& p = item_.patients.back();
  // a too_many patient's records are keys only and all rejected: they stay in input order
  if (p.too_many) return;
  auto by_tumor = [](const SourceRecord& a, const SourceRecord& b) { return tumor_of(a) < tumor_of(b); };
  if (!std::is_sorted(p.records.begin(), p.records.end(), by_tumor)) std::stable_sort(p.records.begin(), p.records.end(), by_tumor);
}

void PatientGrouper::start_patient(const std::string& id) {
  end_patient();
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
  append(std::move(rec));
}

void PatientGrouper::add_sorted(SourceRecord&& rec, const std::string& patient, std::uint64_t group) {
  bool same = !patient.empty() && !item_.patients.empty() && patient == current_patient_;
  if (!same) {
    end_patient();
    if (item_records_ >= batch_) flush();
    item_.patients.emplace_back();
    current_patient_ = patient;
    current_rows_ = 0;
  } else if (group != current_group_) {
    // the same id in a later NAACCR Patient element: its tumors are numbered from 1 again, so it
    // cannot join the first element's patient (README "Unsorted exports")
    end_patient();
    if (item_records_ >= batch_) flush();
    PatientRecords p;
    p.reappeared = p.other_element = true;
    item_.patients.push_back(std::move(p));
    current_rows_ = 0;
  }
  current_group_ = group;
  append(std::move(rec));
}

void PatientGrouper::append(SourceRecord&& rec) {
  if (++current_rows_ > max_rows_) {
    // beyond the bound the patient is rejected whole: its records shrink to their keys and go
    // on in batches, so one patient cannot hold the run's memory
    if (!item_.patients.back().too_many) {
      item_.patients.back().too_many = true;
      for (auto& r : item_.patients.back().records) keep_key_only(r);
    } else if (item_records_ >= batch_) {
      flush();
      item_.patients.push_back(PatientRecords{{}, false, true, true, false});
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
  end_patient();
  item_.reader_diagnostics = std::move(reader_diags_.items);
  reader_diags_.items.clear();
  if (item_.patients.empty() && item_.reader_diagnostics.empty()) return;
  submit_(std::move(item_));
  item_ = WorkItem{};
  item_records_ = 0;
}

}  // namespace netconv
