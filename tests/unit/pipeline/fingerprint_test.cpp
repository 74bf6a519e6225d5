// Input fingerprints: the same records in another order or on other lines give the same
// fingerprint; a field's value, an output option or the mapping tables give another one.
#include "pipeline/fingerprint.hpp"

#include <gtest/gtest.h>

namespace netconv {
namespace {

SourceRecord record(const std::string& tumor, const std::string& grade, std::size_t line) {
  SourceRecord r;
  r.location.file = "in.csv";
  r.location.line = line;
  for (auto [name, value] : {std::pair<std::string, std::string>{"patient_id", "P1"}, {"tumor_id", tumor}, {"grade", grade}}) {
    RawField f;
    f.name = name;
    f.value = value;
    f.location = r.location;
    r.fields.push_back(f);
  }
  return r;
}

const std::vector<SourceRecord> kRecords = {record("1", "G1", 2), record("2", "G2", 3)};

TEST(Fingerprint, SameRecordsInAnotherOrderOrPlaceMatch) {
  const InputFingerprinter f(ConvertOptions{}, "tables-a");
  const ContentHash base = f.patient(kRecords);
  EXPECT_EQ(f.patient({record("1", "G1", 90), record("2", "G2", 91)}), base);  // other lines
  EXPECT_EQ(f.patient({record("2", "G2", 7), record("1", "G1", 9)}), base);    // re-sorted export
  auto moved = kRecords;
  moved[0].location.file = "other.csv";
  EXPECT_EQ(f.patient(moved), base);
}

TEST(Fingerprint, AFieldChangesIt) {
  const InputFingerprinter f(ConvertOptions{}, "tables-a");
  const ContentHash base = f.patient(kRecords);
  EXPECT_NE(f.patient({record("1", "G1", 2), record("2", "G3", 3)}), base);
  EXPECT_NE(f.patient({record("1", "G1", 2)}), base);  // a tumor removed
  auto list = kRecords;
  list[1].fields[2].is_list = true;
  list[1].fields[2].items = {"G2"};
  EXPECT_NE(f.patient(list), base);
  auto item = kRecords;
  item[0].items.push_back(item[0].fields[2]);  // a NAACCR item
  EXPECT_NE(f.patient(item), base);
  // pieces are length-prefixed: moving a byte from one value to the next is a change
  EXPECT_NE(f.patient({record("1", "G1", 2), record("2", "G2x", 3)}), f.patient({record("1", "G1x", 2), record("2", "G2", 3)}));
}

TEST(Fingerprint, TablesVersionAndOutputOptionsChangeIt) {
  const ContentHash base = InputFingerprinter(ConvertOptions{}, "tables-a").patient(kRecords);
  EXPECT_NE(InputFingerprinter(ConvertOptions{}, "tables-b").patient(kRecords), base);
  EXPECT_NE(InputFingerprinter(ConvertOptions{}, "tables-a").settings().find(NETCONV_VERSION), std::string::npos);
  const std::vector<std::pair<const char*, void (*)(ConvertOptions&)>> changes = {
      {"to", [](ConvertOptions& o) { o.to = {"fhir", "cda"}; }},
      {"from", [](ConvertOptions& o) { o.from = "ndjson"; }},
      {"fhir layout", [](ConvertOptions& o) { o.writer.fhir_layout = "bundle"; }},
      {"cda layout", [](ConvertOptions& o) { o.writer.cda_layout = "entries"; }},
      {"patient id system", [](ConvertOptions& o) { o.patient_id_system = "urn:x"; }},
      {"icd10cm edition", [](ConvertOptions& o) { o.icd10cm_current_edition = true; }},
      {"validate", [](ConvertOptions& o) { o.validate = false; }},
      {"fhir packages", [](ConvertOptions& o) { o.fhir_packages = "/p"; }},
      {"max rows", [](ConvertOptions& o) { o.max_rows_per_patient = 5; }},
  };
  for (const auto& [name, change] : changes) {
    SCOPED_TRACE(name);
    ConvertOptions o;
    change(o);
    EXPECT_NE(InputFingerprinter(o, "tables-a").patient(kRecords), base);
  }
  // what does not decide output bytes leaves it
  ConvertOptions o;
  o.jobs = 7;
  o.batch_records = 3;
  o.output_dir = "elsewhere";
  o.inputs = {"x.csv"};
  o.since = "prev";
  EXPECT_EQ(InputFingerprinter(o, "tables-a").patient(kRecords), base);
}

}  // namespace
}  // namespace netconv
