// libFuzzer target: the mapping-table loaders. The first byte picks one table of a temporary copy
// of mappings/; the rest of the input replaces that table's file, and everything is loaded:
// MappingSet::load (src/mapping/mapping_set.cpp over tsv_table.cpp), the NAACCR tables
// (src/mapping/naaccr_tables.cpp) and the NAACCR dictionary table. Problems must come back as
// located NC-MAP diagnostics or ConfigError, never as a crash or another exception.
//
// Speed: loading all tables is the whole cost of an execution, and the two ICD-O-3 code lists are
// most of the bytes; the copy keeps only their rows the other tables use (morphology codes of
// morphology-scope.tsv, topography codes of sites.tsv and diagnoses.tsv), so the untouched tables
// still load cleanly.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "core/errors.hpp"
#include "fuzz_common.hpp"
#include "mapping/mapping_set.hpp"
#include "readers/naaccr_dictionary.hpp"
#include "mapping/naaccr_tables.hpp"

namespace fs = std::filesystem;
using namespace netconv;

namespace {

struct Setup {
  std::string dir;
  std::vector<std::string> names;     // table file names, sorted
  std::vector<std::string> original;  // their bytes
  Setup() {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/netconv-fuzz-maps-XXXXXX";
    if (!mkdtemp(tmpl.data())) fuzz::finding("mkdtemp failed");
    dir = tmpl;
    for (const auto& e : fs::directory_iterator(fuzz::mappings_dir()))
      if (e.path().extension() == ".tsv") names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    auto slurp = [](const fs::path& p) {
      std::ifstream in(p, std::ios::binary);
      return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    };
    const fs::path src = fuzz::mappings_dir();
    const std::string scope = slurp(src / "morphology-scope.tsv"), sites = slurp(src / "sites.tsv") + slurp(src / "diagnoses.tsv");
    for (const auto& n : names) {
      std::string bytes = slurp(src / n);
      if (n == "icdo3-morphology.tsv" || n == "icdo3-topography.tsv") {
        const std::string& users = n == "icdo3-morphology.tsv" ? scope : sites;
        std::size_t key_len = n == "icdo3-morphology.tsv" ? 4 : std::string::npos;
        std::string kept;
        std::size_t pos = 0, row = 0;
        while (pos < bytes.size()) {
          std::size_t end = bytes.find('\n', pos);
          end = end == std::string::npos ? bytes.size() : end + 1;
          std::string line = bytes.substr(pos, end - pos);
          pos = end;
          bool data = !line.empty() && line[0] != '#' && row++ > 0;
          if (!data || users.find(line.substr(0, std::min(key_len, line.find('\t')))) != std::string::npos) kept += line;
        }
        bytes = kept;
      }
      original.push_back(bytes);
    }
    for (std::size_t i = 0; i < names.size(); ++i) write(i, original[i]);
    std::vector<Diagnostic> problems;
    (void)MappingSet::load(dir, problems);
    for (const auto& p : problems)
      if (p.severity == Severity::error) std::fprintf(stderr, "fuzz_mapping_tables: base copy: %s\n", format_diagnostic(p, false).c_str());
    if (names.empty()) fuzz::finding("no mapping tables found");
  }
  ~Setup() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  void write(std::size_t i, const std::string& bytes) const {
    std::ofstream out(fs::path(dir) / names[i], std::ios::binary | std::ios::trunc);
    out << bytes;
  }
};

const Setup& setup() {
  static Setup s;
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto& s = setup();
  std::size_t i = data[0] % s.names.size();
  s.write(i, fuzz::as_string(data + 1, size - 1));
  const std::string& name = s.names[i];

  std::vector<Diagnostic> problems;
  auto tables = MappingSet::load(s.dir, problems);
  for (const auto& p : problems) {
    fuzz::check_diagnostic(p);
    if (p.severity == Severity::error && p.location.file.empty()) fuzz::finding("table error without a file");
  }
  if (name.rfind("naaccr-", 0) == 0) {
    try {
      (void)naaccr::load_tables(s.dir);
    } catch (const ConfigError&) {
    }
    try {
      (void)naaccr::Dictionary::load_table(s.dir + "/naaccr-dictionary.tsv");
    } catch (const ConfigError&) {
    }
  }
  s.write(i, s.original[i]);
  return 0;
}
