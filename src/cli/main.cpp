// netconv command line: parses options, calls the library, maps outcomes to exit codes
// (README "Exit codes"). Nothing else lives here.
#include <iostream>
#include <string>
#include <vector>

#include "cli/options.hpp"
#include "core/errors.hpp"
#include "pipeline/convert.hpp"

using namespace netconv;

namespace {

const char* kUsage =
    "Usage: netconv COMMAND [options]\n\n"
    "Commands:\n"
    "  convert     convert registry records to FHIR R4 JSON\n\n"
    "netconv --version prints the version; netconv COMMAND --help the command's options.\n";

int run_convert(const std::vector<std::string>& args) {
  auto p = cli::parse_convert(args);
  if (p.help) {
    std::cout << p.help_text;
    return kExitOk;
  }
  StreamSink diags(std::cerr, p.common.show_values, p.common.quiet ? Severity::error : Severity::warning);
  auto tables = load_checked_tables(resolve_mappings_dir(p.common.mappings_dir), diags);
  auto summary = convert(p.convert, tables, diags);
  if (!p.common.quiet)
    std::cerr << "netconv: read " << summary.read << ", converted " << summary.converted << ", rejected "
              << summary.rejected << ", skipped " << summary.skipped << "; output in " << p.convert.output_dir << "\n";
  return summary.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  std::string cmd = args.front();
  args.erase(args.begin());
  try {
    if (cmd == "--version" || cmd == "version") {
      std::cout << "netconv " << NETCONV_VERSION << "\n";
      return kExitOk;
    }
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
      std::cout << kUsage;
      return kExitOk;
    }
    if (cmd == "convert") return run_convert(args);
    std::cerr << "netconv: unknown command '" << cmd << "'\n" << kUsage;
    return kExitUsage;
  } catch (const cli::UsageError& e) {
    std::cerr << "netconv " << cmd << ": " << e.what() << " (see netconv " << cmd << " --help)\n";
    return kExitUsage;
  } catch (const ConfigError& e) {
    std::cerr << "netconv: configuration error: " << e.what() << "\n";
    return kExitUsage;
  } catch (const IoError& e) {
    std::cerr << "netconv: I/O error: " << e.what() << "\n";
    return kExitIo;
  } catch (const std::exception& e) {
    std::cerr << "netconv: internal error: " << e.what() << "\n";
    return kExitIo;
  }
}
