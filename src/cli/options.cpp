#include "cli/options.hpp"

#include <boost/program_options.hpp>
#include <algorithm>
#include <cctype>
#include <sstream>

#include "core/lineage.hpp"
#include "core/ids.hpp"

namespace po = boost::program_options;

namespace netconv::cli {

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',') { if (!cur.empty()) out.push_back(cur); cur.clear(); }
    else cur += c;
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

po::variables_map parse_command(const std::vector<std::string>& args, const po::options_description& desc,
                                const po::options_description* hidden, const po::positional_options_description* pos) {
  po::options_description all;
  all.add(desc);
  if (hidden) all.add(*hidden);
  po::variables_map vm;
  try {
    // the parser keeps a reference to the positional description: it must outlive run()
    const po::positional_options_description none;
    auto parser = po::command_line_parser(args).options(all);
    parser.positional(pos ? *pos : none);
    po::store(parser.run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return vm;
}

// A whole number in [low, high]: Boost would read "-1" into an unsigned as 4294967295.
long long bounded_number(const char* option, const std::string& text, long long low, long long high) {
  std::size_t used = 0;
  long long v = 0;
  bool ok = !text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '-');
  if (ok) {
    try {
      v = std::stoll(text, &used);
    } catch (const std::exception&) {
      ok = false;
    }
  }
  if (!ok || used != text.size() || v < low || v > high)
    throw UsageError(std::string(option) + " must be a whole number from " + std::to_string(low) + " to " +
                     std::to_string(high) + " (got '" + text + "')");
  return v;
}

namespace {

// "csv | ndjson | naaccr-xml" and each format's one-line summary, from the registry.
std::string format_help(const FormatRegistry& formats) {
  std::string from = "input format: ", to = "output formats, comma-separated: ";
  for (const auto& f : formats.inputs()) from += (&f == &formats.inputs().front() ? "" : " | ") + f.name;
  from += " (default: by content - a NaaccrData root element, a '{', else csv - with the file extension as a hint)";
  for (const auto& f : formats.outputs()) to += (&f == &formats.outputs().front() ? "" : ", ") + f.name + " (" + f.summary + ")";
  return from + '\n' + to;
}

// Bundle options and the registry id, checked before anything is read.
void check_lineage_options(const ConvertOptions& c) {
  const auto& w = c.writer;
  if (w.fhir_bundle_type != "transaction" && w.fhir_bundle_type != "batch")
    throw UsageError("--bundle-type must be transaction or batch");
  if (!w.fhir_base_url.empty())
    if (auto problem = fhir_base_url_problem(w.fhir_base_url); !problem.empty())
      throw UsageError("--fhir-base-url " + problem + " (got '" + w.fhir_base_url + "')");
  if (!c.registry_id.empty() && !valid_registry_id(c.registry_id))
    throw UsageError("--registry-id must be 1-64 letters, digits, '.', '_' or '-'");
  if (c.delete_missing_patients && c.since.empty()) throw UsageError("--delete-missing-patients needs --since");
}

// --shard K/N: two whole numbers, 1 <= K <= N <= 4096.
void parse_shard(const std::string& text, ConvertOptions& c) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) throw UsageError("--shard must be K/N, e.g. 2/4 (got '" + text + "')");
  c.shard_count = static_cast<unsigned>(bounded_number("--shard N", text.substr(slash + 1), 1, 4096));
  c.shard_index = static_cast<unsigned>(bounded_number("--shard K", text.substr(0, slash), 1, c.shard_count));
}

// The options of output meant for a FHIR server: bundles it accepts, the registry's identity.
void add_server_options(po::options_description& desc, ParsedConvert& p) {
  desc.add_options()
      ("bundle-type", po::value(&p.convert.writer.fhir_bundle_type)->default_value("transaction"),
       "transaction | batch: Bundle.type of the bundle layout (every entry a PUT to Type/id)")
      ("fhir-base-url", po::value(&p.convert.writer.fhir_base_url),
       "absolute http(s) URL of the FHIR server: Bundle entries' fullUrl is BASE/Type/id (default urn:uuid:<UUID from type and id>)")
      ("provenance", po::bool_switch(&p.convert.writer.provenance),
       "one Provenance per patient (netconv, input files by name and SHA-256, the patient's resources): in its Bundle, or fhir/Provenance.ndjson")
      ("patient-id-system", po::value(&p.convert.patient_id_system),
       "identifier system URI for patient_id (default: urn:netconv:registry:<ID>:patient with --registry-id, else urn:netconv:patient-id)")
      ("registry-id", po::value(&p.convert.registry_id),
       "the registry's id, [A-Za-z0-9._-]{1,64}: names the identifier systems (urn:netconv:registry:<ID>:patient|fact); "
       "default: registry_id in --cda-config, then a NAACCR file's registryId")
      ("since", po::value(&p.convert.since),
       "write only what changed since a previous run: PREV is its output folder or manifest.ndjson (README: Loading into a FHIR server)")
      ("delete-missing-patients", po::bool_switch(&p.convert.delete_missing_patients),
       "with --since: delete the resources of previous patients this export does not contain (exports can be partial: off by default)");
}

// The options of runs that are one part of a larger whole: a shard, or a stage of a pipeline.
void add_pipeline_options(po::options_description& desc, ParsedConvert& p, std::string& shard) {
  desc.add_options()
      ("shard", po::value(&shard), "K/N: convert only the patients of shard K of N (1 <= K <= N <= 4096); the others are read and skipped (reason \"shard\")")
      ("report", po::value(&p.convert.report_file), "with -o -: write report.json to this file (default: none)")
      ("rejects", po::value(&p.convert.rejects_file), "with -o -: write rejects.ndjson to this file (default: none; stderr names each reject)");
}

void check_pipeline_options(const po::variables_map& vm, const std::string& shard, ParsedConvert& p) {
  if (vm.count("shard")) parse_shard(shard, p.convert);
  const bool streaming = p.convert.output_dir == "-";
  if (!streaming && (!p.convert.report_file.empty() || !p.convert.rejects_file.empty()))
    throw UsageError("--report and --rejects go with -o - (a folder holds its own report.json and rejects.ndjson)");
  if (streaming && !p.convert.since.empty())
    throw UsageError("--since writes a delta into an output folder (its manifest and deleted.ndjson): not with -o -");
  if (p.convert.shard_count && p.convert.delete_missing_patients)
    throw UsageError("--delete-missing-patients needs the whole export: a shard cannot tell which missing patients were its own");
  if (streaming && (p.convert.to.size() != 1 || p.convert.to.front() == "cda"))
    throw UsageError("-o - streams exactly one NDJSON output: --to fhir (CDA documents are one file per patient)");
}

}  // namespace

ParsedConvert parse_convert(const std::vector<std::string>& args) {
  ParsedConvert p;
  const auto& formats = builtin_formats();
  const auto help = format_help(formats);
  const std::string from_help = help.substr(0, help.find('\n')), to_help = help.substr(help.find('\n') + 1);
  std::string to = "fhir", icd10cm_edition = "diagnosis-date", jobs, batch, cache_limit, memory_limit, shard;
  long long max_rows = 1000;
  po::options_description desc(
      "Usage: netconv convert [options] INPUT... ('-' = stdin)\n\n"
      "Converts NET registry records (the --from formats below) to the --to formats, checking every\n"
      "output before it is written.\n\nOptions");
  desc.add_options()
      ("help,h", "show this help")
      ("from", po::value(&p.convert.from), from_help.c_str())
      ("to", po::value(&to)->default_value("fhir"), to_help.c_str())
      ("output,o", po::value(&p.convert.output_dir)->default_value("out"), "output directory; - = one NDJSON stream on standard output")
      ("mappings", po::value(&p.common.mappings_dir), "mapping-table directory (default: $NETCONV_MAPPINGS, then the installed tables)")
      ("fhir-layout", po::value(&p.convert.writer.fhir_layout)->default_value("bulk"),
       "bulk: fhir/<ResourceType>.ndjson | bundle: fhir/bundles.ndjson, one transaction Bundle per patient")
      ("cda-layout", po::value(&p.convert.writer.cda_layout)->default_value("document"),
       "document: cda/<file-key>.xml, one C-CDA 2.1 CCD per patient | entries: cda/<file-key>.<section>.xml")
      ("cda-config", po::value(&p.convert.writer.cda_config), "CDA header configuration (author, custodian); default: built-in")
      ("naaccr-dictionary", po::value(&p.convert.naaccr_dictionary), "NAACCR XML dictionary file (base or user dictionary) to check items against")
      ("icd10cm-edition", po::value(&icd10cm_edition)->default_value("diagnosis-date"),
       "diagnosis-date: the ICD-10-CM code valid on the diagnosis date | current: the newest edition in the tables")
      ("columns", po::value(&p.convert.columns_file), "TSV mapping the site's header names onto contract columns (source<TAB>target)")
      ("no-validate", po::bool_switch(&p.no_validate), "do not validate outputs before writing them")
      ("no-validation-cache", po::bool_switch(&p.no_validation_cache),
       "validate every FHIR resource and CDA document in full instead of re-checking repeats of validated shapes (same verdicts, slower)")
      ("validation-cache-limit", po::value(&cache_limit)->default_value("64"),
       "MiB one worker's validation caches may hold before they are dropped and start again, 1-65536 (same verdicts)")
      ("fhir-packages", po::value(&p.convert.fhir_packages), "FHIR definition packages dir (default $NETCONV_FHIR_PACKAGES, then ~/.cache/netconv/fhir-packages)")
      ("fhir-schema", po::value(&p.convert.fhir_schema), "also validate FHIR output against this official fhir.schema.json")
      ("cda-schema", po::value(&p.convert.cda_schema), "validate CDA output against this XSD (e.g. HL7 CDA_SDTC.xsd) instead of schemas/cda/netconv-ccda.xsd")
      ("jobs,j", po::value(&jobs)->default_value("0"), "worker threads, 1-1024 (default 0 = number of cores); output is identical for any value")
      ("batch", po::value(&batch)->default_value("256"), "records per unit of parallel work, 1-1000000 (tuning; output does not depend on it)")
      ("max-rows-per-patient", po::value(&max_rows)->default_value(1000),
       "records one patient may have (rows, NAACCR tumors); a patient with more is rejected whole (NC-REC-007)")
      ("memory-limit", po::value(&memory_limit)->default_value("256"),
       "MiB the grouping of records by patient may hold before it sorts on disk in the output folder, 1-1048576")
      ("presorted", po::bool_switch(&p.convert.presorted),
       "records of a patient are contiguous: group them in one pass as read (a patient that reappears: NC-REC-006)")
      ("no-progress", po::bool_switch(&p.no_progress), "no progress line on stderr (it is shown only when stderr is a terminal)")
      ("show-values", po::bool_switch(&p.common.show_values), "print offending field values in diagnostics (trusted machines only)")
      ("quiet,q", po::bool_switch(&p.common.quiet), "print errors only");
  add_server_options(desc, p);
  add_pipeline_options(desc, p, shard);
  po::options_description hidden;
  hidden.add_options()("input", po::value(&p.convert.inputs)->multitoken());
  po::positional_options_description pos;
  pos.add("input", -1);
  auto vm = parse_command(args, desc, &hidden, &pos);
  std::ostringstream h;
  h << desc;
  p.help_text = h.str();
  p.help = vm.count("help") > 0;
  if (p.help) return p;
  p.convert.to = split_list(to);
  check_pipeline_options(vm, shard, p);
  p.convert.jobs = static_cast<unsigned>(bounded_number("--jobs", jobs, 0, kMaxJobs));
  p.convert.batch_records = static_cast<std::size_t>(bounded_number("--batch", batch, 1, kMaxBatch));
  if (p.convert.inputs.empty()) throw UsageError("no input given (use '-' for standard input)");
  if (!p.convert.from.empty() && !formats.input(p.convert.from))
    throw UsageError("--from must be " + formats.input_names());
  if (icd10cm_edition != "diagnosis-date" && icd10cm_edition != "current")
    throw UsageError("--icd10cm-edition must be diagnosis-date or current");
  p.convert.icd10cm_current_edition = icd10cm_edition == "current";
  check_lineage_options(p.convert);
  if (max_rows < 1 || max_rows > 1000000) throw UsageError("--max-rows-per-patient must be 1 to 1000000");
  p.convert.max_rows_per_patient = static_cast<std::size_t>(max_rows);
  p.convert.memory_limit = static_cast<std::size_t>(bounded_number("--memory-limit", memory_limit, 1, 1048576)) << 20;
  p.convert.show_values = p.common.show_values;
  p.convert.validate = !p.no_validate;
  p.convert.validation_cache = !p.no_validation_cache;
  p.convert.validation_cache_limit = static_cast<std::size_t>(bounded_number("--validation-cache-limit", cache_limit, 1, 65536)) << 20;
  return p;
}

}  // namespace netconv::cli
