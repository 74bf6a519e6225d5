// A format is one file plus one registration line: a toy input format and a toy output format,
// defined and registered here only, are accepted by convert(), validate_files() and explain()
// and check-mappings() through the library API without any other file knowing them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "commands/check_mappings.hpp"
#include "commands/explain.hpp"
#include "core/text.hpp"
#include "formats/format.hpp"
#include "pipeline/convert.hpp"
#include "support/shipped_tables.hpp"
#include "validation/validate_files.hpp"

namespace {
namespace fs = std::filesystem;
using namespace netconv;

// Toy input: a "TOY1" line, then one record per line as name=value pairs separated by ';'.
class ToyReader : public RecordReader {
 public:
  ToyReader(std::istream& in, const ReaderConfig& cfg) : in_(in), name_(cfg.display_name) {}
  bool next(SourceRecord& rec) override {
    std::string line;
    while (std::getline(in_, line)) {
      bytes_ += line.size() + 1;
      if (++line_no_ == 1 || line.empty()) continue;
      if (line == "THROW") throw std::logic_error("toy reader: a broken invariant");
      rec.location = {name_, line_no_, 1, ""};
      for (const auto& pair : split(line, ';')) {
        auto eq = pair.find('=');
        RawField f;
        f.name = pair.substr(0, eq);
        f.value = eq == std::string::npos ? "" : pair.substr(eq + 1);
        f.location = {name_, line_no_, 1, f.name};
        rec.fields.push_back(std::move(f));
      }
      return true;
    }
    return false;
  }
  std::uint64_t bytes_read() const override { return bytes_; }
  bool failed() const override { return false; }

 private:
  std::istream& in_;
  std::string name_;
  std::uint64_t line_no_ = 0, bytes_ = 0;
};

InputFormat toy_input() {
  InputFormat f;
  f.name = "toy";
  f.summary = "test-only toy records";
  f.extensions = {".toy"};
  f.sniff = [](std::string_view head) {
    if (head.size() < 4) return Sniff::undecided;
    return head.substr(0, 4) == "TOY1" ? Sniff::yes : Sniff::no;
  };
  f.open = [](std::istream& in, const ReaderConfig& cfg, DiagnosticSink&, const MappingSet&) -> std::unique_ptr<RecordReader> {
    return std::make_unique<ToyReader>(in, cfg);
  };
  return f;
}

// Toy output: one line per case, "case <record key>", in toy/cases.txt; the checker fails a line
// that holds "BAD".
class ToyWriter : public OutputWriter {
 public:
  std::string name() const override { return "toy-out"; }
  std::string directory() const override { return "toy"; }
  void render(const model::PatientCases& pc, RenderedPatient& out, RenderScratch&) const override {
    OutputChunk c{"toy/cases.txt", "", false};
    for (const auto& nc : pc.cases) c.bytes += "case " + nc.record_key + "\n";
    out.chunks.push_back(std::move(c));
    ++out.resource_counts["toy:case"];
  }
};

class ToyChecker : public OutputChecker {
 public:
  void check(CheckSession&, const RenderedPatient& out, FailedRecords& failed) const override {
    for (const auto& c : out.chunks)
      for (const auto& line : split(c.bytes, '\n'))
        if (line.find("BAD") != std::string::npos)
          failed[line.substr(5)].push_back({Severity::error, "NC-OUT-001", {c.path, 0, 0, ""}, "toy: BAD case", ""});
  }
  void check_file(CheckSession&, const std::string& path, std::string_view text,
                  const std::function<void(CheckedUnit)>& emit) const override {
    std::uint64_t n = 0;
    for (const auto& line : split(std::string(text), '\n')) {
      if (line.empty()) continue;
      CheckedUnit u{path, ++n, "toy line", {}};
      if (line.find("BAD") != std::string::npos) u.issues.push_back({Severity::error, "toy-bad", {path, n, 0, ""}, "BAD line", ""});
      emit(std::move(u));
    }
  }
};

OutputFormat toy_output() {
  OutputFormat f;
  f.name = "toy-out";
  f.summary = "test-only toy lines";
  f.directory = "toy";
  f.writer = [](const WriterOptions&, const MappingSet&) -> std::unique_ptr<OutputWriter> { return std::make_unique<ToyWriter>(); };
  f.checker = [](const CheckerOptions&) -> std::unique_ptr<OutputChecker> { return std::make_unique<ToyChecker>(); };
  f.file_extensions = {".toyout"};
  f.units = [](const OutputChunk& c) { return std::vector<OutputUnit>{{c.bytes, c.path}}; };
  f.describe = [](const OutputChunk& c, const OutputUnit&, std::ostream& out) { out << "  TOY " << c.path << ": " << c.bytes; };
  f.title = "TOY";
  f.unit_noun = "file";
  f.coded_values = [](const OutputUnit&, UnitCodes& codes) {
    codes.values.push_back({CodedValue::Kind::ucum_unit, "Toy.unit", "mg", "", ""});
  };
  return f;
}

FormatRegistry registry_with_toys() {
  FormatRegistry r;
  register_builtin_formats(r);
  r.add(toy_input());  // the one registration line per format
  r.add(toy_output());
  return r;
}

const char* kRecord = "birth_date=1958-03-14;sex=F;tumor_id=1;diagnosis_date=2019-06-11;primary_site=C17.2;histology=8240/3;behavior=3;grade=G2";

std::string toy_input_text(const std::vector<std::string>& patients) {
  std::string text = "TOY1\n";
  for (const auto& p : patients) text += "patient_id=" + p + ";" + kRecord + "\n";
  return text;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(ToyFormats, ConvertReadsSniffedToyInputAndWritesCheckedToyOutput) {
  const auto formats = registry_with_toys();
  fs::path dir = fs::path(::testing::TempDir()) / "toy-convert";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "input.dat") << toy_input_text({"T-1", "T-BAD", "T-2"});  // no extension hint: sniffed
  ConvertOptions o;
  o.inputs = {(dir / "input.dat").string()};
  o.to = {"toy-out"};
  o.formats = &formats;
  o.output_dir = (dir / "out").string();
  o.jobs = 2;
  CollectingSink diags;
  auto s = convert(o, test_support::shipped_tables(), diags);
  EXPECT_EQ(s.read, 3u);
  EXPECT_EQ(s.converted, 2u);
  EXPECT_EQ(s.rejected, 1u);  // the toy checker's verdict, through the pipeline's checking part
  EXPECT_EQ(s.exit_code, 1);
  EXPECT_EQ(slurp(dir / "out/toy/cases.txt"), "case T-1/1\ncase T-2/1\n");
  EXPECT_NE(slurp(dir / "out/rejects.ndjson").find("toy: BAD case"), std::string::npos);
  EXPECT_EQ(s.resources_by_type["toy:case"], 2u);
}

TEST(ToyFormats, ValidateChecksToyFilesWithTheToyChecker) {
  const auto formats = registry_with_toys();
  fs::path dir = fs::path(::testing::TempDir()) / "toy-validate";
  fs::create_directories(dir);
  std::ofstream(dir / "a.toyout") << "fine\nBAD\nfine\n";
  ValidateFilesOptions o;
  o.inputs = {(dir / "a.toyout").string()};
  o.formats = &formats;
  std::ostringstream out;
  EXPECT_EQ(validate_files(o, out), 1);
  EXPECT_NE(out.str().find("2 passed, 1 failed"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("[toy-bad] BAD line"), std::string::npos) << out.str();
  ValidateFilesOptions builtin = o;
  builtin.formats = nullptr;  // the shipped formats do not know the toy's files
  std::ostringstream out2;
  EXPECT_EQ(validate_files(builtin, out2), 2);
}

TEST(ToyFormats, ExplainReadsToyRecordsAndDescribesToyOutput) {
  const auto formats = registry_with_toys();
  ExplainOptions o;
  o.mappings_dir = NETCONV_MAPPINGS_DIR;
  o.values = {"-"};
  o.formats = &formats;
  std::istringstream in(toy_input_text({"T-1"}));
  std::ostringstream out;
  EXPECT_EQ(explain(o, in, out), 0) << out.str();
  EXPECT_NE(out.str().find("record 1 (<stdin>:2:1): converted"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("field primary_site: C17.2"), std::string::npos);
  EXPECT_NE(out.str().find("  TOY toy/cases.txt: case T-1/1"), std::string::npos) << out.str();
}

// A bug surfacing in a format (a broken invariant) leaves convert() as what it is: the CLI maps
// it to the internal-error exit code, not to an I/O error.
TEST(ToyFormats, ALogicErrorInAReaderIsNotTurnedIntoAnIoError) {
  const auto formats = registry_with_toys();
  fs::path dir = fs::path(::testing::TempDir()) / "toy-throw";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "input.toy") << "TOY1\nTHROW\n";
  ConvertOptions o;
  o.inputs = {(dir / "input.toy").string()};
  o.to = {"toy-out"};
  o.formats = &formats;
  o.output_dir = (dir / "out").string();
  o.jobs = 1;
  CollectingSink diags;
  EXPECT_THROW(convert(o, test_support::shipped_tables(), diags), std::logic_error);
}

// A toy output whose every line fails its checker and whose unit of measure is not UCUM.
class ToyBadWriter : public ToyWriter {
 public:
  std::string name() const override { return "toy-bad"; }
  std::string directory() const override { return "toy-bad"; }
  void render(const model::PatientCases&, RenderedPatient& out, RenderScratch&) const override {
    out.chunks.push_back({"toy-bad/cases.txt", "case BAD\n", false});
  }
};

// check-mappings' round trip renders every registered output format, checks each unit with its
// format's checker and looks at the coded values its format says the unit carries.
TEST(ToyFormats, CheckMappingsRoundTripRendersAndChecksToyOutput) {
  auto formats = registry_with_toys();
  OutputFormat bad = toy_output();
  bad.name = "toy-bad";
  bad.directory = "toy-bad";
  bad.writer = [](const WriterOptions&, const MappingSet&) -> std::unique_ptr<OutputWriter> { return std::make_unique<ToyBadWriter>(); };
  bad.coded_values = [](const OutputUnit&, UnitCodes& codes) {
    codes.values.push_back({CodedValue::Kind::ucum_unit, "Toy.unit", "m g", "", ""});
  };
  formats.add(bad);
  CheckOptions o;
  o.mappings_dir = NETCONV_MAPPINGS_DIR;
  o.formats = &formats;
  o.fhir_packages = "/nonexistent/netconv/fhir-packages";  // the toys' checkers are what is looked at
  auto r = check_mappings(o);
  ASSERT_TRUE(r.round_trip_ran) << r.round_trip_note;
  std::map<std::string, std::size_t> units;
  for (const auto& c : r.outputs) units[c.name] = c.units;
  EXPECT_EQ(units["toy-out"], r.converted);  // one file per rendered patient
  EXPECT_EQ(units["toy-bad"], r.converted);
  EXPECT_GT(units["fhir"], r.converted);
  std::size_t checker = 0, ucum = 0;
  for (const auto& f : r.findings) {
    if (f.severity != Severity::error) continue;
    checker += f.code == "NC-MAP-071" && f.message.find("toy-bad/cases.txt: BAD line [toy-bad]") != std::string::npos;
    ucum += f.code == "NC-MAP-027" && f.message.find("Toy.unit: UCUM unit 'm g'") != std::string::npos;
    EXPECT_NE(f.message.find("toy-bad/cases.txt"), std::string::npos) << f.code << " " << f.message;  // the rest is clean
  }
  EXPECT_GT(checker, 0u);
  EXPECT_GT(ucum, 0u);
  EXPECT_NE(render_check_report(r, "text").find(" TOY file(s)"), std::string::npos);
  EXPECT_NE(render_check_report(r, "json").find("\"toy-bad_files\""), std::string::npos);
}

}  // namespace
