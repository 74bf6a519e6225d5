// `netconv validate`: option parsing only; the work is validate_files() in the library.
#include <boost/program_options.hpp>
#include <iostream>
#include <sstream>

#include "cli/options.hpp"
#include "core/errors.hpp"
#include "validation/validate_files.hpp"

namespace po = boost::program_options;

namespace netconv::cli {

int run_validate(const std::vector<std::string>& args) {
  ValidateFilesOptions o;
  std::string format = "text";
  bool no_cache = false;
  po::options_description desc(
      "Usage: netconv validate [options] FILE|DIR...\n\n"
      "Checks FHIR R4 JSON (.json resource or Bundle, .ndjson/.jsonl one resource per line) against R4 and\n"
      "the profiles in each resource's meta.profile, and CDA XML (.xml document or section/entry snippet)\n"
      "against the CDA schema. A folder is searched recursively; in a netconv output folder only the\n"
      "data files are checked (not report.json, rejects.ndjson). Prints each problem with file, line,\n"
      "path, rule and message, then 'N passed, M failed'. Exit 0 all pass, 1 something failed,\n"
      "2 usage, 3 a file missing or unreadable.\n\nOptions");
  desc.add_options()
      ("help,h", "show this help")
      ("profile", po::value(&o.profile), "also check every FHIR resource against this profile URL")
      ("fhir-schema", po::value(&o.fhir_schema), "also check FHIR against this official fhir.schema.json")
      ("cda-schema", po::value(&o.cda_schema), "CDA XSD (default schemas/cda/netconv-ccda.xsd; e.g. HL7 CDA_SDTC.xsd)")
      ("fhir-packages", po::value(&o.fhir_packages), "FHIR definition packages dir (see scripts/install-fhir-packages.sh)")
      ("format", po::value(&format)->default_value("text"), "text | json | github")
      ("no-validation-cache", po::bool_switch(&no_cache), "validate every FHIR resource and CDA document in full (same verdicts, slower)")
      ("quiet,q", po::bool_switch(&o.quiet), "print failures and the summary only");
  po::options_description hidden;
  hidden.add_options()("input", po::value(&o.inputs)->multitoken());
  po::positional_options_description pos;
  pos.add("input", -1);
  auto vm = parse_command(args, desc, &hidden, &pos);
  if (vm.count("help")) {
    std::cout << desc;
    return kExitOk;
  }
  try {
    o.format = parse_validate_format(format);
  } catch (const std::invalid_argument&) {
    throw UsageError("--format must be text, json or github");
  }
  if (o.inputs.empty()) throw UsageError("no file or folder given");
  o.validation_cache = !no_cache;
  return validate_files(o, std::cout);
}

}  // namespace netconv::cli
