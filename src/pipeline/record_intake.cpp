#include "pipeline/record_intake.hpp"

#include <algorithm>
#include <cstdio>
#include <numeric>

namespace netconv {

namespace {

const std::string* field_value(const SourceRecord& rec, std::string_view name) {
  const auto* f = rec.get(name);
  return f ? &f->value : nullptr;
}

}  // namespace

RecordIntake::RecordIntake(bool presorted, std::size_t memory_bytes, PatientGrouper& grouper, DiagnosticSink& diags,
                           int staging_fd, const std::string& staging_path)
    : grouper_(grouper), diags_(diags) {
  if (!presorted) sorter_ = std::make_unique<RecordSorter>(staging_fd, staging_path, "sort-records", RecordSorter::Limits{memory_bytes, 16});
}

DiagnosticSink& RecordIntake::reader_diagnostics() { return sorter_ ? diags_ : grouper_.reader_diagnostics(); }

// A NAACCR record's Patient element: the position of its first record (0 for formats without
// elements). The reader names each tumor's element in `place` ("patient 3, tumor 2: "); a
// patient without tumors is one record, its own element.
std::uint64_t RecordIntake::element_of(const SourceRecord& rec, std::uint64_t position) {
  if (rec.get("naaccr.no_tumor")) {
    last_element_.clear();
    return position;
  }
  if (rec.place.empty()) return 0;
  std::string element = rec.place.substr(0, rec.place.find_first_of(",:"));
  if (element != last_element_) {
    last_element_ = std::move(element);
    last_element_start_ = position;
  }
  return last_element_start_;
}

void RecordIntake::add(SourceRecord&& rec) {
  if (!sorter_) {
    grouper_.add(std::move(rec));
    return;
  }
  std::uint64_t position = ++position_;
  SortKey key;
  if (const auto* p = field_value(rec, "patient_id")) key.patient = *p;
  if (const auto* t = field_value(rec, "tumor_id")) key.tumor = *t;
  key.group = element_of(rec, position);
  key.position = position;
  sorter_->add(std::move(key), std::move(rec));
}

void RecordIntake::finish(const std::function<bool()>& stop) {
  if (sorter_ && !(stop && stop()))
    sorter_->drain([this](SortedRecord&& e) { grouper_.add_sorted(std::move(e.record), e.key.patient, e.key.group); }, stop);
  grouper_.flush();
}

RejectOrder::RejectOrder(bool items_in_input_order, std::size_t memory_bytes, int staging_fd, const std::string& staging_path,
                         const std::vector<std::string>& inputs) {
  for (std::size_t i = 0; i < inputs.size(); ++i) input_index_.emplace(inputs[i], i);
  if (!items_in_input_order)
    sorter_ = std::make_unique<RecordSorter>(staging_fd, staging_path, "sort-rejects", RecordSorter::Limits{memory_bytes, 16});
}

// (input index, line, arrival): an input's lines in order; fixed-width line numbers compare as
// numbers do.
SortKey RejectOrder::key_of(const Location& origin) {
  SortKey k;
  auto it = input_index_.find(origin.file);
  k.group = it == input_index_.end() ? input_index_.size() : it->second;
  char line[24];
  std::snprintf(line, sizeof line, "%020llu", static_cast<unsigned long long>(origin.line));
  k.tumor = line;
  k.position = ++arrival_;
  return k;
}

void RejectOrder::take(WorkResult& r, const std::function<void(const std::string&)>& write) {
  if (r.rejects.empty()) return;
  std::vector<std::string_view> lines;
  std::string_view all(r.rejects);
  for (std::size_t at = 0; at < all.size();) {
    auto nl = all.find('\n', at);
    lines.push_back(all.substr(at, nl - at + 1));
    at = nl + 1;
  }
  std::vector<SortKey> keys;
  for (std::size_t i = 0; i < lines.size(); ++i) keys.push_back(key_of(i < r.reject_origins.size() ? r.reject_origins[i] : Location{}));
  if (sorter_) {
    // sorted with the others at the end: the line travels as a record's one field
    for (std::size_t i = 0; i < lines.size(); ++i) {
      SourceRecord rec;
      rec.fields.push_back({"line", std::string(lines[i]), {}, false, {}});
      sorter_->add(std::move(keys[i]), std::move(rec));
    }
    return;
  }
  std::vector<std::size_t> order(lines.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return keys[a] < keys[b]; });
  std::string out;
  out.reserve(r.rejects.size());
  for (auto i : order) out += lines[i];
  write(out);
}

void RejectOrder::finish(const std::function<void(const std::string&)>& write, const std::function<bool()>& stop) {
  if (!sorter_) return;
  std::string out;
  sorter_->drain([&](SortedRecord&& e) {
    out += e.record.fields.front().value;
    if (out.size() >= (64u << 10)) {
      write(out);
      out.clear();
    }
  }, stop);
  if (!out.empty()) write(out);
}

}  // namespace netconv
