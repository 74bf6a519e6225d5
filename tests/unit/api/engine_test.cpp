// The public API (include/netconv/netconv.hpp) as a program embedding netconv uses it: every
// sample converted in memory gives the golden test's resources, documents and rejects; one Engine
// converts from four threads at once with identical results; validate() tells good from bad;
// limits and bad requests throw netconv::Error with the CLI's exit code; a Sink's own exception
// passes through unchanged.
#include "netconv/netconv.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/files.hpp"

namespace netconv {
namespace {
namespace fs = std::filesystem;

// Everything a conversion delivered, in delivery order.
struct Recorded : Sink {
  std::vector<std::string> fhir;                  // "<patient key>|<type>|<json>"
  std::map<std::string, std::string> cda;         // file key -> document
  std::vector<RejectedRecord> rejects;
  std::vector<Issue> diagnostics;
  void on_fhir(std::string_view patient, std::string_view type, std::string_view json) override {
    fhir.push_back(std::string(patient) + "|" + std::string(type) + "|" + std::string(json));
  }
  void on_cda(std::string_view, std::string_view key, std::string_view xml) override { cda[std::string(key)] = xml; }
  void on_reject(const RejectedRecord& r) override { rejects.push_back(r); }
  void on_diagnostic(const Issue& i) override { diagnostics.push_back(i); }
};

EngineOptions engine_options() {
  EngineOptions o;
  o.mappings_dir = NETCONV_MAPPINGS_DIR;
  return o;
}

// Opening loads the FHIR definitions and the CDA schema (about a second): once per test program.
class EngineApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { engine_ = new Engine(engine_options()); }
  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
  }
  static const Engine& engine() { return *engine_; }

 private:
  static inline Engine* engine_ = nullptr;
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

fs::path sample_input(const fs::path& sample) {
  for (const char* name : {"input.csv", "input.ndjson", "input.xml"})
    if (fs::exists(sample / name)) return sample / name;
  return {};
}

// The golden test's CLI output of a sample, resource lines without the patient key.
std::vector<std::string> golden_fhir(const fs::path& expected) {
  std::vector<std::string> out;
  if (!fs::is_directory(expected / "fhir")) return out;
  for (const auto& f : fs::directory_iterator(expected / "fhir")) {
    const std::string type = f.path().stem().string();
    for (auto& l : lines_of(test_support::slurp(f.path()))) out.push_back(type + "|" + l);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The run id in meta.source names the input file in a CLI run (the goldens write it as RUN) and
// the engine in a library call: masked the same way.
std::string run_masked(std::string line) {
  static const std::regex run_id(":run:[0-9a-f]{16}\"");
  return std::regex_replace(line, run_id, ":run:RUN\"");
}

std::vector<std::string> without_patient_key(const std::vector<std::string>& fhir) {
  std::vector<std::string> out;
  for (const auto& l : fhir) out.push_back(run_masked(l.substr(l.find('|') + 1)));
  std::sort(out.begin(), out.end());
  return out;
}

void expect_golden(const Engine& engine, const fs::path& sample) {
  SCOPED_TRACE(sample.filename().string());
  const fs::path input = sample_input(sample);
  ConvertRequest req;
  req.to = {"fhir", "cda"};
  req.input_name = input.filename().string();  // the golden test runs in the sample's folder
  Recorded got;
  const Counts c = engine.convert(test_support::slurp(input), req, got);
  EXPECT_EQ(c.read, c.converted + c.rejected + c.skipped);
  EXPECT_EQ(without_patient_key(got.fhir), golden_fhir(sample / "expected"));
  std::map<std::string, std::string> docs;
  if (fs::is_directory(sample / "expected" / "cda"))
    for (const auto& f : fs::directory_iterator(sample / "expected" / "cda")) docs[f.path().stem().string()] = test_support::slurp(f.path());
  EXPECT_EQ(got.cda, docs);
  const auto rejects = lines_of(test_support::slurp(sample / "expected" / "rejects.ndjson"));
  ASSERT_EQ(got.rejects.size(), rejects.size());
  EXPECT_EQ(c.rejected, rejects.size());
  // the sink gets rejects as patients are converted, in patient-key order; rejects.ndjson is in
  // input order: compare in line order
  std::stable_sort(got.rejects.begin(), got.rejects.end(), [](const auto& a, const auto& b) { return a.line < b.line; });
  for (std::size_t i = 0; i < rejects.size(); ++i) {
    EXPECT_NE(rejects[i].find("\"record_key\":\"" + got.rejects[i].record_key + "\""), std::string::npos) << rejects[i];
    EXPECT_NE(rejects[i].find("\"line\":" + std::to_string(got.rejects[i].line) + ","), std::string::npos) << rejects[i];
    ASSERT_FALSE(got.rejects[i].reasons.empty());
    for (const auto& reason : got.rejects[i].reasons)
      EXPECT_NE(rejects[i].find("\"code\":\"" + reason.code + "\""), std::string::npos) << rejects[i];
  }
}

TEST_F(EngineApi, EverySampleGivesTheGoldenResourcesDocumentsAndRejects) {
  std::size_t samples = 0;
  for (const auto& d : fs::directory_iterator(NETCONV_SAMPLES_DIR)) {
    if (!fs::is_directory(d.path() / "expected") || fs::exists(d.path() / "args")) continue;
    expect_golden(engine(), d.path());
    ++samples;
  }
  EXPECT_GE(samples, 15u);
}

TEST_F(EngineApi, BundleLayoutGivesOneBundlePerPatientKeyedByThePatientId) {
  ConvertRequest req;
  req.fhir_layout = "bundle";
  Recorded got;
  const auto input = test_support::slurp(fs::path(NETCONV_SAMPLES_DIR) / "01-ileal-net-carcinoid-syndrome" / "input.csv");
  const Counts c = engine().convert(input, req, got);
  ASSERT_EQ(got.fhir.size(), c.patients);
  ASSERT_GT(c.patients, 1u);
  for (const auto& l : got.fhir) {
    const auto key = l.substr(0, l.find('|'));
    EXPECT_EQ(key.rfind("NET-", 0), 0u) << key;  // the contract's patient_id column
    EXPECT_NE(l.find("|Bundle|{\"resourceType\":\"Bundle\""), std::string::npos) << l.substr(0, 80);
  }
  EXPECT_TRUE(got.cda.empty());  // only what the request asked for
}

TEST_F(EngineApi, FourThreadsOnOneEngineGetIdenticalResults) {
  const auto input = test_support::slurp(fs::path(NETCONV_SAMPLES_DIR) / "07-multiple-tumors" / "input.csv") ;
  ConvertRequest req;
  req.to = {"fhir", "cda"};
  Recorded alone;
  engine().convert(input, req, alone);
  ASSERT_FALSE(alone.fhir.empty());
  std::vector<Recorded> got(4);
  std::vector<std::thread> threads;
  for (auto& g : got)
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        g = Recorded{};
        engine().convert(input, req, g);
      }
    });
  for (auto& t : threads) t.join();
  for (const auto& g : got) {
    EXPECT_EQ(g.fhir, alone.fhir);  // same resources in the same order
    EXPECT_EQ(g.cda, alone.cda);
  }
}

TEST_F(EngineApi, RejectsCarryTheirCodesAndTheCountsAddUp) {
  const std::string csv =
      "patient_id,tumor_id,birth_date,sex,primary_site,histology,behavior,diagnosis_date\n"
      "P1,1,1960-01-01,F,C17.2,8240,3,2020-02-03\n"
      "P2,1,1961-01-01,M,C17.2,9999,3,2020-02-03\n";
  Recorded got;
  ConvertRequest req;
  req.from = "csv";
  req.input_name = "upload.csv";
  const Counts c = engine().convert(csv, req, got);
  EXPECT_EQ(c.read, 2u);
  EXPECT_EQ(c.read, c.converted + c.rejected + c.skipped);
  ASSERT_EQ(got.rejects.size(), 1u);
  EXPECT_EQ(got.rejects[0].record_key, "P2/1");
  EXPECT_EQ(got.rejects[0].input, "upload.csv");
  EXPECT_EQ(got.rejects[0].line, 3u);
  ASSERT_FALSE(got.rejects[0].reasons.empty());
  EXPECT_EQ(got.rejects[0].reasons[0].code, "NC-CODE-002");
  EXPECT_EQ(got.rejects[0].reasons[0].field, "histology");
  EXPECT_EQ(c.rejected_by_code.at("NC-CODE-002"), 1u);
  // the reasons reach on_diagnostic too, as the CLI prints them, without the patient's value
  ASSERT_FALSE(got.diagnostics.empty());
  for (const auto& d : got.diagnostics) EXPECT_EQ(d.message.find("9999"), std::string::npos) << d.message;
}

TEST_F(EngineApi, AStreamConvertsLikeABuffer) {
  const auto input = test_support::slurp(fs::path(NETCONV_SAMPLES_DIR) / "13-ndjson-mixed" / "input.ndjson");
  Recorded from_buffer, from_stream;
  engine().convert(input, {}, from_buffer);
  std::istringstream stream(input);
  engine().convert(stream, {}, from_stream);  // format recognised from the bytes
  EXPECT_FALSE(from_buffer.fhir.empty());
  EXPECT_EQ(from_stream.fhir, from_buffer.fhir);
}

TEST_F(EngineApi, LimitsThrowBeforeAnythingIsDelivered) {
  const auto input = test_support::slurp(fs::path(NETCONV_SAMPLES_DIR) / "01-ileal-net-carcinoid-syndrome" / "input.csv");
  ConvertRequest req;
  req.max_records = 2;
  Recorded got;
  try {
    engine().convert(input, req, got);
    FAIL() << "no limit error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::limit);
    EXPECT_EQ(e.exit_code(), 2);
  }
  EXPECT_TRUE(got.fhir.empty());
  req = {};
  req.max_input_bytes = input.size() - 1;
  EXPECT_THROW(engine().convert(input, req, got), Error);
  std::istringstream stream(input);
  EXPECT_THROW(engine().convert(stream, req, got), Error);
  EXPECT_TRUE(got.fhir.empty());
  req.max_input_bytes = input.size();  // exactly at the limit is within it
  req.max_records = 1000;
  EXPECT_GT(engine().convert(input, req, got).converted, 0u);
}

TEST_F(EngineApi, BadRequestsAreConfigErrors) {
  Recorded got;
  for (auto change : std::vector<void (*)(ConvertRequest&)>{
           [](ConvertRequest& r) { r.from = "hl7v2"; }, [](ConvertRequest& r) { r.to = {"pdf"}; },
           [](ConvertRequest& r) { r.to = {}; }, [](ConvertRequest& r) { r.fhir_layout = "zip"; }}) {
    ConvertRequest req;
    change(req);
    try {
      engine().convert("patient_id\n", req, got);
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::config) << e.what();
      EXPECT_EQ(e.exit_code(), 2);
    }
  }
}

TEST_F(EngineApi, ASinksOwnExceptionPassesThroughUnchanged) {
  struct Throwing : Sink {
    void on_fhir(std::string_view, std::string_view, std::string_view) override { throw std::out_of_range("caller's"); }
  } sink;
  const auto input = test_support::slurp(fs::path(NETCONV_SAMPLES_DIR) / "01-ileal-net-carcinoid-syndrome" / "input.csv");
  EXPECT_THROW(engine().convert(input, {}, sink), std::out_of_range);
}

TEST_F(EngineApi, ValidateTellsAGoodResourceFromABadOne) {
  Recorded got;
  engine().convert(test_support::slurp(fs::path(NETCONV_SAMPLES_DIR) / "01-ileal-net-carcinoid-syndrome" / "input.csv"), {}, got);
  ASSERT_FALSE(got.fhir.empty());
  const std::string good = got.fhir.front().substr(got.fhir.front().find('|', got.fhir.front().find('|') + 1) + 1);
  const ValidationResult ok = engine().validate(good, "fhir");
  EXPECT_TRUE(ok.valid);
  const ValidationResult bad = engine().validate(R"({"resourceType":"Patient","gender":"sometimes"})", "fhir");
  EXPECT_FALSE(bad.valid);
  ASSERT_FALSE(bad.issues.empty());
  EXPECT_EQ(bad.issues[0].severity, IssueSeverity::error);
  EXPECT_FALSE(engine().validate("{not json", "fhir").valid);
  EXPECT_THROW(engine().validate("{}", "pdf"), Error);
}

TEST_F(EngineApi, ValidateChecksCdaDocuments) {
  Recorded got;
  ConvertRequest req;
  req.to = {"cda"};
  engine().convert(test_support::slurp(fs::path(NETCONV_SAMPLES_DIR) / "01-ileal-net-carcinoid-syndrome" / "input.csv"), req, got);
  ASSERT_FALSE(got.cda.empty());
  EXPECT_TRUE(engine().validate(got.cda.begin()->second, "cda").valid);
  EXPECT_FALSE(engine().validate("<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>", "cda").valid);
  EXPECT_FALSE(engine().validate("<unclosed", "cda").valid);
}

TEST(EngineOpen, BrokenTablesAndBadOptionsAreConfigErrors) {
  const test_support::TableCopy tables("engine-broken");
  tables.append("concepts.tsv", "not\ta\tvalid row");
  EngineOptions o = engine_options();
  o.mappings_dir = tables.dir.string();
  o.validate = false;
  try {
    Engine e(o);
    FAIL() << "opened";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_NE(std::string(e.what()).find("concepts.tsv"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(check_mappings(tables.dir.string()).empty());
  bool any_error = false;
  for (const auto& i : check_mappings(tables.dir.string())) any_error |= i.severity == IssueSeverity::error;
  EXPECT_TRUE(any_error);
  o = engine_options();
  o.validate = false;
  o.registry_id = "has space";
  EXPECT_THROW(Engine{o}, Error);
  o.registry_id = "";
  o.outputs = {"pdf"};
  EXPECT_THROW(Engine{o}, Error);
}

TEST(EngineOpen, ShippedTablesHaveNoErrorsAndAnEngineWithoutChecksConverts) {
  for (const auto& i : check_mappings(NETCONV_MAPPINGS_DIR)) EXPECT_NE(i.severity, IssueSeverity::error) << i.code << " " << i.message;
  EngineOptions o = engine_options();
  o.validate = false;
  o.outputs = {"fhir"};
  const Engine e(o);
  EXPECT_EQ(e.mapping_tables_sha256().size(), 64u);
  EXPECT_EQ(std::string(library_version()).find('.') != std::string::npos, true);
  Recorded got;
  e.convert(test_support::slurp(fs::path(NETCONV_SAMPLES_DIR) / "01-ileal-net-carcinoid-syndrome" / "input.csv"), {}, got);
  EXPECT_FALSE(got.fhir.empty());
  EXPECT_THROW(e.validate("{}", "fhir"), Error);  // nothing to validate with
  ConvertRequest cda;
  cda.to = {"cda"};
  EXPECT_THROW(e.convert("", cda, got), Error);  // not among the engine's outputs
  EXPECT_THROW(check_mappings("/nonexistent/netconv-tables"), Error);
}

}  // namespace
}  // namespace netconv

namespace netconv {
namespace {

// The checkers of a converting engine know only the resource types netconv writes; asked to,
// validate() knows every R4 type.
TEST(EngineOpen, ValidateKnowsEveryFhirTypeWhenAskedTo) {
  const std::string encounter = R"({"resourceType":"Encounter","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"}})";
  EngineOptions o = engine_options();
  o.outputs = {"fhir"};
  const Engine own_types(o);
  EXPECT_FALSE(own_types.validate(encounter, "fhir").valid);
  o.validate_any_fhir_type = true;
  const Engine every_type(o);
  const ValidationResult r = every_type.validate(encounter, "fhir");
  EXPECT_TRUE(r.valid) << (r.issues.empty() ? "" : r.issues[0].code + " " + r.issues[0].message);
  EXPECT_FALSE(every_type.validate(R"({"resourceType":"Encounter"})", "fhir").valid);  // status, class: 1..1
}

}  // namespace
}  // namespace netconv
