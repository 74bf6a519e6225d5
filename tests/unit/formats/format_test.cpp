// Input format detection: the content decides (a NaaccrData root element, a '{'), the extension
// is a hint when it does not, CSV otherwise; and reading ahead for it loses no byte.
#include "formats/format.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>
#include <filesystem>

#include "core/errors.hpp"
#include "pipeline/input.hpp"

namespace {
using netconv::builtin_formats;

struct SniffCase {
  const char* what;
  std::string head;
  std::string path;
  std::string expected;
};

TEST(FormatDetection, ContentFirstThenExtensionThenCsv) {
  const std::vector<SniffCase> cases = {
      {"CSV header", "patient_id,birth_date\nP1,1960-01-01\n", "in.csv", "csv"},
      {"CSV on stdin", "patient_id,birth_date\n", "", "csv"},
      {"JSON object", "{\"patient_id\":\"P1\"}\n", "", "ndjson"},
      {"JSON after BOM and blank lines", "\xEF\xBB\xBF \r\n\n{\"a\":1}", "", "ndjson"},
      {"JSON in a .csv file: the content wins", "{\"a\":1}\n", "in.csv", "ndjson"},
      {"NAACCR with prolog and comment", "<?xml version=\"1.0\"?>\n<!-- export -->\n<NaaccrData baseDictionaryUri=\"x\">", "", "naaccr-xml"},
      {"NAACCR with a namespace prefix", "<n:NaaccrData xmlns:n=\"http://naaccr.org/naaccrxml\">", "in.txt", "naaccr-xml"},
      {"NAACCR in a .csv file: the content wins", "<NaaccrData>", "in.csv", "naaccr-xml"},
      {"other XML root: the extension decides", "<Other/>", "in.xml", "naaccr-xml"},
      {"other XML root, no hint: CSV", "<Other/>", "", "csv"},
      {"empty .ndjson: the extension decides", "", "in.NDJSON", "ndjson"},
      {"empty .jsonl", "", "in.jsonl", "ndjson"},
      {"empty stdin: CSV", "", "", "csv"},
      {"prolog cut short: the extension decides", "<?xml version=\"1.0\"", "in.xml", "naaccr-xml"},
      {"prolog cut short, no hint: CSV", "<?xml version=\"1.0\"", "", "csv"},
      {"a header row in a .ndjson file: the extension decides", "patient_id\n", "in.ndjson", "ndjson"},
  };
  for (const auto& c : cases) EXPECT_EQ(builtin_formats().detect(c.head, c.path).name, c.expected) << c.what;
}

TEST(FormatRegistry, NamesAreListedOnceAndDuplicatesRefused) {
  EXPECT_EQ(builtin_formats().input_names(), "csv, ndjson or naaccr-xml");
  EXPECT_EQ(builtin_formats().output_names(), "fhir or cda");
  netconv::FormatRegistry r;
  netconv::register_builtin_formats(r);
  EXPECT_THROW(netconv::register_builtin_formats(r), std::logic_error);
  EXPECT_EQ(r.output_for_file("a/b/Condition.NDJSON")->name, "fhir");
  EXPECT_EQ(r.output_for_file("doc.xml")->name, "cda");
  EXPECT_EQ(r.output_for_file("report.txt"), nullptr);
  EXPECT_THROW(r.make_writers({"pdf"}, {}, netconv::MappingSet{}), netconv::ConfigError);
}

// The bytes read ahead to choose the format are read again by the reader, from a pipe as well.
TEST(FormatDetection, ReadingAheadLosesNoByte) {
  std::string text = "{\"patient_id\":\"P1\"}\n";
  while (text.size() < 100000) text += "{\"patient_id\":\"P" + std::to_string(text.size()) + "\"}\n";
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  FILE* w = fdopen(fds[1], "w");
  std::thread writer([&] {
    fwrite(text.data(), 1, text.size(), w);
    fclose(w);
  });
  std::string path = "/dev/fd/" + std::to_string(fds[0]);
  netconv::InputFile file(path);
  const auto& f = netconv::choose_input_format(file, path, "", builtin_formats());
  EXPECT_EQ(f.name, "ndjson");
  std::istream in(&file);
  std::string back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  writer.join();
  ::close(fds[0]);
  EXPECT_EQ(back.size(), text.size());
  EXPECT_TRUE(back == text);
}

TEST(FormatDetection, FromNamesTheFormatAndAnUnknownNameIsAConfigError) {
  std::string path = ::testing::TempDir() + "/format-from.csv";
  std::ofstream(path) << "{\"patient_id\":\"P1\"}\n";
  netconv::InputFile file(path);
  EXPECT_EQ(netconv::choose_input_format(file, path, "csv", builtin_formats()).name, "csv");
  EXPECT_THROW(netconv::choose_input_format(file, path, "xlsx", builtin_formats()), netconv::ConfigError);
}

}  // namespace
