#include "validation/validate_files.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <map>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/errors.hpp"

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

using Unit = CheckedUnit;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw IoError("cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Each file goes to the checker of the output format its extension names; a format's checker is
// loaded on its first file (or taken from the options, already loaded).
class Runner {
 public:
  Runner(const ValidateFilesOptions& o, const FormatRegistry& formats)
      : o_(o), formats_(formats), session_(CheckSessionOptions{o.validation_cache}) {}

  void file(const fs::path& p) {
    const auto* f = formats_.output_for_file(p.string());
    const auto text = read_file(p);
    checker(*f).check_file(session_, p.string(), text, [this](Unit u) { emit(std::move(u)); });
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
        out() << "::" << (i.severity == Severity::error ? "error" : "warning") << " file=" << u.file
              << ",line=" << (i.location.line ? i.location.line : 1) << ",title=" << i.code
              << "::" << (i.location.field.empty() ? "" : i.location.field + ": ") << i.message << "\n";
      return;
    }
    bool fail = u.failed();
    if (!fail && o_.quiet) return;
    out() << (fail ? "FAIL " : "ok   ") << where << " (" << u.label << ")\n";
    for (const auto& i : u.issues)
      out() << "     " << u.file << ":" << i.location.line << ": " << to_string(i.severity) << " [" << i.code << "] "
            << (i.location.field.empty() ? "" : i.location.field + ": ") << i.message << "\n";
  }

  int finish() {
    if (o_.format == ValidateFilesOptions::Format::json) {
      json res = json::array();
      for (const auto& u : units_) {
        json issues = json::array();
        for (const auto& i : u.issues)
          issues.push_back({{"path", i.location.field}, {"rule", i.code}, {"message", i.message},
                            {"severity", to_string(i.severity)}, {"line", i.location.line}});
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
  const OutputChecker& checker(const OutputFormat& f) {
    if (auto it = o_.checkers.find(f.name); it != o_.checkers.end() && it->second) return *it->second;
    auto& loaded = loaded_[f.name];
    if (!loaded) {
      CheckerOptions co;
      co.fhir_packages = o_.fhir_packages;
      co.fhir_schema = o_.fhir_schema;
      co.cda_schema = o_.cda_schema;
      co.profile = o_.profile;
      co.validation_cache = o_.validation_cache;
      loaded = f.checker(co);
    }
    return *loaded;
  }

  const ValidateFilesOptions& o_;
  const FormatRegistry& formats_;
  std::map<std::string, std::unique_ptr<OutputChecker>> loaded_;
  CheckSession session_;  // one thread checks every file: one session for the run
  std::vector<Unit> units_;
  std::size_t passed_ = 0, failed_ = 0;
  bool io_error_ = false;
  std::ostream* out_ = nullptr;
};

// The extensions some registered output format checks: ".json, .ndjson, .jsonl or .xml".
std::string checked_extensions(const FormatRegistry& formats) {
  std::vector<std::string> all;
  for (const auto& f : formats.outputs())
    if (f.checker) all.insert(all.end(), f.file_extensions.begin(), f.file_extensions.end());
  std::string out;
  for (std::size_t i = 0; i < all.size(); ++i) out += (i == 0 ? "" : i + 1 == all.size() ? " or " : ", ") + all[i];
  return out;
}

// A netconv output folder (report.json or report.interrupted.json at its top) holds run metadata
// beside the data: the reports and rejects.ndjson are not FHIR resources, so only the files in its
// subfolders (fhir/, cda/, cda-entries/) are validated. Its `.netconv-*` folders hold a run in
// progress, a killed run's leftovers or a commit being switched in (docs/output-folder.md): not a
// completed run's data, so they are not validated either.
void collect_folder(const fs::path& dir, const FormatRegistry& formats, std::vector<fs::path>& files, std::error_code& ec) {
  std::error_code probe;
  const bool output_folder =
      fs::is_regular_file(dir / "report.json", probe) || fs::is_regular_file(dir / "report.interrupted.json", probe);
  std::vector<fs::path> found;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (output_folder && it.depth() == 0 && it->is_directory() && it->path().filename().string().starts_with(".netconv-")) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file() || !formats.output_for_file(it->path().string())) continue;
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
  const auto& formats = o.formats ? *o.formats : builtin_formats();
  std::vector<fs::path> files;
  std::vector<std::string> missing;
  for (const auto& in : o.inputs) {
    fs::path p(in);
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      collect_folder(p, formats, files, ec);
    } else if (fs::exists(p, ec)) {
      if (!formats.output_for_file(in)) {
        out << "netconv validate: " << in << ": unsupported file type (expected " << checked_extensions(formats) << ")\n";
        return kExitUsage;
      }
      files.push_back(p);
    } else {
      missing.push_back(in);
    }
  }
  if (files.empty() && missing.empty()) {
    out << "netconv validate: no " << checked_extensions(formats) << " files found\n";
    return kExitUsage;
  }
  Runner r(o, formats);
  r.set_out(out);
  for (const auto& m : missing) r.emit(Unit{m, 0, "missing", {{Severity::error, "io", {m, 0, 0, ""}, "no such file or directory", ""}}});
  r.io_error(!missing.empty());
  for (const auto& f : files) r.file(f);
  return r.finish();
}

}  // namespace netconv
