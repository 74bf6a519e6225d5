// Small text helpers shared by readers and table loaders.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace netconv {

// Byte offset of the first invalid UTF-8 sequence, or npos when the text is valid UTF-8.
std::size_t find_invalid_utf8(std::string_view s);
std::string_view trim(std::string_view s);
std::string to_lower(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);  // keeps empty items

}  // namespace netconv
