#include "validation/validate_files.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/errors.hpp"
#include "validation/cda_validator.hpp"
#include "validation/fhir_validator.hpp"
#include "validation/json_locate.hpp"

namespace netconv {
namespace fs = std::filesystem;
using nlohmann::json;

ValidateFilesOptions::Format parse_validate_format(const std::string& s) {
  if (s == "text") return ValidateFilesOptions::Format::text;
  if (s == "json") return ValidateFilesOptions::Format::json;
  if (s == "github") return ValidateFilesOptions::Format::github;
  throw std::invalid_argument("--format must be text, json or github (got '" + s + "')");
}

namespace {

struct Unit {  // one verdict: a resource, a Bundle envelope, an XML document
  std::string file;
  std::uint64_t line = 0;
  std::string label;  // "Condition/abc", "entry[2] Condition/abc", "Bundle envelope"
  std::vector<ValidationIssue> issues;
  bool failed() const {
    return std::any_of(issues.begin(), issues.end(), [](const ValidationIssue& i) { return i.severity == Severity::error; });
  }
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw IoError("cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class Runner {
 public:
  Runner(const ValidateFilesOptions& o) : o_(o) {}

  const FhirValidator& fhir() {
    if (o_.fhir_validator) return *o_.fhir_validator;
    if (!fhir_) {
      FhirValidatorOptions fo;
      fo.schema_file = o_.fhir_schema;
      fo.memoize = o_.validation_cache;
      fhir_.emplace(FhirValidator::load(resolve_fhir_packages_dir(o_.fhir_packages), fo));
    }
    return *fhir_;
  }

  // one JSON text holding a resource or a Bundle: units per entry + envelope
  void json_text(const std::string& file, std::string_view text, std::uint64_t line_offset, bool ndjson) {
    if (!text.empty() && static_cast<unsigned char>(text[0]) == 0xEF && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    auto issues = fhir().validate(text, o_.profile);
    json r = json::parse(text.begin(), text.end(), nullptr, false);
    auto fix_line = [&](ValidationIssue& i) {
      if (ndjson) i.line = line_offset;
      else if (i.line == 0) i.line = 1;
    };
    if (!r.is_discarded() && r.is_object() && r.value("resourceType", "") == "Bundle" && r.contains("entry") &&
        r["entry"].is_array()) {
      std::size_t n = r["entry"].size();
      std::vector<Unit> entries(n);
      Unit env{file, ndjson ? line_offset : 1, fhir_resource_label(r) + " envelope", {}};
      for (std::size_t k = 0; k < n; ++k) {
        const auto& e = r["entry"][k];
        entries[k].file = file;
        entries[k].label = "entry[" + std::to_string(k) + "] " + (e.is_object() && e.contains("resource") ? fhir_resource_label(e["resource"]) : "?");
      }
      for (auto& i : issues) {
        fix_line(i);
        const std::string prefix = "Bundle.entry[";
        std::size_t k = n;
        if (i.path.rfind(prefix, 0) == 0) {
          auto close = i.path.find(']', prefix.size());
          if (close != std::string::npos && i.path.compare(close, 10, "].resource") == 0) k = std::stoul(i.path.substr(prefix.size()));
        }
        (k < n ? entries[k] : env).issues.push_back(std::move(i));
      }
      fhir::JsonLocator where(text);  // entries indexed once: a per-entry search from the top is quadratic
      for (std::size_t k = 0; k < n; ++k) {
        const auto& e = r["entry"][k];
        if (!(e.is_object() && e.contains("resource"))) continue;
        entries[k].line = ndjson ? line_offset : where.line_of("Bundle.entry[" + std::to_string(k) + "].resource");
        emit(std::move(entries[k]));
      }
      emit(std::move(env));
      return;
    }
    Unit u{file, ndjson ? line_offset : 1, r.is_discarded() ? "(invalid JSON)" : fhir_resource_label(r), std::move(issues)};
    for (auto& i : u.issues) fix_line(i);
    emit(std::move(u));
  }

  void json_file(const fs::path& p) {
    auto text = read_file(p);
    json_text(p.string(), text, 0, false);
  }

  void ndjson_file(const fs::path& p) {
    auto text = read_file(p);
    std::size_t pos = 0, line = 0, count = 0;
    while (pos <= text.size()) {
      auto nl = text.find('\n', pos);
      std::string_view l(text.data() + pos, (nl == std::string::npos ? text.size() : nl) - pos);
      ++line;
      if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
      if (l.find_first_not_of(" \t") != std::string_view::npos) {
        ++count;
        json_text(p.string(), l, line, true);
      }
      if (nl == std::string::npos) break;
      pos = nl + 1;
    }
    if (count == 0) emit(Unit{p.string(), 0, "(empty)", {ValidationIssue{"", "ndjson", "empty .ndjson file (no resources)", Severity::error, 0}}});
  }

  void xml_file(const fs::path& p) {
    if (!cda_) cda_ = std::make_unique<CdaValidator>(cda_schema_path(o_.cda_schema), o_.validation_cache);
    Unit u{p.string(), 0, "CDA", {}};
    for (const auto& d : cda_->validate(read_file(p), p.string()))
      u.issues.push_back(ValidationIssue{d.location.field, d.code, d.message, d.severity, d.location.line});
    emit(std::move(u));
  }

  void emit(Unit u) {
    u.failed() ? ++failed_ : ++passed_;
    units_.push_back(std::move(u));
    if (o_.format != ValidateFilesOptions::Format::json) flush_text();
  }

  void flush_text() {
    for (auto& u : units_) print_text(u);
    units_.clear();
  }

  void print_text(const Unit& u) {
    std::string where = u.file + (u.line ? ":" + std::to_string(u.line) : "");
    if (o_.format == ValidateFilesOptions::Format::github) {
      for (const auto& i : u.issues)
        out() << "::" << (i.severity == Severity::error ? "error" : "warning") << " file=" << u.file << ",line=" << (i.line ? i.line : 1)
              << ",title=" << i.rule << "::" << (i.path.empty() ? "" : i.path + ": ") << i.message << "\n";
      return;
    }
    bool fail = u.failed();
    if (!fail && o_.quiet) return;
    out() << (fail ? "FAIL " : "ok   ") << where << " (" << u.label << ")\n";
    for (const auto& i : u.issues)
      out() << "     " << u.file << ":" << i.line << ": " << to_string(i.severity) << " [" << i.rule << "] "
            << (i.path.empty() ? "" : i.path + ": ") << i.message << "\n";
  }

  int finish() {
    if (o_.format == ValidateFilesOptions::Format::json) {
      json res = json::array();
      for (const auto& u : units_) {
        json issues = json::array();
        for (const auto& i : u.issues)
          issues.push_back({{"path", i.path}, {"rule", i.rule}, {"message", i.message}, {"severity", to_string(i.severity)}, {"line", i.line}});
        res.push_back({{"file", u.file}, {"line", u.line}, {"resource", u.label}, {"valid", !u.failed()}, {"issues", issues}});
      }
      out() << json{{"results", res}, {"passed", passed_}, {"failed", failed_}}.dump(2) << "\n";
    } else {
      out() << passed_ << " passed, " << failed_ << " failed\n";
    }
    return io_error_ ? kExitIo : failed_ ? kExitDataProblems : kExitOk;
  }

  void set_out(std::ostream& o) { out_ = &o; }
  // an input that could not be read: still reported per file, but the run exits 3 (an I/O error)
  void io_error(bool e) { io_error_ = io_error_ || e; }
  std::ostream& out() { return *out_; }

 private:
  const ValidateFilesOptions& o_;
  std::optional<FhirValidator> fhir_;
  std::unique_ptr<CdaValidator> cda_;
  std::vector<Unit> units_;
  std::size_t passed_ = 0, failed_ = 0;
  bool io_error_ = false;
  std::ostream* out_ = nullptr;
};

std::string lower_extension(const fs::path& p) {
  auto e = p.extension().string();
  std::transform(e.begin(), e.end(), e.begin(), ::tolower);
  return e;
}

// .jsonl is NDJSON under another name, as `convert` reads it
bool is_ndjson(const std::string& e) { return e == ".ndjson" || e == ".jsonl"; }

bool wanted(const fs::path& p) {
  auto e = lower_extension(p);
  return e == ".json" || is_ndjson(e) || e == ".xml";
}

// A netconv output folder (report.json or report.interrupted.json at its top) holds run metadata
// beside the data: the reports and rejects.ndjson are not FHIR resources, so only the files in its
// subfolders (fhir/, cda/, cda-entries/) are validated. Its `.netconv-*` folders hold a run in
// progress, a killed run's leftovers or a commit being switched in (docs/output-folder.md): not a
// completed run's data, so they are not validated either.
void collect_folder(const fs::path& dir, std::vector<fs::path>& files, std::error_code& ec) {
  std::error_code probe;
  const bool output_folder =
      fs::is_regular_file(dir / "report.json", probe) || fs::is_regular_file(dir / "report.interrupted.json", probe);
  std::vector<fs::path> found;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (output_folder && it.depth() == 0 && it->is_directory() && it->path().filename().string().starts_with(".netconv-")) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file() || !wanted(it->path())) continue;
    if (output_folder && it.depth() == 0) continue;
    found.push_back(it->path());
  }
  std::sort(found.begin(), found.end());
  files.insert(files.end(), found.begin(), found.end());
}

}  // namespace

int validate_files(const ValidateFilesOptions& o, std::ostream& out) {
  if (o.inputs.empty()) {
    out << "netconv validate: no FILE or DIR given\n";
    return kExitUsage;
  }
  std::vector<fs::path> files;
  std::vector<std::string> missing;
  for (const auto& in : o.inputs) {
    fs::path p(in);
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      collect_folder(p, files, ec);
    } else if (fs::exists(p, ec)) {
      if (!wanted(p)) {
        out << "netconv validate: " << in << ": unsupported file type (expected .json, .ndjson, .jsonl or .xml)\n";
        return kExitUsage;
      }
      files.push_back(p);
    } else {
      missing.push_back(in);
    }
  }
  if (files.empty() && missing.empty()) {
    out << "netconv validate: no .json, .ndjson, .jsonl or .xml files found\n";
    return kExitUsage;
  }
  Runner r(o);
  r.set_out(out);
  for (const auto& m : missing)
    r.emit(Unit{m, 0, "missing", {ValidationIssue{"", "io", "no such file or directory", Severity::error, 0}}});
  r.io_error(!missing.empty());
  for (const auto& f : files) {
    auto e = lower_extension(f);
    if (is_ndjson(e)) r.ndjson_file(f);
    else if (e == ".json") r.json_file(f);
    else r.xml_file(f);
  }
  return r.finish();
}

}  // namespace netconv
