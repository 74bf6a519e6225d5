// FHIR R4 JSON (mCODE) as an output format: the writer (writers/fhir_*), the validator
// (validation/fhir_*) as its checker, and how `validate` and explain read its files.
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>

#include "core/text.hpp"
#include "formats/format.hpp"
#include "validation/fhir_primitives.hpp"
#include "validation/fhir_validator.hpp"
#include "validation/json_locate.hpp"

namespace netconv {

std::unique_ptr<OutputWriter> make_fhir_writer(const WriterOptions& o, const MappingSet& t);  // writers/fhir_output.cpp

namespace {
using nlohmann::json;

// How `validate` shows an issue: the rule as its code (e.g. [cardinality]).
Diagnostic as_diagnostic(CheckIssue&& i) {
  const auto severity = i.severity == CheckSeverity::warning ? Severity::warning : Severity::error;
  return {severity, std::move(i.rule), std::move(i.location), std::move(i.message), ""};
}

class FhirChecker : public OutputChecker {
 public:
  explicit FhirChecker(const CheckerOptions& o) : profile_(o.profile) {
    FhirValidatorOptions vo;
    vo.schema_file = o.fhir_schema;
    vo.memoize = o.validation_cache;
    // the types the FHIR writer emits (and the base types every resource derives from): fewer
    // definitions compiled, less memory, for a run that checks only its own output
    if (o.own_output_only)
      vo.resource_types = {"Resource", "DomainResource", "Patient", "Condition", "Observation", "Procedure",
                           "MedicationAdministration", "Provenance", "Bundle"};
    validator_.emplace(FhirValidator::load(resolve_fhir_packages_dir(o.fhir_packages), vo));
  }

  void check(CheckSession& session, const RenderedPatient& out, FailedRecords& failed) const override {
    for (const auto& t : out.targets) {
      if (t.media != validator_->media()) continue;
      std::string_view text(out.chunks[t.chunk].bytes.data() + t.offset, t.length);
      std::string label = t.label;
      for (const auto& issue : validator_->check(session, text, {std::string(), true, {}})) {
        // a FHIR target carries no label: the failed resource is named here, once
        if (label.empty()) label = out.chunks[t.chunk].path + " " + fhir_resource_label(json::parse(text, nullptr, false));
        Diagnostic d = issue.diagnostic();
        d.location = {label, 0, 0, issue.location.field};
        failed[std::string(t.record_key)].push_back(std::move(d));
      }
    }
  }

  void check_file(CheckSession& session, const std::string& path, std::string_view text,
                  const std::function<void(CheckedUnit)>& emit) const override {
    const auto ext = lower_extension(path);
    if (ext != ".ndjson" && ext != ".jsonl") return check_text(session, path, text, 0, false, emit);
    std::size_t pos = 0, line = 0, count = 0;
    while (pos <= text.size()) {
      auto nl = text.find('\n', pos);
      std::string_view l = text.substr(pos, (nl == std::string_view::npos ? text.size() : nl) - pos);
      ++line;
      if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
      if (l.find_first_not_of(" \t") != std::string_view::npos) {
        ++count;
        check_text(session, path, l, line, true, emit);
      }
      if (nl == std::string_view::npos) break;
      pos = nl + 1;
    }
    if (count == 0)
      emit(CheckedUnit{path, 0, "(empty)", {{Severity::error, "ndjson", {path, 0, 0, ""}, "empty .ndjson file (no resources)", ""}}});
  }

 private:
  // One JSON text holding a resource or a Bundle: a verdict per entry, and one for the envelope.
  void check_text(CheckSession& session, const std::string& file, std::string_view text, std::uint64_t line_offset, bool ndjson,
                  const std::function<void(CheckedUnit)>& emit) const {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    std::vector<Diagnostic> issues;
    for (auto& i : validator_->check(session, text, {file, false, profile_})) {
      issues.push_back(as_diagnostic(std::move(i)));
      auto& line = issues.back().location.line;
      if (ndjson) line = line_offset;
      else if (line == 0) line = 1;
    }
    json r = json::parse(text.begin(), text.end(), nullptr, false);
    if (!r.is_discarded() && r.is_object() && r.value("resourceType", "") == "Bundle" && r.contains("entry") &&
        r["entry"].is_array())
      return split_bundle(file, text, r, std::move(issues), ndjson ? line_offset : 0, emit);
    CheckedUnit u{file, ndjson ? line_offset : 1, r.is_discarded() ? "(invalid JSON)" : fhir_resource_label(r), {}};
    u.issues = std::move(issues);
    emit(std::move(u));
  }

  // A Bundle's issues go to the entry whose resource they are in, the rest to the envelope.
  static void split_bundle(const std::string& file, std::string_view text, const json& r, std::vector<Diagnostic> issues,
                           std::uint64_t ndjson_line, const std::function<void(CheckedUnit)>& emit) {
    const std::size_t n = r["entry"].size();
    std::vector<CheckedUnit> entries(n);
    CheckedUnit env{file, ndjson_line ? ndjson_line : 1, fhir_resource_label(r) + " envelope", {}};
    for (std::size_t k = 0; k < n; ++k) {
      const auto& e = r["entry"][k];
      entries[k].file = file;
      entries[k].label = "entry[" + std::to_string(k) + "] " + (e.is_object() && e.contains("resource") ? fhir_resource_label(e["resource"]) : "?");
    }
    for (auto& i : issues) {
      const std::string prefix = "Bundle.entry[";
      std::size_t k = n;
      const auto& path = i.location.field;
      if (path.rfind(prefix, 0) == 0) {
        auto close = path.find(']', prefix.size());
        if (close != std::string::npos && path.compare(close, 10, "].resource") == 0) k = std::stoul(path.substr(prefix.size()));
      }
      (k < n ? entries[k] : env).issues.push_back(std::move(i));
    }
    fhir::JsonLocator where(text);  // entries indexed once: a per-entry search from the top is quadratic
    for (std::size_t k = 0; k < n; ++k) {
      const auto& e = r["entry"][k];
      if (!(e.is_object() && e.contains("resource"))) continue;
      entries[k].line = ndjson_line ? ndjson_line : where.line_of("Bundle.entry[" + std::to_string(k) + "].resource");
      emit(std::move(entries[k]));
    }
    emit(std::move(env));
  }

  std::optional<FhirValidator> validator_;
  std::string profile_;
};

void codings(std::ostream& out, const json& j, const std::string& path, const std::string& indent) {
  if (j.is_array()) {
    for (const auto& x : j) codings(out, x, path, indent);
    return;
  }
  if (!j.is_object()) return;
  if (j.contains("coding") && j["coding"].is_array())
    for (const auto& c : j["coding"])
      out << indent << path << ": " << c.value("system", "") << "|" << c.value("code", "") << " \"" << c.value("display", "") << "\"\n";
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "coding" && it.key() != "meta") codings(out, it.value(), path + "." + it.key(), indent);
}

// A chunk holds one resource per line (bulk NDJSON, or a Bundle per line).
std::vector<OutputUnit> resources_of(const OutputChunk& chunk) {
  std::vector<OutputUnit> units;
  std::string_view all = chunk.bytes;
  while (!all.empty()) {
    auto nl = all.find('\n');
    auto line = all.substr(0, nl);
    all.remove_prefix(nl == std::string_view::npos ? all.size() : nl + 1);
    if (line.empty()) continue;
    json j = json::parse(line, nullptr, false);
    units.push_back({line, j.is_object() ? j.value("resourceType", "?") + "/" + j.value("id", "?") : ""});
  }
  return units;
}

// check-mappings: the codings, profiles, urls and UCUM units a resource carries, each with what
// the FHIR primitive types say about it.
void walk_codes(const json& j, const std::string& path, std::vector<CodedValue>& out) {
  using K = CodedValue::Kind;
  auto prim = [](fhir::Prim p, const std::string& v) -> std::string {
    const char* why = fhir::check_string_primitive(p, v);
    return why ? why : "";
  };
  if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) walk_codes(j[i], path + "[" + std::to_string(i) + "]", out);
    return;
  }
  if (!j.is_object()) return;
  if (auto it = j.find("coding"); it != j.end() && it->is_array())
    for (const auto& cd : *it) {
      std::string sys = cd.value("system", ""), code = cd.value("code", "");
      out.push_back({K::system, path + ".coding.system", sys, "", prim(fhir::Prim::uri, sys)});
      out.push_back({K::code, path + ".coding.code", code, sys, prim(fhir::Prim::code, code)});
    }
  if (auto it = j.find("profile"); it != j.end() && it->is_array() && path.size() >= 5 && path.substr(path.size() - 5) == ".meta")
    for (const auto& p : *it) {
      auto v = p.is_string() ? p.get<std::string>() : std::string();
      out.push_back({K::canonical, path + ".profile", v, "", prim(fhir::Prim::canonical, v)});
    }
  if (auto it = j.find("url"); it != j.end() && it->is_string())
    out.push_back({K::uri, path + ".url", it->get<std::string>(), "", prim(fhir::Prim::uri, it->get<std::string>())});
  if (j.value("system", "") == "http://unitsofmeasure.org" && j.contains("code") && j["code"].is_string())
    out.push_back({K::ucum_unit, path + ".code", j["code"].get<std::string>(), "", ""});
  for (auto it = j.begin(); it != j.end(); ++it) walk_codes(it.value(), path + "." + it.key(), out);
}

void coded_values(const OutputUnit& unit, UnitCodes& codes) {
  json j = json::parse(unit.bytes, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    codes.unreadable = "is not a JSON object";
    return;
  }
  walk_codes(j, j.value("resourceType", "Resource"), codes.values);
}

void describe_resource(const OutputChunk&, const OutputUnit& unit, std::ostream& out) {
  auto j = json::parse(unit.bytes, nullptr, false);
  if (!j.is_object()) return;
  out << "  FHIR " << j.value("resourceType", "?") << "/" << j.value("id", "?");
  if (j.contains("meta") && j["meta"].contains("profile")) out << " " << j["meta"]["profile"][0].get<std::string>();
  out << "\n";
  codings(out, j, j.value("resourceType", ""), "    ");
}

}  // namespace

void register_fhir_format(FormatRegistry& r) {
  OutputFormat f;
  f.name = "fhir";
  f.summary = "FHIR R4 JSON, mCODE STU4 profiles";
  f.directory = "fhir";
  f.writer = make_fhir_writer;
  f.checker = [](const CheckerOptions& o) -> std::unique_ptr<OutputChecker> { return std::make_unique<FhirChecker>(o); };
  f.file_extensions = {".json", ".ndjson", ".jsonl"};
  f.units = resources_of;
  f.describe = describe_resource;
  f.title = "FHIR";
  f.unit_noun = "resource";
  f.constants_table = "profiles.tsv";
  f.coded_values = coded_values;
  r.add(std::move(f));
}

}  // namespace netconv
