// netconv --version: the version, and what a conversion started now would map and validate with
// (the mapping tables' digest, the FHIR definition packages' versions), so a bug report or an
// audit names the data as well as the code. Missing data is reported, not an error: exit 0.
#include <iostream>
#include <string>
#include <vector>

#include "netconv/version.hpp"
#include "core/errors.hpp"
#include "pipeline/convert.hpp"
#include "report/quality_stats.hpp"
#include "validation/fhir_validator.hpp"

namespace netconv::cli {
namespace {

void print_tables(std::ostream& out) {
  const std::string dir = resolve_mappings_dir("");
  // the digest report.json's quality section records, from the same function
  const std::string sha = report::mapping_tables_sha256(dir);
  if (sha.empty()) out << "mapping tables: not found in " << dir << "\n";
  else out << "mapping tables: " << dir << " (sha256 " << sha << ")\n";
}

void print_fhir_packages(std::ostream& out) {
  const std::string dir = resolve_fhir_packages_dir("");
  const auto versions = installed_fhir_package_versions(dir);
  const auto& required = required_fhir_packages();
  bool any = false;
  for (const auto& v : versions) any = any || !v.empty();
  if (!any) {
    out << "FHIR packages: none in " << dir << " (scripts/install-fhir-packages.sh installs them; FHIR output cannot be validated without them)\n";
    return;
  }
  out << "FHIR packages: " << dir << "\n";
  for (std::size_t i = 0; i < required.size(); ++i) {
    out << "  " << required[i].name << " ";
    if (versions[i].empty()) out << "absent (needs " << required[i].version << ")\n";
    else if (versions[i] != required[i].version) out << versions[i] << " (checked against " << required[i].version << ")\n";
    else out << versions[i] << "\n";
  }
}

}  // namespace

int run_version(const std::vector<std::string>& args) {
  if (!args.empty()) {
    std::cerr << "netconv --version takes no arguments; the data locations follow NETCONV_MAPPINGS and NETCONV_FHIR_PACKAGES\n";
    return kExitUsage;
  }
  std::cout << "netconv " << version_string << "\n";
  print_tables(std::cout);
  print_fhir_packages(std::cout);
  return kExitOk;
}

}  // namespace netconv::cli
