// Stable resource ids: every id netconv writes (FHIR resource ids, CDA instance ids, file keys)
// is a hash over what identifies the thing, so the same input gives the same ids on any run, at
// any -j, with no clock or random source (docs: "Resource ids"). Pure function: thread-safe.
#pragma once
#include <initializer_list>
#include <string>
#include <string_view>

namespace netconv {

// SHA-256 of "netconv/1" and the parts, each behind a 0x1f separator; the first 16 bytes in
// lower-case hex (32 characters). Changing this changes every id of every output.
std::string hash_id(std::initializer_list<std::string_view> parts);

}  // namespace netconv
