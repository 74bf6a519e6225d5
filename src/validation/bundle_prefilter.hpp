// Drops unwanted StructureDefinitions from a definitions Bundle before it is parsed.
// profiles-resources.json is ~35 MB, of which a conversion needs the definitions of a few resource
// types; lexing the rest with nlohmann/json was about half of every run's start-up. A byte scan
// finds the Bundle's entries and drops those it can decide from their raw bytes; whatever it
// cannot decide is kept and left to the parser, so the parsed result is the same.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netconv::fhir {

// The Bundle text without the entries whose resource is a StructureDefinition of kind "resource"
// with an id not in `keep_ids`. nullopt when the text is not a JSON object with an `entry` array
// the scan understands (the caller then parses the whole file). The file is read in blocks: only
// the kept entries and the one being scanned are ever in memory.
std::optional<std::string> prefilter_bundle_file(const std::filesystem::path& file, const std::vector<std::string>& keep_ids);

// The same over text in memory, fed in blocks of `block` bytes (tests cut it everywhere).
std::optional<std::string> prefilter_bundle_text(std::string_view text, const std::vector<std::string>& keep_ids,
                                                 std::size_t block = std::string_view::npos);

}  // namespace netconv::fhir
