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

std::string installed_path(const Rule& r, const std::string& executable) {
  if (executable.empty()) return "";
  const fs::path prefix = fs::path(executable).parent_path().parent_path();
  std::error_code ec;
  for (const char* rel : r.installed) {
    if (!rel) continue;
    const fs::path cand = prefix / rel;
    if (fs::exists(*r.probe ? cand / r.probe : cand, ec)) return cand.string();
  }
  return "";
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
  return s;
}

std::string resolve_data_path(DataPath what, const std::string& flag, const DataPathSources& sources) {
  if (!flag.empty()) return flag;
  const Rule& r = rule_of(what);
  if (auto v = sources.env ? sources.env(r.env) : std::string(); !v.empty()) return v;
  if (auto p = installed_path(r, sources.executable); !p.empty()) return p;
  if (r.in_source) return sources.source_dir + "/" + r.in_source;
  return (sources.env ? sources.env("HOME") : std::string()) + "/" + r.in_home;
}

std::string resolve_data_path(DataPath what, const std::string& flag) {
  return resolve_data_path(what, flag, DataPathSources::of_process());
}

}  // namespace netconv
