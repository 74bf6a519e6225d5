// The one data-path rule (core/data_paths.hpp), table-driven: flag, environment, installed
// prefix, default — for each kind of data file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/data_paths.hpp"
#include "core/diagnostics.hpp"
#include "core/errors.hpp"
#include "readers/reader.hpp"

namespace netconv {
namespace {

namespace fs = std::filesystem;

// An installed prefix with bin/netconv, the mapping tables and the schema, in a temp dir.
struct Prefix {
  fs::path root = fs::temp_directory_path() / ("netconv-data-paths-" + std::to_string(::getpid()));
  Prefix() {
    fs::create_directories(root / "bin");
    fs::create_directories(root / "share/netconv/mappings");
    fs::create_directories(root / "share/netconv/schemas/cda");
    std::ofstream(root / "share/netconv/mappings/concepts.tsv") << "";
    std::ofstream(root / "share/netconv/schemas/cda/netconv-ccda.xsd") << "";
  }
  ~Prefix() { fs::remove_all(root); }
  std::string exe() const { return (root / "bin/netconv").string(); }
  std::string share(const char* rel) const { return (root / "share/netconv" / rel).string(); }
};

struct Case {
  const char* name;
  DataPath what;
  std::string flag;
  std::map<std::string, std::string> env;
  bool installed;        // the executable sits in the Prefix (else in its build tree, /build)
  std::string expected;  // "<prefix>/..." = under the prefix's share/netconv
};

std::string expand(const std::string& s, const Prefix& p) {
  const std::string mark = "<prefix>/";
  return s.rfind(mark, 0) == 0 ? p.share(s.substr(mark.size()).c_str()) : s;
}

TEST(DataPaths, OneRuleForEveryDataFile) {
  const Case cases[] = {
      {"mappings: flag wins", DataPath::mappings, "/flag", {{"NETCONV_MAPPINGS", "/env"}}, true, "/flag"},
      {"mappings: environment", DataPath::mappings, "", {{"NETCONV_MAPPINGS", "/env"}}, true, "/env"},
      {"mappings: installed", DataPath::mappings, "", {}, true, "<prefix>/mappings"},
      {"mappings: empty variable is unset", DataPath::mappings, "", {{"NETCONV_MAPPINGS", ""}}, false, "/src/mappings"},
      {"mappings: source tree", DataPath::mappings, "", {}, false, "/src/mappings"},
      {"schema: flag wins", DataPath::cda_schema, "/s.xsd", {{"NETCONV_CDA_SCHEMA", "/env.xsd"}}, true, "/s.xsd"},
      {"schema: environment", DataPath::cda_schema, "", {{"NETCONV_CDA_SCHEMA", "/env.xsd"}}, true, "/env.xsd"},
      {"schema: installed", DataPath::cda_schema, "", {}, true, "<prefix>/schemas/cda/netconv-ccda.xsd"},
      {"schema: source tree", DataPath::cda_schema, "", {}, false, "/src/schemas/cda/netconv-ccda.xsd"},
      {"packages: flag wins", DataPath::fhir_packages, "/p", {{"NETCONV_FHIR_PACKAGES", "/env"}}, false, "/p"},
      {"packages: environment", DataPath::fhir_packages, "", {{"NETCONV_FHIR_PACKAGES", "/env"}}, false, "/env"},
      {"packages: home cache", DataPath::fhir_packages, "", {{"HOME", "/home/u"}}, true, "/home/u/.cache/netconv/fhir-packages"},
      {"packages: no home", DataPath::fhir_packages, "", {}, false, "/.cache/netconv/fhir-packages"},
      // another kind's variable is not this kind's
      {"mappings: not the schema's variable", DataPath::mappings, "", {{"NETCONV_CDA_SCHEMA", "/x"}}, false, "/src/mappings"},
  };
  Prefix prefix;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    DataPathSources src;
    src.env = [&](const char* name) {
      auto it = c.env.find(name);
      return it == c.env.end() ? std::string() : it->second;
    };
    src.executable = c.installed ? prefix.exe() : "/build/netconv";
    src.source_dir = "/src";
    src.build_dir = "/build";
    EXPECT_EQ(resolve_data_path(c.what, c.flag, src), expand(c.expected, prefix));
  }
}

// A binary outside its build tree never reads the source tree: unpacked from a package whose
// tables are missing, it names where they should have been installed.
TEST(DataPaths, InstalledBinaryNeverReadsTheSourceTree) {
  struct Where {
    const char* executable;
    DataPath what;
    std::string expected;
  };
  const Where cases[] = {
      {"/opt/nc/bin/netconv", DataPath::mappings, "/opt/nc/share/netconv/mappings"},
      {"/opt/nc/bin/netconv", DataPath::cda_schema, "/opt/nc/share/netconv/schemas/cda/netconv-ccda.xsd"},
      {"/build2/netconv", DataPath::mappings, "/share/netconv/mappings"},  // a sibling is not inside
      {"/build/../opt/netconv", DataPath::mappings, "/build/../share/netconv/mappings"},  // outside, once normalised
      {"/build/tests/unit_tests", DataPath::mappings, "/src/mappings"},
      {"", DataPath::mappings, "/src/mappings"},  // unknown executable: nothing else to go by
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.executable);
    DataPathSources src;
    src.env = [](const char*) { return std::string(); };
    src.executable = c.executable;
    src.source_dir = "/src";
    src.build_dir = "/build";
    EXPECT_EQ(resolve_data_path(c.what, "", src), c.expected);
  }
}

// The NAACCR reader without a mappings directory follows $NETCONV_MAPPINGS like everything else
// (it used to read the source tree's tables whatever the variable said).
TEST(DataPaths, NaaccrReaderFollowsTheEnvironment) {
  const fs::path empty = fs::temp_directory_path() / ("netconv-no-tables-" + std::to_string(::getpid()));
  fs::create_directories(empty);
  ::setenv("NETCONV_MAPPINGS", empty.c_str(), 1);
  std::istringstream in("<NaaccrData/>");
  ReaderConfig cfg;
  cfg.display_name = "t.xml";
  CollectingSink sink;
  std::string error;
  try {
    (void)make_naaccr_reader(in, cfg, sink);
  } catch (const ConfigError& e) {
    error = e.what();
  }
  ::unsetenv("NETCONV_MAPPINGS");
  fs::remove_all(empty);
  EXPECT_NE(error.find(empty.string()), std::string::npos) << "the reader did not look in $NETCONV_MAPPINGS: '" << error << "'";
}

}  // namespace
}  // namespace netconv
