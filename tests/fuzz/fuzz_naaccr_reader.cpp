// libFuzzer target: the NAACCR XML reader (src/readers/naaccr_reader.cpp, libxml2 xmlTextReader)
// and the item translation (src/mapping/naaccr_translate.cpp) on arbitrary bytes: never throws on data, never loops, never fetches (tests/unit/security covers
// entities and DTDs with files and a local listener).
//
// Speed: the reader parses the 870-row dictionary table at every construction, which is ~97% of an
// execution. The harness therefore reads from a temporary copy of mappings/ whose
// naaccr-dictionary.tsv keeps only the items the NAACCR tables, the seed corpus and the XML
// dictionary name (a few hundred executions per second instead of ~30); every other table is the
// shipped one.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/text.hpp"
#include "fuzz_common.hpp"
#include "mapping/naaccr_translate.hpp"
#include "readers/reader.hpp"

namespace fs = std::filesystem;
using namespace netconv;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct Setup {
  std::string dir;
  Setup() {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/netconv-fuzz-naaccr-XXXXXX";
    if (!mkdtemp(tmpl.data())) fuzz::finding("mkdtemp failed");
    dir = tmpl;
    const fs::path src = fuzz::mappings_dir();
    std::string names;  // every text that names items worth keeping
    for (const char* t : {"naaccr-items.tsv", "naaccr-values.tsv", "naaccr-treatments.tsv"}) names += slurp(src / t);
    const fs::path fuzz_dir = fs::path(NETCONV_SOURCE_DIR) / "tests/fuzz";
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(fuzz_dir / "corpus/fuzz_naaccr_reader", ec)) names += slurp(e.path());
    names += slurp(fuzz_dir / "dict/xml.dict");
    for (const auto& e : fs::directory_iterator(src)) {
      if (e.path().extension() != ".tsv") continue;
      if (e.path().filename() != "naaccr-dictionary.tsv") {
        fs::copy_file(e.path(), fs::path(dir) / e.path().filename());
        continue;
      }
      std::istringstream lines(slurp(e.path()));
      std::ofstream out(fs::path(dir) / "naaccr-dictionary.tsv", std::ios::binary);
      std::string line;
      bool header = true;
      while (std::getline(lines, line)) {
        if (line.empty() || line[0] == '#' || header) {
          header = header && (line.empty() || line[0] == '#');
          out << line << '\n';
          continue;
        }
        auto id = line.substr(0, line.find('\t'));
        if (names.find(id) != std::string::npos) out << line << '\n';
      }
    }
  }
  ~Setup() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

const std::string& mappings() {
  static Setup s;
  return s.dir;
}

// The NAACCR tables, loaded once: every record is translated as convert translates it.
const naaccr::Tables& tables() {
  static const auto t = naaccr::load_tables(mappings());
  return *t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text = fuzz::as_string(data, size);
  // the tiny item limit (NC-NAACCR-022) on odd-sized inputs: one reader construction per run
  std::size_t max_bytes = size % 2 ? 8 : std::size_t(1) << 20;
  std::istringstream in(text);
  CollectingSink sink;
  ReaderConfig cfg;
  cfg.display_name = "fuzz.xml";
  cfg.mappings_dir = mappings();
  cfg.max_record_bytes = max_bytes;
  auto reader = make_naaccr_reader(in, cfg, sink);
  SourceRecord rec;
  std::size_t records = 0;
  while (reader->next(rec)) {
    if (++records > size) fuzz::finding("more tumors than bytes");
    naaccr::translate_items(rec, tables());
    for (const auto& p : rec.problems) fuzz::check_diagnostic(p);
  }
  if (reader->next(rec)) fuzz::finding("a record after the end");
  for (const auto& d : sink.items) fuzz::check_diagnostic(d);
  return 0;
}
