// Shared helpers of the libFuzzer targets (tests/fuzz, docs/security.md).
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/diagnostics.hpp"

namespace netconv::fuzz {

inline std::string mappings_dir() {
  if (const char* e = std::getenv("NETCONV_MAPPINGS"); e && *e) return e;
  return std::string(NETCONV_SOURCE_DIR) + "/mappings";
}

inline std::string as_string(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// A finding: abort so libFuzzer saves the input.
[[noreturn]] inline void finding(const char* what) {
  std::fprintf(stderr, "netconv fuzz invariant broken: %s\n", what);
  std::abort();
}

// Every diagnostic has a stable code and formats without trouble.
inline void check_diagnostic(const Diagnostic& d) {
  if (d.code.size() < 6 || d.code.compare(0, 3, "NC-") != 0) finding("diagnostic without an NC- code");
  auto s = format_diagnostic(d, false);
  if (s.empty()) finding("empty diagnostic");
  if (!d.value.empty() && s.find(" (value: ") != std::string::npos) finding("value printed without --show-values");
}

}  // namespace netconv::fuzz
