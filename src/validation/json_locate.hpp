// Finds the line of a JSON path (Condition.code.coding[0].system) in JSON text without building a
// DOM: used only to put line numbers on validation issues. The first path step (the resource
// type) is skipped. Returns the line of the deepest step found (1-based), 0 if the text is not
// an object.
#pragma once
#include <cstdint>
#include <string_view>

namespace netconv::fhir {
std::uint64_t locate_json_path(std::string_view text, std::string_view path);
}
