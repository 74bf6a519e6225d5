#include "core/data_paths.hpp"

#include <cstdlib>
#include <filesystem>

namespace netconv {
namespace {

namespace fs = std::filesystem;

struct Rule {
  DataPath what;
  const char* env;
  const char* installed[2];  // relative to the executable's prefix (bin/..); nullptr = none
  const char* probe;         // file that must exist inside an installed directory ("" = the path itself)
  const char* in_source;     // relative to the source tree; nullptr = under $HOME instead
  const char* in_home;
};

constexpr Rule kRules[] = {
    {DataPath::mappings, "NETCONV_MAPPINGS", {"share/netconv/mappings", "mappings"}, "concepts.tsv", "mappings", nullptr},
    {DataPath::cda_schema, "NETCONV_CDA_SCHEMA", {"share/netconv/schemas/cda/netconv-ccda.xsd", nullptr}, "",
     "schemas/cda/netconv-ccda.xsd", nullptr},
    {DataPath::fhir_packages, "NETCONV_FHIR_PACKAGES", {nullptr, nullptr}, "", nullptr, ".cache/netconv/fhir-packages"},
};

const Rule& rule_of(DataPath what) {
  for (const auto& r : kRules)
    if (r.what == what) return r;
  return kRules[0];  // every enumerator has a row
}

fs::path prefix_of(const std::string& executable) { return fs::path(executable).parent_path().parent_path(); }

std::string installed_path(const Rule& r, const std::string& executable) {
  if (executable.empty()) return "";
  std::error_code ec;
  for (const char* rel : r.installed) {
    if (!rel) continue;
    const fs::path cand = prefix_of(executable) / rel;
    if (fs::exists(*r.probe ? cand / r.probe : cand, ec)) return cand.string();
  }
  return "";
}

// Lexically, after normalising: "/b/x/../netconv" is inside "/b", "/build2/netconv" is not.
bool inside(const std::string& path, const std::string& dir) {
  if (path.empty() || dir.empty()) return false;
  const fs::path p = fs::path(path).lexically_normal(), d = (fs::path(dir) / "").lexically_normal();
  const auto rel = p.lexically_relative(d);
  return !rel.empty() && *rel.begin() != "..";
}

// Only a binary that runs where it was built (tests, a developer's build/) reads the source tree.
bool reads_source_tree(const DataPathSources& s) {
  return s.executable.empty() || inside(s.executable, s.build_dir);
}

}  // namespace

DataPathSources DataPathSources::of_process() {
  DataPathSources s;
  s.env = [](const char* name) {
    const char* v = std::getenv(name);
    return std::string(v ? v : "");
  };
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) s.executable = exe.string();
  s.source_dir = NETCONV_SOURCE_DIR;
  s.build_dir = NETCONV_BINARY_DIR;
  return s;
}

std::string resolve_data_path(DataPath what, const std::string& flag, const DataPathSources& sources) {
  if (!flag.empty()) return flag;
  const Rule& r = rule_of(what);
  if (auto v = sources.env ? sources.env(r.env) : std::string(); !v.empty()) return v;
  if (auto p = installed_path(r, sources.executable); !p.empty()) return p;
  if (r.in_source && reads_source_tree(sources)) return sources.source_dir + "/" + r.in_source;
  if (r.installed[0]) return (prefix_of(sources.executable) / r.installed[0]).string();
  return (sources.env ? sources.env("HOME") : std::string()) + "/" + r.in_home;
}

std::string resolve_data_path(DataPath what, const std::string& flag) {
  return resolve_data_path(what, flag, DataPathSources::of_process());
}

}  // namespace netconv
