// netconv command line: parses options, calls the library, maps outcomes to exit codes
// (README "Exit codes"). Nothing else lives here.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>
#include <string>
#include <vector>

#include "formats/format.hpp"
#include "cli/options.hpp"
#include "core/errors.hpp"
#include "pipeline/convert.hpp"

using namespace netconv;

int run_check_mappings(const std::vector<std::string>& args);      // cli/mapping_commands.cpp
int run_export_terminology(const std::vector<std::string>& args);  // cli/mapping_commands.cpp
int run_explain(const std::vector<std::string>& args);             // cli/mapping_commands.cpp
namespace netconv::cli {
int run_validate(const std::vector<std::string>& args);  // cli/validate_command.cpp
int run_report(const std::vector<std::string>& args);    // cli/report_command.cpp
int run_version(const std::vector<std::string>& args);   // cli/version_command.cpp
int run_merge(const std::vector<std::string>& args);     // cli/merge_command.cpp
int run_serve(const std::vector<std::string>& args);     // cli/serve_command.cpp
}

namespace {

// The formats are the registry's, so a format registered once shows up here too.
std::string usage() {
  const auto& formats = builtin_formats();
  return "Usage: netconv COMMAND [options]\n\n"
         "Commands:\n"
         "  convert             convert registry records (" + formats.input_names(", ") + ") to the output formats (" + formats.output_names(", ") + ")\n"
         "  validate            check files of the output formats (" + formats.output_names(", ") + ") with each format's checker\n"
         "  check-mappings      check the mapping tables (CI lint: rule ids, file:line, text/github/junit/json)\n"
         "  export-terminology  write the mapping tables as FHIR ConceptMap/ValueSet/CodeSystem resources\n"
         "  explain             show which table rows a value matches and what every output format makes of it\n"
         "  report              draw a run folder's report.html again (counts, reject reasons, charts)\n"
         "  merge               merge the output folders of convert --shard K/N runs into one\n"
         "  serve               serve convert and validate over HTTP/1.1 (POST /convert, POST /validate, /healthz, /metrics)\n\n"
         "netconv --version prints the version, the mapping tables' sha256 and the FHIR packages in use;\n"
         "netconv COMMAND --help the command's options.\n";
}

std::string not_completed(const std::string& out) {
  return "netconv: the run did not complete; " + out +
         " keeps the previous completed run, if there was one (docs/output-folder.md)\n";
}

int run_convert(const std::vector<std::string>& args) {
  auto p = cli::parse_convert(args);
  if (p.help) {
    std::cout << p.help_text;
    return kExitOk;
  }
  p.convert.progress = !p.common.quiet && !p.no_progress && isatty(STDERR_FILENO);
  install_interrupt_handlers();
  StreamSink diags(std::cerr, p.common.show_values, p.common.quiet ? Severity::error : Severity::warning);
  auto tables = load_checked_tables(resolve_mappings_dir(p.common.mappings_dir), diags);
  const std::string& out = p.convert.output_dir;
  ConvertSummary summary;
  try {
    summary = convert(p.convert, tables, diags);
  } catch (const IoError& e) {
    std::cerr << "netconv: I/O error: " << e.what() << "\n" << (out == "-" ? "" : not_completed(out));
    return kExitIo;
  } catch (const ConfigError& e) {
    std::cerr << "netconv: configuration error: " << e.what() << "\n" << (out == "-" ? "" : not_completed(out));
    return kExitUsage;
  }
  if (summary.exit_code == kExitStreamClosed)
    std::cerr << "netconv: standard output was closed by its reader; the stream is incomplete and no report was written\n";
  else if (summary.interrupted && out == "-")
    std::cerr << "netconv: interrupted; the stream is incomplete and no report was written\n";
  else if (summary.interrupted)
    std::cerr << "netconv: interrupted; " << out << " keeps the previous completed run, if there was one; this run's counts are in "
              << out << "/report.interrupted.json\n";
  if (!p.common.quiet)
    std::cerr << "netconv: read " << summary.read << ", converted " << summary.converted << ", rejected "
              << summary.rejected << ", skipped " << summary.skipped << "; output in " << p.convert.output_dir << "\n";
  return summary.exit_code;
}

// A descriptor 0, 1 or 2 closed by the caller (`2>&-`) would be the next file netconv opens, so
// diagnostics would land in an output: each closed one is opened on /dev/null before anything else.
void ensure_standard_descriptors() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    int opened = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
    if (opened != fd) _exit(kExitIo);  // cannot happen unless /dev/null is missing
  }
}

}  // namespace

int main(int argc, char** argv) {
  ensure_standard_descriptors();
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << usage();
    return kExitUsage;
  }
  std::string cmd = args.front();
  args.erase(args.begin());
  try {
    if (cmd == "--version" || cmd == "version") return cli::run_version(args);
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
      std::cout << usage();
      return kExitOk;
    }
    if (cmd == "convert") return run_convert(args);
    if (cmd == "validate") return cli::run_validate(args);
    if (cmd == "check-mappings") return run_check_mappings(args);
    if (cmd == "export-terminology") return run_export_terminology(args);
    if (cmd == "explain") return run_explain(args);
    if (cmd == "report") return cli::run_report(args);
    if (cmd == "merge") return cli::run_merge(args);
    if (cmd == "serve") return cli::run_serve(args);
    std::cerr << "netconv: unknown command '" << cmd << "'\n" << usage();
    return kExitUsage;
  } catch (const cli::UsageError& e) {
    std::cerr << "netconv " << cmd << ": " << e.what() << " (see netconv " << cmd << " --help)\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    const auto exit = exit_for(e);
    std::cerr << "netconv: " << exit.what_kind << ": " << e.what() << (exit.code == kExitInternal ? " (please report it)" : "") << "\n";
    return exit.code;
  }
}
