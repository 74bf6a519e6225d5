// Command-line parsing with Boost.Program_options. Parsing opens no files; it only fills the
// library's option structs or reports a usage error.
#pragma once
#include <string>
#include <vector>

#include "pipeline/convert.hpp"

namespace netconv::cli {

struct CommonOptions {
  std::string mappings_dir;
  bool show_values = false;
  bool quiet = false;
};

struct ParsedConvert {
  CommonOptions common;
  ConvertOptions convert;
  bool help = false;
  bool no_progress = false;
  bool no_validate = false;
  std::string help_text;
};

// Throws UsageError on bad options.
ParsedConvert parse_convert(const std::vector<std::string>& args);

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::vector<std::string> split_list(const std::string& s);

}  // namespace netconv::cli
