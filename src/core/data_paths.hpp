// Where netconv's data files are found: the mapping tables (NAACCR's included), the C-CDA schema
// and the FHIR definition packages. One rule for all of them, in this order:
//   1. the command-line flag, when given;
//   2. the environment variable (NETCONV_MAPPINGS, NETCONV_CDA_SCHEMA, NETCONV_FHIR_PACKAGES),
//      when set and not empty;
//   3. beside the installed executable (<prefix>/share/netconv/..., for the tables also
//      <prefix>/mappings), when the file is there;
//   4. the default: for a binary running inside the build tree it was built in, the source tree
//      it was built from; for any other binary (installed, or unpacked from the .deb into some
//      root) the installed location of step 3 even when missing, so a broken installation says
//      where it looked instead of quietly reading the build machine's source tree. For the FHIR
//      packages always $HOME/.cache/netconv/fhir-packages (scripts/install-fhir-packages.sh).
// The paths are not checked here beyond step 3's probe: loading them reports what is missing.
#pragma once
#include <functional>
#include <string>

namespace netconv {

enum class DataPath { mappings, cda_schema, fhir_packages };

// What the rule reads from the process; tests give their own.
struct DataPathSources {
  std::function<std::string(const char* name)> env;  // "" when unset
  std::string executable;                             // the running binary, "" when unknown
  std::string source_dir;                             // the source tree the binary was built from
  std::string build_dir;                              // the build tree it was built in
  static DataPathSources of_process();
};

std::string resolve_data_path(DataPath what, const std::string& flag, const DataPathSources& sources);
// The same with the process's environment and executable.
std::string resolve_data_path(DataPath what, const std::string& flag = {});

}  // namespace netconv
