// Identifiers in CDA are (root OID, extension). netconv mints OIDs only below its own 2.25 arc
// (cda-templates.tsv cda.oid.*), so nothing here needs registration.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace netconv::cda {

// Decimal text of a big-endian unsigned integer (UUIDs as 2.25 OIDs, hash prefixes).
std::string decimal(const std::uint8_t* bytes, std::size_t n);
// "2.25.<integer>" for a UUID written as 32 hex digits with or without hyphens; "" when malformed.
std::string uuid_to_oid(std::string_view uuid);
// id/@root for a patient identifier system URI: urn:oid: gives the OID itself, urn:uuid: its
// 2.25 form; anything else <arc>.<first 48 bits of SHA-256(uri)>, so that one system always
// maps to one root.
std::string id_root_for_system(const std::string& system_uri, const std::string& arc);

}  // namespace netconv::cda
