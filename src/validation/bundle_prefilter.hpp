// Drops unwanted StructureDefinitions from a definitions Bundle before it is parsed.
// profiles-resources.json is ~35 MB, of which a conversion needs the definitions of a few resource
// types; lexing the rest with nlohmann/json was about half of every run's start-up. A byte scan
// finds the Bundle's entries and drops those it can decide from their raw bytes; whatever it
// cannot decide is kept and left to the parser, so the parsed result is the same.
#pragma once
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netconv::fhir {

// The definitions loader's entry rule, which the scan anticipates: an object with `fullUrl` whose
// `resource` is a StructureDefinition of kind "resource" with an id not in `keep_ids`. Throws
// nlohmann's type_error when one of those members is not a string.
bool is_unwanted_definition(const nlohmann::json& object, const std::vector<std::string>& keep_ids);

// Parses a definitions Bundle as `nlohmann::json::parse(file, callback)` would (for a callback that
// decides each value from that value alone, as the definitions loader's does), except that the
// entries whose resource is a StructureDefinition of kind "resource" with an id not in
// `keep_ids` are skipped unparsed (the callback must drop those anyway: the result is then the
// same). nullopt when the text is not a JSON object with one `entry` array the scan understands,
// or is not valid JSON: the caller then parses the whole file the usual way, which reports it.
// The file is read in blocks and parsed an entry at a time: only one entry is ever held as text.
std::optional<nlohmann::json> parse_bundle_keeping(const std::filesystem::path& file, const std::vector<std::string>& keep_ids,
                                                   const nlohmann::json::parser_callback_t& callback);

// What the scan read of an entry's resource from the raw bytes: `decided` when the entry has one
// `resource` whose `resourceType` (and `url`, when present) are plain strings written once and
// without escapes, so that a parser would read the same.
struct EntryFacts {
  std::string_view resource_type, url;
  bool decided = false;
};

// Hands every entry of a Bundle file to `on_entry` as text, with its facts, without parsing it.
// False when the file cannot be read or is not a Bundle the scan understands (the caller then
// parses it the usual way); entries may have been handed over before that is known. Entries
// themselves are not checked to be JSON: whoever parses one later meets its errors.
using EntrySink = std::function<void(std::string_view, const EntryFacts&)>;
bool scan_bundle_entries(const std::filesystem::path& file, const EntrySink& on_entry);
// The same over text in memory, fed in blocks of `block` bytes (tests and fuzzing cut it everywhere).
bool scan_bundle_text_entries(std::string_view text, const EntrySink& on_entry, std::size_t block = std::string_view::npos);

// The same over text in memory, fed in blocks of `block` bytes (tests cut it everywhere).
std::optional<nlohmann::json> parse_bundle_text_keeping(std::string_view text, const std::vector<std::string>& keep_ids,
                                                        const nlohmann::json::parser_callback_t& callback,
                                                        std::size_t block = std::string_view::npos);

}  // namespace netconv::fhir
