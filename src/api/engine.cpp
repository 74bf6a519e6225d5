// netconv::Engine: the tables, checkers and writers loaded once, then shared by every call.
#include <istream>
#include <algorithm>

#include <dlfcn.h>

#include <filesystem>

#include "api/engine_impl.hpp"
#include "core/ids.hpp"
#include "core/lineage.hpp"
#include "core/data_paths.hpp"
#include "core/errors.hpp"
#include "report/quality_stats.hpp"

namespace netconv {

namespace {

constexpr const char* kFhirLayouts[] = {"bulk", "bundle"};
constexpr const char* kCdaLayouts[] = {"document", "entries"};

// The prefix the shared library is installed under (<prefix>/<libdir>/libnetconv.so), "" when
// the code is linked into the program itself (the CLI's rule, beside the executable, applies).
std::string library_prefix() {
  Dl_info info{};
  if (!dladdr(reinterpret_cast<void*>(&library_version), &info) || !info.dli_fname) return "";
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  std::filesystem::path lib = std::filesystem::weakly_canonical(info.dli_fname, ec);
  if (lib.empty() || lib == self) return "";
  lib = lib.parent_path();
  if (std::filesystem::path(NETCONV_INSTALL_LIBDIR).is_absolute()) return "";
  for (const auto& part : std::filesystem::path(NETCONV_INSTALL_LIBDIR)) {
    (void)part;
    lib = lib.parent_path();
  }
  return lib.string();
}

// A data path as the CLI finds it, except that a program using the installed shared library
// finds the data installed beside the library (<prefix>/share/netconv) before its own.
std::string resolve_for_library(DataPath what, const std::string& option) {
  constexpr const char* kNotFound = "\x01";  // marks the rule's last step, the source tree
  DataPathSources sources = DataPathSources::of_process();
  if (const std::string prefix = library_prefix(); !prefix.empty()) {
    DataPathSources beside_library = sources;
    beside_library.executable = prefix + "/bin/netconv";
    beside_library.source_dir = kNotFound;
    const std::string found = resolve_data_path(what, option, beside_library);
    if (found.rfind(kNotFound, 0) != 0) return found;  // an option, a variable or beside the library
  }
  return resolve_data_path(what, option, sources);
}

ConvertOptions pipeline_options(const EngineOptions& o, const FormatRegistry& formats) {
  ConvertOptions c;
  c.formats = &formats;
  c.patient_id_system = o.patient_id_system;
  c.registry_id = o.registry_id;
  c.icd10cm_current_edition = o.icd10cm_current_edition;
  c.columns_file = o.columns_file;
  c.naaccr_dictionary = o.naaccr_dictionary;
  c.writer.cda_config = o.cda_config;
  c.validate = o.validate;
  c.validation_cache = o.validation_cache;
  c.validation_cache_limit = o.validation_cache_limit;
  c.fhir_packages = o.fhir_packages;
  c.fhir_schema = o.fhir_schema;
  c.cda_schema = resolve_for_library(DataPath::cda_schema, o.cda_schema);
  c.max_rows_per_patient = o.max_rows_per_patient;
  return c;
}

// The tables, with the first problems in the message when they cannot be used (the CLI prints
// them on stderr; a library has no stderr of its own).
MappingSet load_tables(const std::string& flag) {
  CollectingSink problems;
  try {
    return load_checked_tables(resolve_for_library(DataPath::mappings, flag), problems);
  } catch (const ConfigError& e) {
    std::string message = e.what();
    for (std::size_t i = 0; i < problems.items.size() && i < 5; ++i) message += "\n  " + format_diagnostic(problems.items[i], false);
    throw ConfigError(message);
  }
}

// `names` without repeats, in the registry's order (the order outputs are delivered in).
std::vector<std::string> in_registry_order(const FormatRegistry& formats, const std::vector<std::string>& names) {
  for (const auto& n : names)
    if (!formats.output(n)) throw ConfigError("unknown output format '" + n + "' (expected " + formats.output_names() + ")");
  std::vector<std::string> out;
  for (const auto& f : formats.outputs())
    if (std::find(names.begin(), names.end(), f.name) != names.end()) out.push_back(f.name);
  return out;
}

std::vector<std::string> layouts_of(const std::string& format, const std::vector<std::string>& to) {
  if (std::find(to.begin(), to.end(), format) == to.end()) return {""};
  if (format == "fhir") return {std::begin(kFhirLayouts), std::end(kFhirLayouts)};
  return {std::begin(kCdaLayouts), std::end(kCdaLayouts)};
}

}  // namespace

std::string stage_key(const FormatRegistry& formats, const std::vector<std::string>& to, const std::string& fhir_layout,
                      const std::string& cda_layout) {
  std::string key;
  for (const auto& name : in_registry_order(formats, to)) {
    if (!key.empty()) key += '+';
    key += name;
    if (name == "fhir") key += ":" + fhir_layout;
    if (name == "cda") key += ":" + cda_layout;
  }
  return key;
}

EngineState::EngineState(const EngineOptions& o)
    : options(o), formats(builtin_formats()), tables(load_tables(o.mappings_dir)), base(pipeline_options(o, formats)) {
  if (!o.registry_id.empty() && !valid_registry_id(o.registry_id)) throw ConfigError("registry id must be 1-64 of A-Z a-z 0-9 . _ -");
  if (!o.columns_file.empty()) columns = load_column_map(o.columns_file);
  tables_sha256 = report::mapping_tables_sha256(tables.dir());
  // An engine converts messages, not one file: its meta.source names the engine's run (version
  // and tables), the same for every call, so a resource converted twice is the same bytes.
  auto& lineage = base.writer.lineage;
  lineage.tables_sha256 = tables_sha256;
  lineage.run_id = run_id(NETCONV_VERSION, tables_sha256, {});
  lineage.meta_source = meta_source_uri(o.registry_id, lineage.run_id);
  const auto outputs = in_registry_order(formats, o.outputs);
  if (outputs.empty()) throw ConfigError("the engine needs at least one output format (" + formats.output_names() + ")");
  checkers = load_checkers(base, formats, outputs);
  for (const auto& [name, checker] : checkers.by_format) validators[name] = checker;
  if (o.validate && o.validate_any_fhir_type && formats.output("fhir") && formats.output("fhir")->checker) {
    CheckerOptions every_type = checker_options(base);
    every_type.own_output_only = false;
    validators["fhir"] = formats.output("fhir")->checker(every_type);
  }
  // one stage per non-empty subset of the outputs and per layout of each format in it
  for (unsigned mask = 1; mask < (1u << outputs.size()); ++mask) {
    std::vector<std::string> to;
    for (std::size_t i = 0; i < outputs.size(); ++i)
      if (mask & (1u << i)) to.push_back(outputs[i]);
    for (const auto& fhir_layout : layouts_of("fhir", to))
      for (const auto& cda_layout : layouts_of("cda", to)) {
        EngineStage st;
        st.options = base;
        st.options.to = to;
        if (!fhir_layout.empty()) st.options.writer.fhir_layout = fhir_layout;
        if (!cda_layout.empty()) st.options.writer.cda_layout = cda_layout;
        st.outputs = std::make_unique<OutputStage>(st.options, formats, tables, checkers);
        st.work = std::make_unique<PatientWork>(st.options, tables, *st.outputs);
        stages.emplace(stage_key(formats, to, st.options.writer.fhir_layout, st.options.writer.cda_layout), std::move(st));
      }
  }
}

const EngineStage& EngineState::stage_for(const ConvertRequest& request) const {
  if (request.to.empty()) throw ConfigError("a conversion needs at least one output format (to)");
  for (const auto& name : request.to)
    if (std::find(options.outputs.begin(), options.outputs.end(), name) == options.outputs.end())
      throw ConfigError("output format '" + name + "' is not among the engine's outputs");
  auto known = [](const auto& layouts, const std::string& l) { return std::find(std::begin(layouts), std::end(layouts), l) != std::end(layouts); };
  if (!known(kFhirLayouts, request.fhir_layout)) throw ConfigError("fhir_layout must be bulk or bundle");
  if (!known(kCdaLayouts, request.cda_layout)) throw ConfigError("cda_layout must be document or entries");
  auto it = stages.find(stage_key(formats, request.to, request.fhir_layout, request.cda_layout));
  if (it == stages.end()) throw std::logic_error("no stage prepared for the request's outputs");
  return it->second;
}

struct Engine::Impl : EngineState {
  using EngineState::EngineState;
};

Engine::Engine(const EngineOptions& options)
    : impl_(translate_errors([&] { return std::make_unique<const Impl>(options); })) {}
Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

const EngineOptions& Engine::options() const noexcept { return impl_->options; }
std::string Engine::mapping_tables_sha256() const { return impl_->tables_sha256; }

Counts Engine::convert(std::string_view input, const ConvertRequest& request, Sink& sink) const {
  return translate_errors([&] { return convert_in_memory(*impl_, input, request, sink); });
}

Counts Engine::convert(std::istream& input, const ConvertRequest& request, Sink& sink) const {
  std::string bytes;
  translate_errors([&] {
    char buf[64 * 1024];
    while (input.read(buf, sizeof buf) || input.gcount() > 0) {
      bytes.append(buf, static_cast<std::size_t>(input.gcount()));
      if (request.max_input_bytes && bytes.size() > request.max_input_bytes)
        throw Error(ErrorKind::limit, "input exceeds " + std::to_string(request.max_input_bytes) + " bytes (max_input_bytes)");
    }
    if (input.bad()) throw IoError("read error on " + request.input_name);
    return 0;
  });
  return convert(std::string_view(bytes), request, sink);
}

ValidationResult Engine::validate(std::string_view bytes, std::string_view kind) const {
  return translate_errors([&] {
    auto it = impl_->validators.find(std::string(kind));
    if (it == impl_->validators.end())
      throw ConfigError(!impl_->options.validate ? "validate() needs an engine opened with validate = true"
                                                 : "validate() checks kind fhir or cda, of the engine's outputs");
    ValidationResult result;
    const std::string name = kind == "cda" ? "<memory>.xml" : "<memory>.json";
    auto session = impl_->checkers.sessions->borrow();
    it->second->check_file(*session, name, bytes, [&](CheckedUnit unit) {
      for (const auto& d : unit.issues) {
        Issue i = to_issue(d);
        if (!unit.label.empty()) i.where = unit.label;
        if (i.severity == IssueSeverity::error) result.valid = false;
        result.issues.push_back(std::move(i));
      }
    });
    return result;
  });
}

}  // namespace netconv
