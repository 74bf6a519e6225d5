// Command-line front ends of the mapping-table commands (check-mappings, export-terminology,
// explain): option parsing only; the work is in src/commands/. Usage errors throw
// cli::UsageError (exit 2), I/O errors IoError (exit 3), both handled in main.cpp.
#include <boost/program_options.hpp>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/options.hpp"
#include "commands/check_mappings.hpp"
#include "commands/explain.hpp"
#include "commands/export_terminology.hpp"
#include "core/errors.hpp"
#include "pipeline/convert.hpp"

namespace po = boost::program_options;
using namespace netconv;

namespace {

po::variables_map parse(const std::vector<std::string>& args, const po::options_description& desc,
                        const po::positional_options_description* pos = nullptr, const po::options_description* hidden = nullptr) {
  return cli::parse_command(args, desc, hidden, pos);
}

std::string help_of(const po::options_description& d) {
  std::ostringstream h;
  h << d;
  return h.str();
}

}  // namespace

int run_check_mappings(const std::vector<std::string>& args) {
  CheckOptions o;
  std::string format = "text", mappings;
  po::options_description desc(
      "Usage: netconv check-mappings [options]\n\n"
      "Checks the mapping tables: structure, code formats, systems per element, provenance, coverage of\n"
      "the input contracts and a round trip of synthetic records (rule ids NC-MAP-nnn, docs/check-mappings.md).\n"
      "Exit 0: clean or warnings only; 1: errors (or warnings with --strict); 2: usage; 3: I/O error.\n\nOptions");
  desc.add_options()
      ("help,h", "show this help")
      ("mappings", po::value(&mappings), "mapping-table directory (default: $NETCONV_MAPPINGS, then the installed tables)")
      ("format", po::value(&format)->default_value("text"), "report format: text | github (workflow annotations) | junit (XML) | json")
      ("strict", po::bool_switch(&o.strict), "warnings are errors (unverified rows must be verified or allow-listed)")
      ("allow", po::value(&o.allow_file), "allow-list of accepted unverified rows (default: <mappings>/unverified-allowlist.tsv)")
      ("no-round-trip", "skip the synthetic-record round trip");
  auto vm = parse(args, desc);
  if (vm.count("help")) {
    std::cout << help_of(desc);
    return kExitOk;
  }
  if (format != "text" && format != "github" && format != "junit" && format != "json")
    throw cli::UsageError("--format must be text, github, junit or json");
  o.round_trip = !vm.count("no-round-trip");
  o.mappings_dir = resolve_mappings_dir(mappings);
  auto report = check_mappings(o);
  std::cout << render_check_report(report, format);
  return report.exit_code;
}

int run_export_terminology(const std::vector<std::string>& args) {
  ExportOptions o;
  std::string mappings;
  po::options_description desc(
      "Usage: netconv export-terminology [--mappings DIR] -o DIR\n\n"
      "Writes the mapping tables as FHIR R4 ConceptMap, ValueSet and CodeSystem resources (one JSON file\n"
      "each, deterministic) for terminology servers and reviewers.\n\nOptions");
  desc.add_options()
      ("help,h", "show this help")
      ("mappings", po::value(&mappings), "mapping-table directory (default: $NETCONV_MAPPINGS, then the installed tables)")
      ("output,o", po::value(&o.output_dir), "output directory (created; netconv's own *.json files in it are replaced)");
  auto vm = parse(args, desc);
  if (vm.count("help")) {
    std::cout << help_of(desc);
    return kExitOk;
  }
  if (o.output_dir.empty()) throw cli::UsageError("-o DIR is required");
  o.mappings_dir = resolve_mappings_dir(mappings);
  auto r = export_terminology(o);
  std::cerr << "netconv: wrote " << r.files.size() << " terminology resource(s) to " << o.output_dir << "\n";
  return kExitOk;
}

int run_explain(const std::vector<std::string>& args) {
  ExplainOptions o;
  std::string mappings;
  po::options_description desc(
      "Usage: netconv explain [--mappings DIR] VALUE...\n\n"
      "Shows which mapping-table rows a value matches (file:line) and the FHIR elements and C-CDA entries it\n"
      "becomes. VALUE: an ICD-O-3 code (8249/3, C17.2), a target code (C7A.012, 30664006), an agent\n"
      "(octreotide), a contract value (MEN1), a concept key (symptom.flushing), or '-' for CSV rows (with\n"
      "header) on standard input, explained record by record.\n\nOptions");
  desc.add_options()
      ("help,h", "show this help")
      ("mappings", po::value(&mappings), "mapping-table directory (default: $NETCONV_MAPPINGS, then the installed tables)");
  po::options_description hidden;
  hidden.add_options()("value", po::value(&o.values)->multitoken());
  po::positional_options_description pos;
  pos.add("value", -1);
  auto vm = parse(args, desc, &pos, &hidden);
  if (vm.count("help")) {
    std::cout << help_of(desc);
    return kExitOk;
  }
  if (o.values.empty()) throw cli::UsageError("no VALUE given (use '-' for a CSV row on standard input)");
  o.mappings_dir = resolve_mappings_dir(mappings);
  return explain(o, std::cin, std::cout);
}
