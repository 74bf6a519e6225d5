// Small text helpers shared by readers and table loaders.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace netconv {

// Byte offset of the first invalid UTF-8 sequence, or npos when the text is valid UTF-8.
std::size_t find_invalid_utf8(std::string_view s);
// Byte offset of the first control character — C0 (U+0000-U+001F, TAB, CR and LF included), DEL
// (U+007F) or C1 (U+0080-U+009F, as UTF-8) — or npos. Field values never carry one (docs/security.md).
std::size_t find_control_char(std::string_view s);
// True when `s` looks like a column or key name rather than a value: 1-64 bytes of letters,
// digits, space, '_', '-', '.', not starting with a digit. Names that do not are never printed.
bool looks_like_name(std::string_view s);
std::string_view trim(std::string_view s);
std::string to_lower(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);  // keeps empty items

}  // namespace netconv
