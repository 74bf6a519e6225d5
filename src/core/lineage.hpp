// Lineage facts every FHIR output carries: which run made it (meta.source) and how a Bundle
// entry is addressed (fullUrl). All pure functions of their arguments, no clock or random
// source, so a re-run of the same export with the same netconv and tables gives the same bytes.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace netconv {

// SHA-256 of a file's bytes in lower-case hex, read in blocks (flat memory). Throws IoError.
std::string file_sha256_hex(const std::string& path);

// The run id: the first 16 hex of SHA-256 over the netconv version, the mapping tables' digest
// and each input's SHA-256 in input order (each behind a 0x1f separator). The same export
// converted by the same netconv with the same tables always has the same run id.
std::string run_id(std::string_view version, std::string_view tables_sha256, const std::vector<std::string>& input_sha256);

// meta.source of every resource of a run: urn:netconv:registry:<ID>:run:<run-id>, with the
// registry part "unspecified" when no registry id is given.
std::string meta_source_uri(std::string_view registry_id, std::string_view run_id);

// A name-based UUID for a resource (RFC 9562 version 8, the name-based SHA-256 layout of its
// appendix B.2): SHA-256 over "netconv/fullUrl", the type and the id, the first 16 bytes with the
// version and variant bits set. Lower-case, 8-4-4-4-12. Never random: same type+id, same UUID.
std::string resource_uuid(std::string_view type, std::string_view id);

// Why `base` cannot be a --fhir-base-url ("" = it can): it must be an absolute http or https
// URL with a host, no query, fragment, whitespace or trailing slash.
std::string fhir_base_url_problem(std::string_view base);

// Bundle.entry.fullUrl: BASE/Type/id with a base URL, else urn:uuid:<resource_uuid>.
std::string bundle_full_url(std::string_view base, std::string_view type, std::string_view id);

}  // namespace netconv
