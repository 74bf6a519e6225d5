// Hostile input, second round (issue J §5-7, docs/security.md "Limits"): every byte of a CSV
// record counts toward its limit, fields per record are capped, a runaway quoted field gives back
// the lines it swallowed, a header that is a record is said to be one without printing it, and
// control characters in any field reject the record.
#include <gtest/gtest.h>

#include "support/records.hpp"

#include "hostile_input_util.hpp"
#include "mapping/mapper.hpp"

namespace netconv {
namespace {

using hostile::Format;

// AddressSanitizer keeps freed memory in quarantine: peak RSS says nothing about what is held
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kRssMeaningful = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kRssMeaningful = false;
#else
constexpr bool kRssMeaningful = true;
#endif
#else
constexpr bool kRssMeaningful = true;
#endif

const Diagnostic* problem(const SourceRecord& r) { return r.problems.empty() ? nullptr : &r.problems.front(); }
using test_support::field_value;

TEST(SecurityCsvBounds, SeparatorsCountTowardTheRecordLimit) {
  // 10 MB of commas was 848 MB: commas did not count and each made a cell
  hostile::GeneratedBuf buf("patient_id,sex\n", ',', 10'000'000, "\nP2,M\n");
  std::istream in(&buf);
  long before = hostile::peak_rss_mib();
  auto r = hostile::read(Format::csv, in);
  if (kRssMeaningful) EXPECT_LT(hostile::peak_rss_mib() - before, 32) << "MiB grown while reading 10 MB of commas";
  ASSERT_EQ(r.records.size(), 2u);
  ASSERT_NE(problem(r.records[0]), nullptr);
  EXPECT_TRUE(problem(r.records[0])->code == "NC-CSV-012" || problem(r.records[0])->code == "NC-CSV-007");
  EXPECT_EQ(field_value(r.records[1], "patient_id"), "P2");
  // quotes count too: 20 bytes of "" escapes hold 10 bytes of text, over a 16-byte limit
  std::istringstream quotes("patient_id,sex\n\"" + std::string(20, '"') + "\",M\n");
  auto q = hostile::read(Format::csv, quotes, 16);
  ASSERT_EQ(q.records.size(), 1u);
  ASSERT_NE(problem(q.records[0]), nullptr);
  EXPECT_EQ(problem(q.records[0])->code, "NC-CSV-007");
}

TEST(SecurityCsvBounds, FieldsPerRecordAreCapped) {
  std::string row(2000, ',');
  auto r = hostile::read(Format::csv, "patient_id,sex\nP1" + row + "\nP2,F\n");
  ASSERT_EQ(r.records.size(), 2u);
  ASSERT_NE(problem(r.records[0]), nullptr);
  EXPECT_EQ(problem(r.records[0])->code, "NC-CSV-012");
  EXPECT_TRUE(r.records[1].problems.empty());
  auto h = hostile::read(Format::csv, "patient_id" + row + "\nP1\n");
  EXPECT_TRUE(h.failed);
  EXPECT_TRUE(h.has("NC-CSV-012"));
}

TEST(SecurityCsvBounds, RunawayQuoteGivesBackTheLinesItSwallowed) {
  std::string text = "patient_id,sex\nP0,\"F\n";
  for (int i = 1; i < 5000; ++i) text += "P" + std::to_string(i) + ",F\n";
  auto r = hostile::read(Format::csv, text);
  ASSERT_EQ(r.records.size(), 5000u);
  ASSERT_NE(problem(r.records[0]), nullptr);
  EXPECT_EQ(problem(r.records[0])->code, "NC-CSV-004");
  EXPECT_EQ(problem(r.records[0])->location.line, 2u);
  EXPECT_EQ(problem(r.records[0])->location.column, 4u);
  EXPECT_EQ(field_value(r.records[0], "sex").find('\n'), std::string::npos) << "the reject holds later lines";
  for (int i = 1; i < 5000; ++i) {
    ASSERT_TRUE(r.records[i].problems.empty()) << "row " << i;
    ASSERT_EQ(field_value(r.records[i], "patient_id"), "P" + std::to_string(i));
    ASSERT_EQ(r.records[i].location.line, static_cast<std::uint64_t>(i + 2));
  }
}

TEST(SecurityCsvBounds, RunawayQuoteWithinAReplayResumesToo) {
  // the given-back lines hold a second runaway quote (line 3's "x" closes line 2's field, "y
  // opens another): given back in turn, nothing is lost
  std::string text = "patient_id,sex\nA,\"F\nB,\"x\",\"y\n";
  for (int i = 0; i < 100; ++i) text += "C" + std::to_string(i) + ",F\n";
  auto r = hostile::read(Format::csv, text);
  ASSERT_EQ(r.records.size(), 102u);
  ASSERT_NE(problem(r.records[0]), nullptr);  // NC-CSV-006 first: "x" closed its field
  ASSERT_NE(problem(r.records[1]), nullptr);
  EXPECT_EQ(problem(r.records[1])->code, "NC-CSV-004");
  EXPECT_EQ(r.records[1].location.line, 3u);
  EXPECT_EQ(field_value(r.records[101], "patient_id"), "C99");
  EXPECT_EQ(r.records[101].location.line, 103u);
}

TEST(SecurityCsvBounds, QuotedLineBreaksWithinTheBoundAreData) {
  auto r = hostile::read(Format::csv, "patient_id,note\nP1,\"a\nb\nc\"\nP2,x\n");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_TRUE(r.records[0].problems.empty());
  EXPECT_EQ(r.records[1].location.line, 5u);
}

TEST(SecurityCsvBounds, HeaderThatIsARecordIsNotPrinted) {
  auto r = hostile::read(Format::csv, "NET-0001,F,1958-03-14\nNET-0002,M,1960-01-01\n");
  EXPECT_TRUE(r.failed);
  EXPECT_TRUE(r.has("NC-CSV-013"));
  EXPECT_FALSE(r.has("NC-CSV-010"));
  EXPECT_EQ(r.all_text().find("NET-0001"), std::string::npos) << r.all_text();
  EXPECT_EQ(r.all_text().find("1958"), std::string::npos) << r.all_text();
  // a header with patient_id and one data-like cell: warned, the cell not named
  auto d = hostile::read(Format::csv, "patient_id,1958-03-14,site note\nP1,x,y\n");
  EXPECT_FALSE(d.failed);
  EXPECT_EQ(d.all_text().find("1958"), std::string::npos) << d.all_text();
  EXPECT_NE(d.all_text().find("[site note]"), std::string::npos) << d.all_text();
}

TEST(SecurityJsonBounds, MembersPerObjectAreCappedAndDataLikeKeysNotPrinted) {
  std::string wide = "{\"patient_id\":\"P1\"";
  for (int i = 0; i < 2000; ++i) wide += ",\"k" + std::to_string(i) + "\":1";
  auto r = hostile::read(Format::ndjson, wide + "}\n{\"patient_id\":\"P2\",\"1958-03-14\":1}\n");
  ASSERT_EQ(r.records.size(), 2u);
  ASSERT_NE(problem(r.records[0]), nullptr);
  EXPECT_EQ(problem(r.records[0])->code, "NC-JSON-009");
  EXPECT_EQ(r.all_text().find("1958"), std::string::npos) << r.all_text();
  EXPECT_TRUE(r.has("NC-CSV-010"));
  // distinct unknown keys on every line: at most 100 named, then one line saying so
  std::string many;
  for (int i = 0; i < 500; ++i) many += "{\"patient_id\":\"P\",\"x" + std::to_string(i) + "\":1}\n";
  auto m = hostile::read(Format::ndjson, many);
  EXPECT_EQ(m.sink.items.size(), 101u);
}

const MappingSet& tables() {
  static MappingSet t = [] {
    std::vector<Diagnostic> problems;
    return MappingSet::load(NETCONV_MAPPINGS_DIR, problems);
  }();
  return t;
}

RecordOutcome map_csv_row(const std::string& row) {
  auto r = hostile::read(Format::csv, "patient_id,sex,tumor_id,primary_site,histology,behavior,diagnosis_date,symptoms\n" + row + "\n");
  EXPECT_EQ(r.records.size(), 1u);
  return Mapper(tables(), {"urn:test:pid"}).map(r.records.at(0));
}
bool has_reason(const RecordOutcome& o, const std::string& code, const std::string& field) {
  for (const auto& d : o.reasons)
    if (d.code == code && d.location.field == field) return true;
  return false;
}

TEST(SecurityControlChars, AnyControlCharacterRejectsTheRecord) {
  auto clean = map_csv_row("CTLA,F,1,C17.2,8240,3,2019-06-11,flushing");
  EXPECT_EQ(clean.kind, RecordOutcome::Kind::converted);
  for (const char* c : {"\x01", "\t", "\x1f", "\x7f", "\xc2\x85"}) {
    auto o = map_csv_row(std::string("CTL") + c + "A,F,1,C17.2,8240,3,2019-06-11,flushing");
    EXPECT_EQ(o.kind, RecordOutcome::Kind::rejected) << int(static_cast<unsigned char>(c[0]));
    EXPECT_TRUE(has_reason(o, "NC-VAL-004", "patient_id"));
    EXPECT_EQ(o.patient_id, "") << "a rejected key never carries the bad value";
  }
  auto list = map_csv_row("P1,F,1,C17.2,8240,3,2019-06-11,\"flushing|diar\nrhea\"");
  EXPECT_TRUE(has_reason(list, "NC-VAL-004", "symptoms"));
  // out of scope but with a control character: rejected, not skipped as out of scope
  auto skipped = map_csv_row("P1\x02,F,1,C18.7,8140,3,2019-06-11,");
  EXPECT_EQ(skipped.kind, RecordOutcome::Kind::rejected);
}

TEST(SecurityControlChars, ListItemsAreBounded) {
  std::string many = "flushing";
  for (int i = 0; i < 1000; ++i) many += "|flushing";
  auto o = map_csv_row("P1,F,1,C17.2,8240,3,2019-06-11," + many);
  EXPECT_EQ(o.kind, RecordOutcome::Kind::rejected);
  EXPECT_TRUE(has_reason(o, "NC-VAL-005", "symptoms"));
  auto ok = map_csv_row("P1,F,1,C17.2,8240,3,2019-06-11," + many.substr(9));  // 1,000 items
  EXPECT_FALSE(has_reason(ok, "NC-VAL-005", "symptoms"));
}

TEST(SecurityControlChars, RejectedKeysAreBounded) {
  auto o = map_csv_row(std::string(5000, 'P') + ",F,1,C17.2,8240,3,2019-06-11,");
  EXPECT_TRUE(has_reason(o, "NC-REC-002", "patient_id"));
  EXPECT_EQ(o.patient_id, "");
  EXPECT_LE(o.net_case.record_key.size(), 1u + 16u);
}

}  // namespace
}  // namespace netconv

namespace netconv {
namespace {

std::string naaccr_root() {
  return "<?xml version=\"1.0\"?>\n<NaaccrData baseDictionaryUri=\"http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml\" "
         "xmlns=\"http://naaccr.org/naaccrxml\">\n";
}
std::string naaccr_patient(int n) {
  char id[16];
  std::snprintf(id, sizeof id, "%08d", n);
  return std::string("  <Patient>\n    <Item naaccrId=\"patientIdNumber\">") + id +
         "</Item>\n    <Tumor>\n      <Item naaccrId=\"primarySite\">C172</Item>\n"
         "      <Item naaccrId=\"histologicTypeIcdO3\">8240</Item>\n    </Tumor>\n  </Patient>\n";
}

TEST(SecurityXmlBounds, EveryPatientBeforeAFatalErrorIsKept) {
  std::string doc = naaccr_root();
  for (int i = 1; i <= 50; ++i) doc += naaccr_patient(i);
  auto r = hostile::read(Format::naaccr, doc + "<<<\n");
  EXPECT_TRUE(r.failed);
  EXPECT_TRUE(r.has("NC-NAACCR-001"));
  ASSERT_EQ(r.records.size(), 50u) << "libxml2 parsed the last patients with the error and lost them";
  for (const auto& rec : r.records) EXPECT_TRUE(rec.problems.empty());
}

TEST(SecurityXmlBounds, TooManyAttributesAreRefusedBeforeLibxml2) {
  std::string attrs;
  for (int i = 0; i < 200000; ++i) attrs += " a" + std::to_string(i) + "=\"1\"";
  auto r = hostile::read(Format::naaccr, naaccr_root() + naaccr_patient(1) + "<Patient" + attrs + "/></NaaccrData>\n");
  EXPECT_TRUE(r.failed);
  ASSERT_TRUE(r.has("NC-NAACCR-011")) << r.all_text();
  EXPECT_EQ(r.records.size(), 1u);
  for (const auto& d : r.sink.items)
    if (d.code == "NC-NAACCR-011") EXPECT_EQ(d.location.line, 10u);
}

TEST(SecurityXmlBounds, DoctypeIsReportedOnItsLine) {
  auto r = hostile::read(Format::naaccr, "<?xml version=\"1.0\"?>\n<!DOCTYPE NaaccrData [\n<!ENTITY x \"y\">\n]>\n" +
                                             naaccr_root().substr(22) + "</NaaccrData>\n");
  ASSERT_TRUE(r.has("NC-NAACCR-002"));
  for (const auto& d : r.sink.items)
    if (d.code == "NC-NAACCR-002") EXPECT_EQ(d.location.line, 2u);
}

TEST(SecurityXmlBounds, Libxml2MessagesGoThroughTheSinkWithoutInputBytes) {
  std::string doc = "<?xml version=\"1.0\" encoding=\"SHIFT_JIS\"?>\n" + naaccr_root().substr(22) +
                    "<Patient><Item naaccrId=\"patientIdNumber\">00000001</Item><Item naaccrId=\"nameLast\">\xff\x53" "ECRET</Item>"
                    "<Tumor/></Patient></NaaccrData>\n";
  testing::internal::CaptureStderr();
  auto r = hostile::read(Format::naaccr, doc);
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(err, "") << "libxml2 printed past netconv's diagnostics";
  EXPECT_TRUE(r.has("NC-NAACCR-001"));
  EXPECT_EQ(r.all_text().find("0xFF"), std::string::npos) << r.all_text();
  EXPECT_EQ(r.all_text().find("ECRET"), std::string::npos) << r.all_text();
}

}  // namespace
}  // namespace netconv
