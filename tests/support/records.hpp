// Builders of the records and cases the unit tests feed to the mapper and the writers: a source
// record as a reader hands it over, mapped by the shipped tables, and the converted case in the
// shape the writers take. One definition, so that every test builds its input the same way.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "mapping/mapper.hpp"
#include "model/net_case.hpp"
#include "readers/reader.hpp"

namespace netconv::test_support {

// Field name and raw value, in the order a reader would deliver them.
using Fields = std::vector<std::pair<std::string, std::string>>;

// The patient-id system every test's mapper uses.
inline const char* const kTestPatientIdSystem = "urn:test:pid";

// A record of `fields` (repeated names kept, as a reader would) from line 2, column 1 of `file`;
// each field located there under its name.
SourceRecord make_record(const Fields& fields, const std::string& file = "t.csv");

// Appends field `name` located like the record.
void add_field(SourceRecord& record, const std::string& name, const std::string& value);

// Sets every field named `name` to `value`, or appends one located like the record when none is.
void set_field(SourceRecord& record, const std::string& name, const std::string& value);

// `base` with each of `extra` replacing the value of the same name, or appended when new.
Fields with_fields(Fields base, const Fields& extra);

// The record mapped by the shipped tables (support/shipped_tables.hpp).
RecordOutcome map_with_shipped_tables(const SourceRecord& record, MapperOptions options = {kTestPatientIdSystem});

// The mapped record's patient and its one case, as the writers take them. A record the mapper did
// not convert fails the calling test (non-fatally), naming the first reason.
model::PatientCases patient_cases(const RecordOutcome& outcome);

// The value of field `name`, or `absent` when the record has none.
std::string field_value(const SourceRecord& record, const std::string& name, const std::string& absent = "<absent>");

}  // namespace netconv::test_support
