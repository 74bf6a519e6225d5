#include "support/records.hpp"

#include <gtest/gtest.h>

#include "support/shipped_tables.hpp"

namespace netconv::test_support {

SourceRecord make_record(const Fields& fields, const std::string& file) {
  SourceRecord r;
  r.location = {file, 2, 1, ""};
  for (const auto& [name, value] : fields) add_field(r, name, value);
  return r;
}

void add_field(SourceRecord& record, const std::string& name, const std::string& value) {
  RawField f;
  f.name = name;
  f.value = value;
  f.location = record.location;
  f.location.field = name;
  record.fields.push_back(f);
}

void set_field(SourceRecord& record, const std::string& name, const std::string& value) {
  bool replaced = false;
  for (auto& f : record.fields)
    if (f.name == name) {
      f.value = value;
      replaced = true;
    }
  if (!replaced) add_field(record, name, value);
}

Fields with_fields(Fields base, const Fields& extra) {
  for (const auto& [name, value] : extra) {
    bool replaced = false;
    for (auto& f : base)
      if (f.first == name) {
        f.second = value;
        replaced = true;
      }
    if (!replaced) base.emplace_back(name, value);
  }
  return base;
}

RecordOutcome map_with_shipped_tables(const SourceRecord& record, MapperOptions options) {
  return Mapper(shipped_tables(), options).map(record);
}

model::PatientCases patient_cases(const RecordOutcome& outcome) {
  EXPECT_EQ(outcome.kind, RecordOutcome::Kind::converted) << (outcome.reasons.empty() ? "" : outcome.reasons[0].message);
  model::PatientCases pc;
  pc.patient = outcome.net_case.patient;
  pc.cases.push_back(outcome.net_case);
  return pc;
}

std::string field_value(const SourceRecord& record, const std::string& name, const std::string& absent) {
  const auto* f = record.get(name);
  return f ? f->value : absent;
}

}  // namespace netconv::test_support
