// Command-line parsing with Boost.Program_options. Parsing opens no files; it only fills the
// library's option structs or reports a usage error.
#pragma once
#include <boost/program_options.hpp>
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
  bool no_validation_cache = false;
  std::string help_text;
};

// Bounds of -j/--jobs (0 = the number of cores) and --batch (records per work item).
constexpr long long kMaxJobs = 1024;
constexpr long long kMaxBatch = 1000000;

// Throws UsageError on bad options.
ParsedConvert parse_convert(const std::vector<std::string>& args);

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::vector<std::string> split_list(const std::string& s);

// A whole number in [low, high] given as text; throws UsageError naming `option` otherwise.
long long bounded_number(const char* option, const std::string& text, long long low, long long high);

// Parses a command's arguments: `desc` are the documented options, `hidden` the positional one
// (may be null); Boost errors become UsageError (exit 2).
boost::program_options::variables_map parse_command(const std::vector<std::string>& args,
                                                    const boost::program_options::options_description& desc,
                                                    const boost::program_options::options_description* hidden,
                                                    const boost::program_options::positional_options_description* pos);

}  // namespace netconv::cli
