// Check digits and code formats per code system (used when tables are loaded and by
// check-mappings).
#pragma once
#include <string>
#include <string_view>

namespace netconv {

bool verhoeff_valid(std::string_view digits);  // SNOMED CT identifiers
bool loinc_check_digit_valid(std::string_view code);  // nnnnn-c, mod 10
// Empty string when `code` fits the format; otherwise why not.
std::string code_format_problem(std::string_view format, std::string_view code);
bool is_known_code_format(std::string_view format);

}  // namespace netconv
